"""The keys under which the application and each request keep their shared objects; a module of its
own so handlers in other modules can use them without importing ``app`` (which imports them)."""

from __future__ import annotations

from aiohttp import web

from tenbin.api.auth import Authenticator
from tenbin.api.body import BodyLimits
from tenbin.api.ids import REQUEST_ID
from tenbin.api.response_store import ResponseStore
from tenbin.gateway.runtime import Runtime

RUNTIME = web.AppKey("runtime", Runtime)
AUTH = web.AppKey("auth", Authenticator)
RESPONSE_STORE = web.AppKey("response_store", ResponseStore)
# server.body limits, fixed at start as aiohttp's client_max_size is (``server:`` is never reloaded)
LIMITS = web.AppKey("body_limits", BodyLimits)

__all__ = ["AUTH", "LIMITS", "REQUEST_ID", "RESPONSE_STORE", "RUNTIME"]
