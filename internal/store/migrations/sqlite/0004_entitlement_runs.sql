-- Entitlement runs: each `snapwarden entitlements --db` stores its report
-- (the entitlement package's JSON) for the console and later reviews.
CREATE TABLE entitlement_runs (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    report BLOB NOT NULL
);
