-- The web console's session state (console/session.py).
-- console_secret: the key that signs session cookies and derives CSRF tokens, one row per gateway
-- store, so every worker process and replica on this store verifies the others' cookies. Created
-- by the first console request (INSERT ... ON CONFLICT DO NOTHING; whoever wins, all read it back).
CREATE TABLE IF NOT EXISTS console_secret (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at REAL NOT NULL
);
-- console_sessions_ended: sessions ended by logout before their expiry (the cookie is signed, not
-- stored, so "logged out" must be written down); a row is useless once expires_at has passed and
-- is deleted by a later logout.
CREATE TABLE IF NOT EXISTS console_sessions_ended (
    nonce TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
)
