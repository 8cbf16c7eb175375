-- PostgreSQL twin of sqlite_0005_quarantine.sql: rows the ledger or audit writer could not store
-- as they were, kept with the reason (tenbin.quarantine). payload is ASCII JSON of the refused row.
CREATE TABLE IF NOT EXISTS quarantine (
    digest TEXT PRIMARY KEY,
    ts DOUBLE PRECISION NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT,
    reason TEXT NOT NULL,
    repaired INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_ts ON quarantine (ts)
