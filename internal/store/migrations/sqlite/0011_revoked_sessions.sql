-- serve: the web console's logouts. A session cookie is signed, not stored;
-- logging out records its nonce here until the cookie would have expired,
-- so that a kept copy stays refused after a restart and on every instance
-- over this database. Rows past their expiry are deleted at the next
-- logout.

CREATE TABLE revoked_sessions (
    nonce   TEXT PRIMARY KEY,
    expires TEXT NOT NULL
);
