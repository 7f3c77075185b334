-- Faulting state in (LoadStateOf): a live engine asks for resources by id,
-- whatever their cloud, and for the open chains that hold them. state_links
-- has a chain's row for each resource it holds (in its own account too), so
-- the chains are found through its id.
CREATE INDEX resources_id ON resources (id);
CREATE INDEX state_links_id ON state_links (id, from_kind, kind, from_id);
