-- serve: the durable ingest queue (a batch is accepted once its row is
-- committed, and deleted once a checkpoint covers it), the outbox of
-- findings for the sinks with each sink's position in it, and the API
-- tokens' hashes.

CREATE TABLE ingest_queue (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    owner    TEXT NOT NULL,
    received TEXT NOT NULL,
    source   TEXT NOT NULL,
    format   TEXT NOT NULL,
    body     BLOB NOT NULL
);

CREATE INDEX ingest_queue_owner ON ingest_queue (owner, seq);

CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    owner      TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    added      TEXT NOT NULL,
    body       TEXT NOT NULL
);

CREATE TABLE sink_cursors (
    sink TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL
);

CREATE TABLE api_tokens (
    name    TEXT PRIMARY KEY,
    hash    TEXT NOT NULL,
    created TEXT NOT NULL
);
