-- Findings review: the audit of every ack, suppress and reopen, and two
-- columns PutFindings fills so that the review queries filter in SQL:
--   actors            each actor id hex-encoded between commas
--                     (",616c696365,626f62,"), so that LIKE '%,<hex>,%'
--                     matches one whole id, byte for byte; NULL when none.
--   suppressed_until  when a suppression ends, in the fixed-width time form;
--                     NULL when it never does or the finding is not
--                     suppressed. It is only compared, never parsed.

ALTER TABLE findings ADD COLUMN actors TEXT;
ALTER TABLE findings ADD COLUMN suppressed_until TEXT;

UPDATE findings SET actors = (
    SELECT ',' || group_concat(lower(hex(value)), ',') || ','
    FROM json_each(findings.body, '$.actors')
    WHERE type = 'text' AND value <> '');

-- Suppressions stored before this version come from the config's allow
-- list, whose expiry is a date that holds through its whole day: 24:00 of
-- it sorts after every instant of that day and before the next one.
UPDATE findings SET suppressed_until = json_extract(suppression, '$.expires') || 'T24:00:00.000000000Z'
WHERE status = 'suppressed' AND suppression IS NOT NULL
    AND json_extract(suppression, '$.expires') GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]';

CREATE TABLE finding_audit (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    finding_id TEXT NOT NULL,
    action     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    reviewer   TEXT NOT NULL,
    at         TEXT NOT NULL,
    expires    TEXT
);

CREATE INDEX finding_audit_finding ON finding_audit (finding_id, seq);
