-- PostgreSQL twin of sqlite_0011_cache_write.sql.
ALTER TABLE usage ADD COLUMN IF NOT EXISTS cache_write_tokens BIGINT NOT NULL DEFAULT 0
