-- Correlation state (replaced whole by SaveState) and findings (upserted).
-- Times are TEXT in one fixed-width UTC form (see timefmt.go), so they sort
-- as text; NULL is a zero time.

CREATE TABLE state_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE principals (
    cloud      TEXT NOT NULL,
    id         TEXT NOT NULL,
    first_seen TEXT,
    created    TEXT,
    created_by TEXT NOT NULL,
    PRIMARY KEY (cloud, id)
);

CREATE TABLE resources (
    cloud      TEXT NOT NULL,
    id         TEXT NOT NULL,
    type       TEXT NOT NULL,
    account    TEXT NOT NULL,
    created    TEXT,
    creator    TEXT NOT NULL,
    created_by TEXT NOT NULL,
    parent     TEXT NOT NULL,
    critical   INTEGER NOT NULL,
    links      TEXT,
    seen       TEXT,
    PRIMARY KEY (cloud, id)
);

CREATE TABLE chains (
    id      TEXT PRIMARY KEY,
    rule    TEXT NOT NULL,
    cloud   TEXT NOT NULL,
    account TEXT NOT NULL,
    updated TEXT,
    is_open INTEGER NOT NULL,
    state   BLOB
);

CREATE TABLE findings (
    id          TEXT PRIMARY KEY,
    rule_id     TEXT NOT NULL,
    severity    INTEGER NOT NULL,
    cloud       TEXT NOT NULL,
    account     TEXT NOT NULL,
    time        TEXT NOT NULL,
    status      TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    suppression TEXT,
    region      TEXT NOT NULL,
    actor_names TEXT,
    body        TEXT NOT NULL
);

CREATE INDEX findings_time ON findings (time, id);
CREATE INDEX findings_rule ON findings (rule_id);
CREATE INDEX findings_account ON findings (cloud, account);
CREATE INDEX findings_status ON findings (status, severity);
