-- The audit records behind findings; the PostgreSQL twin of
-- migrations/sqlite/0010_event_records.sql.

CREATE TABLE event_records (
    event_id bytea PRIMARY KEY,
    time     text COLLATE "C" NOT NULL,
    format   text NOT NULL,
    raw      bytea NOT NULL,
    pinned   integer NOT NULL
);

CREATE INDEX event_records_time ON event_records (time);
