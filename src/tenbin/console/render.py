"""Templates to HTML: one Jinja2 environment for the console, with autoescaping on, undefined
names an error (a typo in a template fails its test instead of rendering an empty cell), the
number formats of ``format.py`` as filters, and the security headers every console page carries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import jinja2
from aiohttp import web

from tenbin.console import format as fmt

#: Names the console gives every template. A page's view may return them too, but the console's
#: value is the one the template sees (the navigation must know the real current page and scope).
RESERVED = frozenset({"t", "lang", "page", "pages", "principal", "scope", "teams", "csrf", "flash",
                      "demo", "now", "query", "view", "request_path", "status", "message", "lang_url"})

# No inline script or style anywhere: Chart.js draws from data-chart attributes (static/console.js),
# so the policy can forbid everything that did not come from /console/static.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",  # pages hold spend and key metadata: not for shared caches or history
}


def _json_default(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    raise TypeError(f"{type(v).__name__} is not JSON serialisable")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tenbin.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money_jpy=fmt.money_jpy, pct=fmt.pct, number=fmt.number)
    env.globals.update(is_number=fmt.is_number)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False, "default": _json_default}
    return env


def html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    resp = web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
    resp.headers.update(HEADERS)
    if headers:
        resp.headers.update(headers)
    return resp
