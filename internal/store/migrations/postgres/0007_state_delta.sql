-- Incremental checkpoints (ApplyState) and per-account loading (LoadStateFor);
-- the PostgreSQL twin of migrations/sqlite/0007_state_delta.sql. Ids and
-- accounts are bytea as in 0001.
ALTER TABLE chains ADD COLUMN accounts bytea;
ALTER TABLE chains ADD COLUMN resources bytea;

-- state_links: account needs the row (kind, cloud, id) because of the row
-- (from_kind, from_cloud, from_id): a resource whose parent or link (peer)
-- is in another account, or a chain reaching other accounts. Rows from a
-- resource or chain are rewritten whenever it is; rows of a pair go when
-- the peer goes. kind is 'resource' or 'chain'; a chain's cloud is ''.
CREATE TABLE state_links (
    account    bytea NOT NULL,
    kind       text NOT NULL,
    cloud      bytea NOT NULL,
    id         bytea NOT NULL,
    from_kind  text NOT NULL,
    from_cloud bytea NOT NULL,
    from_id    bytea NOT NULL,
    peer       bytea NOT NULL,
    PRIMARY KEY (from_kind, from_cloud, from_id, peer, account, kind, cloud, id)
);
CREATE INDEX state_links_account ON state_links (account, kind);
CREATE INDEX state_links_peer ON state_links (from_cloud, peer);

CREATE INDEX resources_account ON resources (account);
CREATE INDEX resources_parent ON resources (cloud, parent);
CREATE INDEX chains_account ON chains (account);

-- Opaque marks a checkpoint covers (serve's ingest-queue sequence, Kafka
-- offsets), written in the checkpoint's transaction.
CREATE TABLE state_marks (
    key   bytea PRIMARY KEY,
    value bytea NOT NULL
);
