-- Stored OpenAI Responses (store: true): what GET /v1/responses/{id} and previous_response_id read.
-- envelope: the response object's metadata (status, model, usage, ids), never client text;
-- content (input items, output items, instructions, metadata, tools) only when raw retention is
-- on, encrypted like audit_raw (AES-GCM, the response id as associated data).
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    team TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    envelope TEXT NOT NULL,
    key_ref TEXT,
    nonce BLOB,
    ciphertext BLOB
);
CREATE INDEX IF NOT EXISTS responses_expiry ON responses (expires_at)
