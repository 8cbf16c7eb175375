-- PostgreSQL twin of sqlite_0008_finops_explain.sql (REAL -> DOUBLE PRECISION).
-- Budgets that explain themselves and FX rates that give a Tokyo day one rate.
-- budget_actions: per budget bucket and kind ('downgrade' or 'block'), since when the budget has
-- been acting, the latest time, how many requests, and the first action's facts (JSON: spend,
-- reservation, models) — what `tenbin budgets` and GET /admin/budgets show.
CREATE TABLE IF NOT EXISTS budget_actions (
    bucket TEXT NOT NULL,
    kind TEXT NOT NULL,
    budget TEXT NOT NULL,
    since_ts DOUBLE PRECISION NOT NULL,
    last_ts DOUBLE PRECISION NOT NULL,
    count BIGINT NOT NULL,
    detail TEXT NOT NULL,
    PRIMARY KEY (bucket, kind)
);
-- fx_rate_history: every rate as recorded, never overwritten, with the time it was recorded, so
-- the rate in force at the start of any Tokyo day can be rebuilt (finops/fx.py: a rate recorded
-- during day S applies from day S+1 at the earliest).
CREATE TABLE IF NOT EXISTS fx_rate_history (
    id BIGSERIAL PRIMARY KEY,  -- recording order, which breaks ties between rates recorded in the same instant
    currency TEXT NOT NULL,
    day TEXT NOT NULL,
    rate TEXT NOT NULL,
    source TEXT,
    set_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS fx_rate_history_ccy ON fx_rate_history (currency, day);
INSERT INTO fx_rate_history (currency, day, rate, source, set_at)
    SELECT currency, day, rate, source, updated_at FROM fx_rates ORDER BY updated_at
