"""The one-line message shown after a form's POST → redirect → GET ("budget saved", or why not).

It rides in a short-lived signed cookie rather than the redirect's query string, so a link from
elsewhere cannot make the console display words of its choosing. A key's secret (create/rotate)
never goes here: the action's response renders the page directly with the secret, once.
"""

from __future__ import annotations

import base64
import hmac

import orjson
from aiohttp import web

from tenbin.console.page import Flash
from tenbin.console.session import PATH, ConsoleSecret

COOKIE = "tenbin_flash"
MAX_AGE_S = 60
MAX_CHARS = 600


async def put(response: web.StreamResponse, request: web.Request, secret: ConsoleSecret, flash: Flash) -> None:
    payload = base64.urlsafe_b64encode(orjson.dumps({"m": flash.message[:MAX_CHARS], "ok": flash.ok})).decode()
    sig = await secret.mac("flash", payload)
    response.set_cookie(COOKIE, f"{payload}.{sig}", max_age=MAX_AGE_S, path=PATH, httponly=True,
                        samesite="Strict", secure=request.secure)


async def take(request: web.Request, secret: ConsoleSecret) -> Flash | None:
    """The flash the previous response left, if genuine (``clear`` it on the response)."""
    raw = request.cookies.get(COOKIE)
    if raw is None:
        return None
    payload, _, sig = raw.partition(".")
    if not sig or not hmac.compare_digest(sig.encode(), (await secret.mac("flash", payload)).encode()):
        return None
    try:
        obj = orjson.loads(base64.urlsafe_b64decode(payload.encode()))
        return Flash(str(obj["m"]), bool(obj["ok"]))
    except (ValueError, KeyError, TypeError):
        return None


def clear(request: web.Request, response: web.StreamResponse) -> None:
    if COOKIE in request.cookies:
        response.del_cookie(COOKIE, path=PATH, secure=request.secure, httponly=True, samesite="Strict")
