-- Findings review; the PostgreSQL twin of migrations/sqlite/0006_review.sql
-- (see there for what actors and suppressed_until hold). Text a reviewer
-- typed is bytea, as text from logs is in 0001.

ALTER TABLE findings ADD COLUMN actors text;
ALTER TABLE findings ADD COLUMN suppressed_until text COLLATE "C";

-- A body holding \u0000 is skipped: json_array_elements_text refuses it,
-- and one such finding must not stop the migration. It gets its actors on
-- its next update.
UPDATE findings SET actors = (
    SELECT ',' || string_agg(encode(convert_to(a, 'UTF8'), 'hex'), ',') || ','
    FROM json_array_elements_text(body::json -> 'actors') AS a
    WHERE a <> '')
WHERE CASE WHEN strpos(body, '\u0000') = 0 THEN json_typeof(body::json -> 'actors') = 'array' ELSE false END;

-- Allow-list expiry dates hold through their whole day (see the SQLite
-- file); the text is appended, never cast, so no stored value can fail it.
UPDATE findings SET suppressed_until = (suppression::json ->> 'expires') || 'T24:00:00.000000000Z'
WHERE status = 'suppressed'
    AND CASE WHEN suppression IS NOT NULL AND strpos(suppression, '\u0000') = 0
        THEN (suppression::json ->> 'expires') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' ELSE false END;

CREATE TABLE finding_audit (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    finding_id bytea NOT NULL,
    action     text NOT NULL,
    reason     bytea NOT NULL,
    reviewer   bytea NOT NULL,
    at         text COLLATE "C" NOT NULL,
    expires    text COLLATE "C"
);

CREATE INDEX finding_audit_finding ON finding_audit (finding_id, seq);
