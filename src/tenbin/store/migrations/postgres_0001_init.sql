-- PostgreSQL twin of sqlite_0001_init.sql. Money in integer nano-units (BIGINT); timestamps are
-- epoch seconds as DOUBLE PRECISION like SQLite's REAL, so reports can share their SQL.
CREATE TABLE IF NOT EXISTS usage (
    request_id TEXT PRIMARY KEY,
    ts_start DOUBLE PRECISION NOT NULL,
    ts_end DOUBLE PRECISION NOT NULL,
    key_id TEXT NOT NULL,
    team TEXT NOT NULL,
    project TEXT NOT NULL,
    use_case TEXT,
    requested_model TEXT NOT NULL,
    served_model TEXT,
    provider TEXT,
    region TEXT,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    cached_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    tokens_reported INTEGER NOT NULL DEFAULT 0,
    latency_ms DOUBLE PRECISION NOT NULL DEFAULT 0,
    ttft_ms DOUBLE PRECISION,
    status INTEGER NOT NULL,
    error_class TEXT,
    cost_nanos BIGINT NOT NULL DEFAULT 0,
    currency TEXT,
    cost_jpy_nanos BIGINT NOT NULL DEFAULT 0,
    fx_rate TEXT,
    data_class TEXT,
    stream INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 1,
    route TEXT
);
CREATE INDEX IF NOT EXISTS usage_ts ON usage (ts_start);
CREATE INDEX IF NOT EXISTS usage_team_ts ON usage (team, ts_start);

CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    salt BYTEA NOT NULL,
    hash BYTEA NOT NULL,
    team TEXT NOT NULL,
    project TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'app',
    name TEXT,
    allowed_models TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    revoked_at DOUBLE PRECISION
);
