-- Prompt tokens written to the vendor's prompt cache (Anthropic bills them at 1.25x input): kept
-- per row so the cost can be re-derived from stored data, as the what-if replay does.
ALTER TABLE usage ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0
