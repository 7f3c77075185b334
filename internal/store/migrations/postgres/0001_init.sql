-- Correlation state (replaced whole by SaveState) and findings (upserted);
-- the PostgreSQL twin of migrations/sqlite/0001_init.sql.
-- Text from logs and cloud APIs is bytea: PostgreSQL text refuses NUL and
-- invalid UTF-8, and bytea keeps every byte and orders them as SQLite does
-- (see postgres.go). Times are text in one fixed-width UTC form (see
-- timefmt.go), COLLATE "C" so that they sort by byte whatever the database's
-- collation; NULL is a zero time. In psql, convert_from(id, 'UTF8') shows an
-- id as text.

CREATE TABLE state_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE principals (
    cloud      bytea NOT NULL,
    id         bytea NOT NULL,
    first_seen text COLLATE "C",
    created    text COLLATE "C",
    created_by bytea NOT NULL,
    PRIMARY KEY (cloud, id)
);

CREATE TABLE resources (
    cloud      bytea NOT NULL,
    id         bytea NOT NULL,
    type       bytea NOT NULL,
    account    bytea NOT NULL,
    created    text COLLATE "C",
    creator    bytea NOT NULL,
    created_by bytea NOT NULL,
    parent     bytea NOT NULL,
    critical   integer NOT NULL,
    links      bytea,
    seen       text COLLATE "C",
    PRIMARY KEY (cloud, id)
);

CREATE TABLE chains (
    id      bytea PRIMARY KEY,
    rule    bytea NOT NULL,
    cloud   bytea NOT NULL,
    account bytea NOT NULL,
    updated text COLLATE "C",
    is_open integer NOT NULL,
    state   bytea
);

CREATE TABLE findings (
    id          bytea PRIMARY KEY,
    rule_id     bytea NOT NULL,
    severity    integer NOT NULL,
    cloud       bytea NOT NULL,
    account     bytea NOT NULL,
    time        text COLLATE "C" NOT NULL,
    status      text NOT NULL,
    revision    bigint NOT NULL,
    suppression text,
    region      bytea NOT NULL,
    actor_names text,
    body        text NOT NULL
);

CREATE INDEX findings_time ON findings (time, id);
CREATE INDEX findings_rule ON findings (rule_id);
CREATE INDEX findings_account ON findings (cloud, account);
CREATE INDEX findings_status ON findings (status, severity);
