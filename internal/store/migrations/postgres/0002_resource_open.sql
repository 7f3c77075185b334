-- A network object opened to inbound traffic keeps that opening (the
-- correlation engine's JSON), so a chain completed in a later run still
-- reaches it.
ALTER TABLE resources ADD COLUMN open bytea;
