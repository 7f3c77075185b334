-- Faulting state in (LoadStateOf); the PostgreSQL twin of
-- migrations/sqlite/0009_fault_in.sql: resources by id in any cloud, and
-- the chains holding a resource through state_links.
CREATE INDEX resources_id ON resources (id);
CREATE INDEX state_links_id ON state_links (id, from_kind, kind, from_id);
