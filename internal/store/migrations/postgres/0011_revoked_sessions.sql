-- serve: the web console's logouts; the PostgreSQL twin of
-- migrations/sqlite/0011_revoked_sessions.sql. The nonce is the console's
-- own hex text, so text, not bytea.

CREATE TABLE revoked_sessions (
    nonce   text COLLATE "C" PRIMARY KEY,
    expires text COLLATE "C" NOT NULL
);
