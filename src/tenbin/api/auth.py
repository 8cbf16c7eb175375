"""Who is calling: an API key (Bearer or ``api-key`` header), or the loopback default.

Loopback default (documented in the README, "Authentication"): with ``server.auth: auto``, a gateway bound to a
loopback address whose store holds no active key serves key-less requests as the built-in
principal ``local`` (team ``local``, project ``default``). The first key created turns this off:
from then on every request needs a key. A non-loopback bind always needs keys.
"""

from __future__ import annotations

from aiohttp import web

from tenbin.auth.keys import KeyRing
from tenbin.clock import Clock
from tenbin.config.schema import ServerConfig
from tenbin.context import Principal
from tenbin.errors import Unauthorized

LOCAL_PRINCIPAL = Principal(key_id="local", team="local", project="default", role="admin")


class Authenticator:
    def __init__(self, keyring: KeyRing, server: ServerConfig, recheck_s: float = 2.0,
                 clock: Clock | None = None) -> None:
        self.keyring = keyring
        self.clock = clock or keyring.clock  # the gateway's clock, as the key cache it sits on
        self.open_default = server.auth == "auto" and server.loopback
        self.recheck_s = recheck_s
        self._no_keys_until = 0.0

    async def _store_has_no_keys(self) -> bool:
        now = self.clock.monotonic()
        if now < self._no_keys_until:
            return True
        try:
            n = await self.keyring.store.count_keys()
        except Exception:  # store down: keep the last known answer rather than fail every request
            if self._no_keys_until:
                return True
            raise
        if n == 0:
            self._no_keys_until = now + self.recheck_s
            return True
        self.open_default = False  # once keys exist, stay closed for this process
        return False

    async def principal(self, request: web.Request) -> Principal:
        raw = None
        auth = request.headers.get("authorization")
        if auth:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Authorization header must be 'Bearer <key>'.")
            raw = token.strip()
        else:
            raw = request.headers.get("api-key") or request.headers.get("x-api-key")
        if raw:
            if self.open_default and raw in ("local", "sk-local", "none", "EMPTY") and await self._store_has_no_keys():
                return LOCAL_PRINCIPAL
            return await self.keyring.authenticate(raw)
        if self.open_default and await self._store_has_no_keys():
            return LOCAL_PRINCIPAL
        raise Unauthorized(
            "You didn't provide an API key. Send 'Authorization: Bearer tb-…' (create one with `tenbin keys create`)."
        )
