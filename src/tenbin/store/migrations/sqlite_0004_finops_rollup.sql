-- Daily rollup of the usage ledger, kept by a trigger on insert, so month reports, forecasts,
-- FOCUS export, budget start-up and replays read thousands of rows instead of millions.
-- `day` is days since 1970-01-01 on the Tokyo calendar (UTC+9, no DST); NULLs are stored as ''
-- because a primary key cannot match NULLs. Rows that already exist are rolled up once here.
CREATE TABLE IF NOT EXISTS usage_daily (
    day INTEGER NOT NULL,
    team TEXT NOT NULL,
    project TEXT NOT NULL,
    key_id TEXT NOT NULL,
    use_case TEXT NOT NULL,
    requested_model TEXT NOT NULL,
    served_model TEXT NOT NULL,
    provider TEXT NOT NULL,
    region TEXT NOT NULL,
    data_class TEXT NOT NULL,
    currency TEXT NOT NULL,
    fx_rate TEXT NOT NULL,
    status INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_nanos INTEGER NOT NULL,
    cost_jpy_nanos INTEGER NOT NULL,
    PRIMARY KEY (day, team, project, key_id, use_case, requested_model, served_model, provider, region, data_class, currency, fx_rate, status)
);
INSERT INTO usage_daily (day, team, project, key_id, use_case, requested_model, served_model, provider, region, data_class, currency, fx_rate, status, requests, prompt_tokens, cached_tokens, completion_tokens, cost_nanos, cost_jpy_nanos)
SELECT CAST((ts_start + 32400) / 86400 AS INTEGER), team, project, key_id, coalesce(CAST(use_case AS TEXT), ''), requested_model, coalesce(CAST(served_model AS TEXT), ''), coalesce(CAST(provider AS TEXT), ''), coalesce(CAST(region AS TEXT), ''), coalesce(CAST(data_class AS TEXT), ''), coalesce(CAST(currency AS TEXT), ''), coalesce(CAST(fx_rate AS TEXT), ''), status, count(*), sum(prompt_tokens), sum(cached_tokens), sum(completion_tokens), sum(cost_nanos), sum(cost_jpy_nanos)
FROM usage GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13;
CREATE TRIGGER IF NOT EXISTS usage_daily_rollup AFTER INSERT ON usage BEGIN INSERT INTO usage_daily (day, team, project, key_id, use_case, requested_model, served_model, provider, region, data_class, currency, fx_rate, status, requests, prompt_tokens, cached_tokens, completion_tokens, cost_nanos, cost_jpy_nanos) VALUES (CAST((NEW.ts_start + 32400) / 86400 AS INTEGER), NEW.team, NEW.project, NEW.key_id, coalesce(CAST(NEW.use_case AS TEXT), ''), NEW.requested_model, coalesce(CAST(NEW.served_model AS TEXT), ''), coalesce(CAST(NEW.provider AS TEXT), ''), coalesce(CAST(NEW.region AS TEXT), ''), coalesce(CAST(NEW.data_class AS TEXT), ''), coalesce(CAST(NEW.currency AS TEXT), ''), coalesce(CAST(NEW.fx_rate AS TEXT), ''), NEW.status, 1, NEW.prompt_tokens, NEW.cached_tokens, NEW.completion_tokens, NEW.cost_nanos, NEW.cost_jpy_nanos) ON CONFLICT (day, team, project, key_id, use_case, requested_model, served_model, provider, region, data_class, currency, fx_rate, status) DO UPDATE SET requests = usage_daily.requests + excluded.requests, prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens, cached_tokens = usage_daily.cached_tokens + excluded.cached_tokens, completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens, cost_nanos = usage_daily.cost_nanos + excluded.cost_nanos, cost_jpy_nanos = usage_daily.cost_jpy_nanos + excluded.cost_jpy_nanos; END;
CREATE INDEX IF NOT EXISTS usage_daily_day ON usage_daily (day);
DROP INDEX IF EXISTS usage_team_model_ts
