-- PostgreSQL twin of sqlite_0002_finops.sql (same tables; REAL -> DOUBLE PRECISION, nanos BIGINT).
CREATE TABLE IF NOT EXISTS fx_rates (
    currency TEXT NOT NULL,
    day TEXT NOT NULL,
    rate TEXT NOT NULL,
    source TEXT,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (currency, day)
);
CREATE TABLE IF NOT EXISTS budgets (
    name TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_alerts (
    budget TEXT NOT NULL,
    bucket TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    spent_jpy_nanos BIGINT NOT NULL,
    ts DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (budget, bucket, threshold)
)
