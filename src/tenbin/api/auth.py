"""Who is calling: an API key (Bearer or ``api-key`` header), or the loopback default.

Loopback default (documented in the README, "Authentication"): with ``server.auth: auto``, a gateway
bound to a loopback address whose store holds no active key serves key-less requests to the model
routes as the built-in principal ``local`` (team ``local``, project ``default``, role ``app``), but
only to local clients: the request's ``Host`` must be a loopback name and it must carry no foreign
``Origin`` (``api/guard.py``), so a web page cannot use it through the user's browser.

- The admin API (``/admin/...``) always needs a key, also under this default: the first admin key
  comes from the CLI (``tenbin keys create --role admin``), offline against the store.
- The first key closes the door at once: every key-less request re-reads the active key count (one
  indexed count while the door is open; nothing once it is closed), and a key created through this
  process's KeyRing closes it without a read. Once closed it stays closed for the process.
- A non-loopback bind, or ``server.auth: required``, always needs keys.
"""

from __future__ import annotations

from aiohttp import hdrs, web

from tenbin.api import guard
from tenbin.auth.keys import KeyRing
from tenbin.clock import Clock
from tenbin.config.schema import ServerConfig
from tenbin.context import Principal
from tenbin.errors import GatewayError, Unauthorized

LOCAL_PRINCIPAL = Principal(key_id="local", team="local", project="default", role="app")
PLACEHOLDER_KEYS = frozenset({"local", "sk-local", "none", "EMPTY"})
CREATE_FIRST_KEY = "tenbin keys create --team ops --role admin"
# The caller, once known: a refusal after authentication (a bad body) is recorded against its key.
PRINCIPAL = web.RequestKey("principal", Principal)


def presented_key(request: web.Request) -> str | None:
    """The key a request carries (``Authorization: Bearer``, ``api-key`` or ``x-api-key``), or None."""
    headers = request.headers
    auth = headers.get(hdrs.AUTHORIZATION)  # an istr: no case folding per lookup
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Authorization header must be 'Bearer <key>'.")
        return token.strip()
    return headers.get("api-key") or headers.get("x-api-key") or None


class Authenticator:
    def __init__(self, keyring: KeyRing, server: ServerConfig, clock: Clock | None = None) -> None:
        self.keyring = keyring
        self.clock = clock or keyring.clock  # the gateway's clock, as the key cache it sits on
        self.open_default = server.auth == "auto" and server.loopback
        self._created_at_start = keyring.created
        self._saw_no_keys = False

    async def door_open(self) -> bool:
        """Is the key-less default serving? Re-checked on every key-less request until it closes."""
        if not self.open_default:
            return False
        if self.keyring.created != self._created_at_start:  # a key minted through this replica
            self.open_default = False
            return False
        try:
            n = await self.keyring.store.count_keys()
        except Exception:
            # Store down: keys live in that store, so none can be created in it while it is down;
            # keep the last answer read from it (no keys), or refuse if none was ever read.
            if self._saw_no_keys:
                return True
            raise GatewayError("The API key store is unavailable; retry shortly.", status=503,
                               code="key_store_unavailable") from None
        self._saw_no_keys = n == 0
        if n:
            self.open_default = False  # once keys exist, stay closed for this process
        return n == 0

    async def principal(self, request: web.Request, *, admin_api: bool = False) -> Principal:
        """The caller (also kept on the request as ``PRINCIPAL``). ``admin_api``: a key is required
        whatever the auth mode."""
        raw = presented_key(request)
        if raw and not (raw in PLACEHOLDER_KEYS and self.open_default):  # a key: the common case, one await
            p = await self.keyring.authenticate(raw)
        else:
            p = await self._keyless(request, raw, admin_api)
        request[PRINCIPAL] = p
        return p

    async def _keyless(self, request: web.Request, raw: str | None, admin_api: bool) -> Principal:
        """No key, or a placeholder key while the key-less default may be open."""
        if admin_api:
            raise Unauthorized(
                "The admin API always needs an API key with an admin, team-admin or viewer role; "
                f"create the first admin key with `{CREATE_FIRST_KEY}`.")
        if await self.door_open():
            guard.require_local(request)
            return LOCAL_PRINCIPAL
        if raw:  # a placeholder key after the door closed
            return await self.keyring.authenticate(raw)
        raise Unauthorized(
            "You didn't provide an API key. Send 'Authorization: Bearer tb-…' (create one with `tenbin keys create`)."
        )
