-- Incremental checkpoints (ApplyState) and per-account loading (LoadStateFor).
-- A chain keeps the other accounts it reaches and the resources it holds, so
-- that the loader of any of those accounts gets the chain and those resources.
ALTER TABLE chains ADD COLUMN accounts TEXT;
ALTER TABLE chains ADD COLUMN resources TEXT;

-- state_links: account needs the row (kind, cloud, id) because of the row
-- (from_kind, from_cloud, from_id): a resource whose parent or link (peer)
-- is in another account, or a chain reaching other accounts. Rows from a
-- resource or chain are rewritten whenever it is; rows of a pair go when
-- the peer goes. kind is 'resource' or 'chain'; a chain's cloud is ''.
CREATE TABLE state_links (
    account    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    cloud      TEXT NOT NULL,
    id         TEXT NOT NULL,
    from_kind  TEXT NOT NULL,
    from_cloud TEXT NOT NULL,
    from_id    TEXT NOT NULL,
    peer       TEXT NOT NULL,
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
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
