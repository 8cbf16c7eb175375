-- Governance audit log: append-only, each row chained to the previous by SHA-256 (see
-- tenbin.governance.chain for the canonical encoding). Raw PII is never stored here: only finding
-- counts per label, digests and sizes. JSON columns hold canonical JSON text, hashed as stored.
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    ts_us INTEGER NOT NULL,
    kind TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT,
    key_id TEXT NOT NULL,
    team TEXT NOT NULL,
    role TEXT NOT NULL,
    project TEXT,
    use_case TEXT,
    target TEXT,
    data_class TEXT,
    findings TEXT,
    masked INTEGER NOT NULL DEFAULT 0,
    rule TEXT,
    model TEXT,
    provider TEXT,
    region TEXT,
    jurisdiction TEXT,
    status INTEGER,
    prompt_sha256 TEXT,
    prompt_bytes INTEGER,
    answer_sha256 TEXT,
    answer_bytes INTEGER,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_ts ON audit_log (ts_us);
CREATE INDEX IF NOT EXISTS audit_log_team_ts ON audit_log (team, ts_us);

-- Optional raw prompt/answer retention (governance.retain_raw), AES-GCM encrypted, purged at expiry.
CREATE TABLE IF NOT EXISTS audit_raw (
    request_id TEXT PRIMARY KEY,
    team TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    key_ref TEXT NOT NULL,
    nonce BLOB NOT NULL,
    ciphertext BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_raw_expiry ON audit_raw (expires_at)
