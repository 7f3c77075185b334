-- serve: the durable ingest queue, the sinks' outbox and cursors, the API
-- tokens' hashes; the PostgreSQL twin of migrations/sqlite/0005_serve_queue.sql.

CREATE TABLE ingest_queue (
    seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner    bytea NOT NULL,
    received text COLLATE "C" NOT NULL,
    source   bytea NOT NULL,
    format   text NOT NULL,
    body     bytea NOT NULL
);

CREATE INDEX ingest_queue_owner ON ingest_queue (owner, seq);

CREATE TABLE outbox (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner      bytea NOT NULL,
    finding_id bytea NOT NULL,
    added      text COLLATE "C" NOT NULL,
    body       bytea NOT NULL
);

CREATE TABLE sink_cursors (
    sink text PRIMARY KEY,
    seq  bigint NOT NULL
);

CREATE TABLE api_tokens (
    name    text PRIMARY KEY,
    hash    text NOT NULL,
    created text COLLATE "C" NOT NULL
);
