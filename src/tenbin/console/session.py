"""Console sessions: log in once with a tenbin key, then a signed cookie that names the key.

- The cookie (``tenbin_session``; HttpOnly, SameSite=Strict, Path=/console, Secure over https)
  never holds the key. It holds ``<key id>.<expiry>.<nonce>.<signature>``: HMAC-SHA256 under the
  gateway's console secret over the id, expiry, nonce and the key's stored hash, so it cannot be
  forged without the secret, and a key whose row changed no longer matches.
- Every request re-reads the key's row from the store (one indexed read, no cache): a revoked key's
  sessions end at its next request, on every worker and replica at once; nothing waits for the
  key ring's cache (``auth/keys.py``, 2 s) to expire.
- Sessions end at the expiry (``TTL_S``, 8 hours after login, not extended by use), on logout (the
  nonce is written to ``console_sessions_ended``, so a copied cookie dies too), or when the key is
  revoked.
- The secret is one row of ``console_secret`` in the store, created by whichever process needs it
  first, so all worker processes of one gateway (``tenbin serve --workers N``) and all replicas on
  one store accept each other's cookies. Each process reads it once and keeps it.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from aiohttp import web

from tenbin.auth.keys import KeyRing
from tenbin.clock import Clock
from tenbin.context import Principal
from tenbin.errors import Unauthorized
from tenbin.governance.roles import require_console
from tenbin.store.base import KeyRecord, Store

COOKIE = "tenbin_session"
PATH = "/console"
TTL_S = 8 * 3600
SECRET_NAME = "session"
_KEY_ID = re.compile(r"[0-9A-Za-z_]{1,64}")
_NONCE = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Session:
    principal: Principal
    nonce: str  # names this session: what logout writes down and what CSRF tokens derive from
    expires: float  # unix seconds
    csrf: str  # the synchronizer token every POST form carries (console/csrf.py)


class ConsoleSecret:
    """The gateway's console signing key, one per store (see the module docstring)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._value: bytes | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> bytes:
        if self._value is not None:
            return self._value
        async with self._lock:
            if self._value is None:
                await self.store.execute(
                    "INSERT INTO console_secret (name, value, created_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (name) DO NOTHING",
                    (SECRET_NAME, secrets.token_hex(32), self.clock.now().timestamp()))
                rows = await self.store.query("SELECT value FROM console_secret WHERE name = ?", (SECRET_NAME,))
                self._value = bytes.fromhex(rows[0]["value"])
            return self._value

    async def mac(self, purpose: str, *parts: str | bytes) -> str:
        """HMAC-SHA256 of ``parts`` for one ``purpose`` (so a session signature is never a valid
        CSRF token or flash signature), hex."""
        h = hmac.new(await self.get(), purpose.encode(), hashlib.sha256)
        for p in parts:
            b = p.encode() if isinstance(p, str) else p
            h.update(len(b).to_bytes(4, "big"))  # length-prefixed: ("ab","c") never signs like ("a","bc")
            h.update(b)
        return h.hexdigest()


def principal_of(rec: KeyRecord) -> Principal:
    return Principal(key_id=rec.id, team=rec.team, project=rec.project, role=rec.role,
                     allowed_models=rec.allowed_models)


class Sessions:
    def __init__(self, keyring: KeyRing, secret: ConsoleSecret, clock: Clock, ttl_s: float = TTL_S) -> None:
        self.keyring = keyring
        self.store = keyring.store
        self.secret = secret
        self.clock = clock
        self.ttl_s = ttl_s

    async def login(self, raw_key: str) -> tuple[str, Session]:
        """Check the key (``KeyRing.authenticate``: hash, revocation) and that its role may use the
        console (``roles.require_console``: ``app`` keys are refused); returns the cookie value."""
        principal = await self.keyring.authenticate(raw_key)
        require_console(principal)
        rec = await self.store.get_key(principal.key_id)
        if rec is None or rec.revoked_at is not None:  # revoked between the two reads
            raise Unauthorized("This API key has been revoked.", code="revoked_api_key")
        expires = int(self.clock.now().timestamp() + self.ttl_s)
        nonce = secrets.token_hex(16)
        sig = await self._sign(rec, str(expires), nonce)
        return f"{rec.id}.{expires}.{nonce}.{sig}", await self._session(principal, nonce, expires)

    async def current(self, request: web.Request) -> Session | None:
        """The request's session, or None when it has none, or it is forged, expired, ended or its
        key is revoked."""
        raw = request.cookies.get(COOKIE)
        if not raw or len(raw) > 512:
            return None
        parts = raw.split(".")
        if len(parts) != 4:
            return None
        key_id, expiry, nonce, sig = parts
        if not (_KEY_ID.fullmatch(key_id) and expiry.isascii() and expiry.isdigit() and _NONCE.fullmatch(nonce)):
            return None
        expires = int(expiry)
        if expires <= self.clock.now().timestamp():
            return None
        rec = await self.store.get_key(key_id)
        if rec is None or rec.revoked_at is not None:
            return None
        if not hmac.compare_digest(sig, await self._sign(rec, expiry, nonce)):
            return None
        principal = principal_of(rec)
        try:
            require_console(principal)
        except Exception:
            return None
        if await self.store.query("SELECT 1 AS x FROM console_sessions_ended WHERE nonce = ?", (nonce,)):
            return None
        return await self._session(principal, nonce, expires)

    async def end(self, session: Session) -> None:
        """Logout: this session's cookie stops working everywhere, also a copy of it."""
        now = self.clock.now().timestamp()
        await self.store.execute("DELETE FROM console_sessions_ended WHERE expires_at < ?", (now,))
        await self.store.execute(
            "INSERT INTO console_sessions_ended (nonce, expires_at) VALUES (?, ?) ON CONFLICT (nonce) DO NOTHING",
            (session.nonce, float(session.expires)))

    async def _sign(self, rec: KeyRecord, expiry: str, nonce: str) -> str:
        return await self.secret.mac("session", rec.id, expiry, nonce, rec.salt, rec.hash)

    async def _session(self, principal: Principal, nonce: str, expires: int) -> Session:
        return Session(principal, nonce, float(expires), await self.secret.mac("csrf", nonce))


def set_cookie(response: web.StreamResponse, request: web.Request, value: str, max_age: float) -> None:
    response.set_cookie(COOKIE, value, max_age=int(max_age), path=PATH, httponly=True, samesite="Strict",
                        secure=request.secure)


def clear_cookie(response: web.StreamResponse, request: web.Request) -> None:
    response.del_cookie(COOKIE, path=PATH, secure=request.secure, httponly=True, samesite="Strict")
