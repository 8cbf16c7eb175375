"""API key issue and verification.

A key looks like ``tb-<id>-<secret>``. The id is public (it names the row, appears in the
ledger and audit); the secret is only ever stored as SHA-256(salt || secret) with a random
per-key salt, and compared in constant time. Verified keys are cached in memory so the hot path
does no database read; revocation through this KeyRing evicts at once, and other replicas
re-check the store after ``ttl_s``: no request is served from a check older than that. A key in
use is re-read in the background once half of ``ttl_s`` has passed, so its requests do not wait
for the store (whose one thread may be busy with a ledger batch) every ``ttl_s``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from tenbin.clock import SYSTEM, Clock
from tenbin.context import Principal
from tenbin.errors import GatewayError, Unauthorized
from tenbin.store.base import KeyRecord, Store

ROLES = ("admin", "team-admin", "viewer", "app")


def _digest(salt: bytes, secret: str) -> bytes:
    return hashlib.sha256(salt + secret.encode()).digest()


def parse_key(raw: str) -> tuple[str, str]:
    """Split ``tb-<id>-<secret>``; raises Unauthorized on anything else."""
    parts = raw.split("-", 2)
    if len(parts) != 3 or parts[0] != "tb" or not parts[1] or not parts[2]:
        raise Unauthorized("Invalid API key format: tenbin keys look like tb-xxxxxxxx-…")
    return parts[1], parts[2]


def generate_key(
    team: str, project: str, role: str = "app", name: str | None = None,
    allowed_models: tuple[str, ...] | None = None,
) -> tuple[str, KeyRecord]:
    """A new key: the plaintext (show it once) and the record to store."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    rec = KeyRecord(
        id=key_id, salt=salt, hash=_digest(salt, secret), team=team, project=project, role=role,
        name=name, allowed_models=allowed_models, created_at=time.time(),
    )
    return f"tb-{key_id}-{secret}", rec


@dataclass(slots=True)
class _Cached:
    record: KeyRecord
    checked_at: float
    principal: Principal | None = None  # built on the first request the record verifies; Principal is frozen


def _principal_of(rec: KeyRecord) -> Principal:
    return Principal(key_id=rec.id, team=rec.team, project=rec.project, role=rec.role,
                     allowed_models=rec.allowed_models)


class KeyRing:
    def __init__(self, store: Store, ttl_s: float = 2.0, clock: Clock = SYSTEM) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.clock = clock  # its monotonic() ages the cache
        self._cache: dict[str, _Cached] = {}
        self._pending: dict[str, asyncio.Future[_Cached]] = {}  # store reads in flight, by key id
        self.created = 0  # keys minted through this ring: the first one closes the key-less default at once

    async def authenticate(self, raw: str) -> Principal:
        key_id, secret = parse_key(raw)
        now = self.clock.monotonic()
        hit = self._cache.get(key_id)
        if hit is None or now - hit.checked_at > self.ttl_s:
            hit = await self._refresh(key_id, hit, now)
        elif now - hit.checked_at > self.ttl_s / 2 and key_id not in self._pending:
            self._start_read(key_id, hit, now)  # ahead of time: this request goes on with the fresh entry
        rec = hit.record
        if not hmac.compare_digest(_digest(rec.salt, secret), rec.hash):
            raise Unauthorized("Incorrect API key provided.")
        if rec.revoked_at is not None:
            raise Unauthorized("This API key has been revoked.", code="revoked_api_key")
        p = hit.principal
        if p is None:  # one per cached record: a frozen dataclass costs ~1 µs to build per request
            p = hit.principal = _principal_of(rec)
        return p

    async def _refresh(self, key_id: str, hit: _Cached | None, now: float) -> _Cached:
        """One store read per key at a time, shared by every request that finds its entry stale.

        Every ``ttl_s`` all requests in flight for a busy key find it stale together; each used to
        queue its own read on the store's one thread, behind a ledger batch, and the whole burst
        waited for it. They now wait for one read — or none, for a key in use, whose read started
        ahead of time (``authenticate``). It is shielded: a client that leaves does not cancel the
        read the others wait for."""
        pending = self._pending.get(key_id) or self._start_read(key_id, hit, now)
        return await asyncio.shield(pending)

    def _start_read(self, key_id: str, hit: _Cached | None, now: float) -> asyncio.Future[_Cached]:
        pending = self._pending[key_id] = asyncio.ensure_future(self._read(key_id, hit, now))
        pending.add_done_callback(lambda f: self._settled(key_id, f))
        return pending

    def _settled(self, key_id: str, f: asyncio.Future[_Cached]) -> None:
        if self._pending.get(key_id) is f:
            del self._pending[key_id]
        if not f.cancelled():
            f.exception()  # retrieved: when every waiter left, nobody else would read it

    async def _read(self, key_id: str, hit: _Cached | None, now: float) -> _Cached:
        try:
            rec = await self.store.get_key(key_id)
        except Exception:  # store down: a key verified before keeps working (revocations wait)
            if hit is None:
                raise GatewayError("The API key store is unavailable; retry shortly.", status=503,
                                   code="key_store_unavailable") from None
            cached = self._cache[key_id] = _Cached(hit.record, now)  # ask the store again after ttl_s
            return cached
        if rec is None:
            self._cache.pop(key_id, None)
            raise Unauthorized("Incorrect API key provided.")
        cached = self._cache[key_id] = _Cached(rec, now)
        return cached

    async def create(self, team: str, project: str, role: str = "app", name: str | None = None,
                     allowed_models: tuple[str, ...] | None = None) -> tuple[str, KeyRecord]:
        plaintext, rec = generate_key(team, project, role, name, allowed_models)
        await self.store.insert_key(rec)
        self.created += 1
        return plaintext, rec

    async def revoke(self, key_id: str) -> bool:
        ok = await self.store.revoke_key(key_id, self.clock.now().timestamp())
        self._cache.pop(key_id, None)
        return ok
