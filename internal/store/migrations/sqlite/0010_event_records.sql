-- The audit records behind findings: the web console shows each event of a
-- finding with its record. serve keeps the record of every event the chain
-- rules take (pinned once a finding names it): an unpinned one goes when no
-- chain can reach it any more, a pinned one with the findings' retention.

CREATE TABLE event_records (
    event_id TEXT PRIMARY KEY,
    time     TEXT NOT NULL,
    format   TEXT NOT NULL,
    raw      BLOB NOT NULL,
    pinned   INTEGER NOT NULL
);

CREATE INDEX event_records_time ON event_records (time);
