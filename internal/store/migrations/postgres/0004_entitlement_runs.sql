-- Entitlement runs: each `snapwarden entitlements --db` stores its report
-- (the entitlement package's JSON) for the console and later reviews.
CREATE TABLE entitlement_runs (
    seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     text COLLATE "C" NOT NULL,
    report bytea NOT NULL
);
