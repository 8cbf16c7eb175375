-- FinOps: dated FX rates (JPY per unit, decimal text so no float ever touches money), budgets
-- managed with `tenbin budgets set`, and budget alerts already sent (so a restart does not resend).
CREATE TABLE IF NOT EXISTS fx_rates (
    currency TEXT NOT NULL,
    day TEXT NOT NULL,
    rate TEXT NOT NULL,
    source TEXT,
    updated_at REAL NOT NULL,
    PRIMARY KEY (currency, day)
);
CREATE TABLE IF NOT EXISTS budgets (
    name TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS budget_alerts (
    budget TEXT NOT NULL,
    bucket TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    spent_jpy_nanos INTEGER NOT NULL,
    ts REAL NOT NULL,
    PRIMARY KEY (budget, bucket, threshold)
)
