-- The snapshot inventory: the current picture (one row per copy still
-- present, its record as the inventory package serialises it) and the
-- history of changes each collection or import recorded. Scopes and ids are
-- bytea and times text COLLATE "C", as in 0001.
CREATE TABLE inventory (
    cloud      bytea NOT NULL,
    account    bytea NOT NULL,
    region     bytea NOT NULL,
    kind       bytea NOT NULL,
    id         bytea NOT NULL,
    first_seen text COLLATE "C" NOT NULL,
    last_seen  text COLLATE "C" NOT NULL,
    record     bytea NOT NULL,
    PRIMARY KEY (cloud, account, region, kind, id)
);

CREATE TABLE inventory_changes (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      text COLLATE "C" NOT NULL,
    change  text NOT NULL, -- added, removed, changed
    cloud   bytea NOT NULL,
    account bytea NOT NULL,
    region  bytea NOT NULL,
    kind    bytea NOT NULL,
    id      bytea NOT NULL,
    first_seen text COLLATE "C" NOT NULL,
    old     bytea,
    new     bytea
);

CREATE INDEX inventory_changes_at ON inventory_changes (at, seq);
