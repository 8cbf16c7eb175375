"""What keeps a browser out: the key-less loopback default serves only local clients, and every
POST body is JSON.

A web page can make a browser send requests to ``127.0.0.1`` (CSRF), and a DNS name an attacker
controls can resolve to ``127.0.0.1`` after the page loaded (DNS rebinding). Neither can set an
``Authorization`` header without a CORS preflight, which tenbin never grants, so requests that carry
a key are safe. What they *can* send without a preflight is a "simple" request: a ``text/plain``,
form or multipart body, with the browser's ``Origin`` and the page's ``Host``. So:

- the key-less default (``api/auth.py``) serves a request only when its ``Host`` is a loopback name
  (``127.0.0.1``, ``::1``, ``localhost``; any port) and it carries no ``Origin`` or an ``Origin``
  whose host is one of those. A rebinding page sends ``Host: evil.example:8787``; a cross-site
  page sends its own ``Origin`` (also ``Origin: null`` from sandboxes and files). Both get a 403
  ``non_local_request``.
- a POST body must be ``application/json`` (a ``charset`` parameter is allowed if it is UTF-8);
  anything else is a 415 ``unsupported_media_type``. A POST with no body and no ``Content-Type``
  (``/admin/keys/{id}/revoke``) is allowed. The web console's HTML forms under ``/console/`` are
  the exception: they post form bodies, and carry a session cookie and a CSRF token that
  ``console/csrf.py`` checks (with the Origin) before anything is read or written.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import hdrs, web

from tenbin.errors import Forbidden, GatewayError

LOOPBACK_NAMES = frozenset({"127.0.0.1", "::1", "localhost"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NonLocalRequest(Forbidden):
    code = "non_local_request"


class UnsupportedMediaType(GatewayError):
    status = 415
    type = "invalid_request_error"
    code = "unsupported_media_type"


def shown(value: str | None) -> str:
    """A header value quoted for an error message: ASCII, bounded (a client's bytes are not echoed raw)."""
    return "none" if value is None else ascii(value[:100])


def host_name(authority: str) -> str:
    """The host of a ``Host`` header value (``[::1]:8787`` → ``::1``, ``LocalHost:1`` → ``localhost``)."""
    a = authority.strip().lower()
    if a.startswith("["):
        end = a.find("]")
        return a[1:end] if end > 0 else a
    if a.count(":") == 1:
        return a.split(":", 1)[0]
    return a  # a bare IPv6 address, or a name without a port


def is_loopback_host(authority: str | None) -> bool:
    return authority is not None and host_name(authority) in LOOPBACK_NAMES


def is_local_origin(origin: str | None) -> bool:
    """No Origin (not a browser, or a same-origin GET), or an Origin on a loopback host."""
    if origin is None:
        return True
    try:
        parts = urlsplit(origin.strip())
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and host is not None and host.lower() in LOOPBACK_NAMES


def require_local(request: web.Request) -> None:
    """Refuse a key-less request that a browser page could have sent on someone's behalf."""
    host = request.headers.get("host")
    if not is_loopback_host(host):
        raise NonLocalRequest(
            f"Requests without an API key are served only to local clients (Host 127.0.0.1, ::1 or "
            f"localhost); this one has Host {shown(host)}. Send 'Authorization: Bearer tb-…' "
            "(create a key with `tenbin keys create`).")
    origin = request.headers.get("origin")
    if not is_local_origin(origin):
        raise NonLocalRequest(
            f"Requests without an API key are not served to web pages of other sites; this one has "
            f"Origin {shown(origin)}. Send 'Authorization: Bearer tb-…' (create a key with `tenbin keys create`).")


def check_json_body(request: web.Request) -> None:
    if request.method not in _BODY_METHODS:
        return
    ctype = request.headers.get(hdrs.CONTENT_TYPE)
    if ctype == "application/json":  # what SDKs send: the parse below would accept it
        return
    if ctype is None and not request.body_exists:
        return
    mime, _, params = (ctype or "").partition(";")
    charset = None
    for p in params.split(";"):
        k, _, v = p.strip().partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    if mime.strip().lower() != "application/json" or charset not in (None, "utf-8", "utf8"):
        raise UnsupportedMediaType(
            f"Request bodies must be JSON: send 'Content-Type: application/json' (got {shown(ctype)}).")


CONSOLE_FORMS = "/console/"

