-- serve: the file tailer's positions; the PostgreSQL twin of
-- migrations/sqlite/0008_tail_positions.sql. A path is bytea: file names
-- need be neither UTF-8 nor free of odd bytes.

CREATE TABLE tail_positions (
    path        bytea PRIMARY KEY,
    identity    bytea NOT NULL,
    byte_offset bigint NOT NULL,
    done        integer NOT NULL,
    updated     text COLLATE "C" NOT NULL
);
