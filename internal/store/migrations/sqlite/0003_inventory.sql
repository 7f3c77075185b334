-- The snapshot inventory: the current picture (one row per copy still
-- present, its record as the inventory package serialises it) and the
-- history of changes each collection or import recorded.
CREATE TABLE inventory (
    cloud      TEXT NOT NULL,
    account    TEXT NOT NULL,
    region     TEXT NOT NULL,
    kind       TEXT NOT NULL,
    id         TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    record     BLOB NOT NULL,
    PRIMARY KEY (cloud, account, region, kind, id)
);

CREATE TABLE inventory_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT NOT NULL,
    change  TEXT NOT NULL, -- added, removed, changed
    cloud   TEXT NOT NULL,
    account TEXT NOT NULL,
    region  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    id      TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    old     BLOB,
    new     BLOB
);

CREATE INDEX inventory_changes_at ON inventory_changes (at, seq);
