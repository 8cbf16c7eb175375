"""The keys under which the application and each request keep their shared objects; a module of its
own so handlers in other modules can use them without importing ``app`` (which imports them)."""

from __future__ import annotations

from aiohttp import web

from tenbin.api.auth import Authenticator
from tenbin.api.ids import REQUEST_ID
from tenbin.api.response_store import ResponseStore
from tenbin.gateway.runtime import Runtime

RUNTIME = web.AppKey("runtime", Runtime)
AUTH = web.AppKey("auth", Authenticator)
RESPONSE_STORE = web.AppKey("response_store", ResponseStore)

__all__ = ["AUTH", "REQUEST_ID", "RESPONSE_STORE", "RUNTIME"]
