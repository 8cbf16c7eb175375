"""Every console POST proves it comes from a console page: the session's CSRF token in a hidden
``csrf`` field, and, when the browser names where the form came from (``Origin``, else
``Referer``), this gateway's own host.

The token is a synchronizer token derived from the session (HMAC of its nonce under the console
secret, ``session.py``), so it needs no storage, differs per session and dies with it. A page on
another site cannot read it (SameSite=Strict cookie, no CORS), and the origin check refuses a
cross-site form even if a token leaked. A refused POST gets a 403 page and nothing is written: the
check runs before any action.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from aiohttp import web

from tenbin.errors import Forbidden

FIELD = "csrf"


class CsrfRefused(Forbidden):
    code = "csrf_refused"


def same_origin(request: web.Request) -> bool:
    """No Origin/Referer (not a browser, or one that sends neither), or one whose host:port is
    this request's ``Host``. The scheme is not compared: behind a TLS proxy the browser says
    https while the gateway sees http."""
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return True
    if claimed.strip() == "null":  # sandboxed frames, file: pages, some redirects
        return False
    try:
        parts = urlsplit(claimed.strip())
    except ValueError:
        return False
    host = request.headers.get("host", "")
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.netloc.lower() == host.lower()


def check_origin(request: web.Request) -> None:
    if not same_origin(request):
        raise CsrfRefused("This form was sent from another site.")


def check(request: web.Request, form: dict[str, str], expected: str) -> None:
    """Raise CsrfRefused unless the form carries ``expected`` and comes from this host."""
    check_origin(request)
    if not hmac.compare_digest(form.get(FIELD, "").encode(), expected.encode()):
        raise CsrfRefused("The form's CSRF token is missing or wrong.")
