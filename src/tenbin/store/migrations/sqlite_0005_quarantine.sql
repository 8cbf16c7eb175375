-- Rows the ledger or audit writer could not store as they were (a lone surrogate, a NUL, a value
-- the schema refuses), kept with the reason instead of blocking every later row (tenbin.quarantine).
-- payload is ASCII JSON of the refused row; repaired = 1 when a scrubbed copy was stored in its
-- place (the ledger row with the same request_id, or the audit entry whose detail says quarantined).
CREATE TABLE IF NOT EXISTS quarantine (
    digest TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT,
    reason TEXT NOT NULL,
    repaired INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_ts ON quarantine (ts)
