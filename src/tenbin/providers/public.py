"""What a client is told about a vendor's failure, and what the log keeps of it.

A vendor's own error text is not ours to relay: it can quote a credential back (``Bearer sk-…``
echoed by a proxy), name hosts and ports inside the vendor or our network, and aiohttp's
connection errors name the ``host:port`` the gateway dialled. So the client gets the model, the
kind of failure, the HTTP status and the vendor's error code when it is a plain identifier
(``context_length_exceeded``) — :func:`describe` — and the log gets the vendor's text through
:func:`redact`, which blanks what looks like a credential or an address.
"""

from __future__ import annotations

import re
from typing import Any

from tenbin.providers.base import ProviderError

_KIND_TEXT = {
    "rate_limit": "is rate limiting requests",
    "server": "had a server error",
    "timeout": "timed out",
    "connection": "could not be reached",
    "bad_response": "sent an answer that could not be read",
    "bad_request": "refused the request as invalid",
    "auth": "refused the gateway's credentials",
    "not_found": "does not serve this model",
    "billing": "refused the request for billing reasons (credit or quota)",
    "region": "does not serve requests from this region",
    "unavailable": "is not available",
    "engine_crashed": "crashed (the local model's worker died)",
    "engine_hung": "stopped responding (the local model's worker hung)",
}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,63}")
_MAX_LOGGED = 300

_SECRETS = re.compile(
    r"(?i:bearer|basic|token|api[-_ ]?key|x-api-key|x-goog-api-key|authorization)[\"']?\s*[:=]?\s*[\"']?[^\s\"',;]+"
    r"|\b(?:sk|pk|rk|tb|ak|sess)-[A-Za-z0-9_\-]{6,}"
    r"|\bAIza[0-9A-Za-z_\-]{20,}"
    r"|\b[A-Za-z0-9_\-+/]{32,}={0,2}")
_ADDRESSES = re.compile(
    r"\b[a-z][a-z0-9+.-]*://\S+"  # URLs
    r"|\[[0-9A-Fa-f:.]+\](?::\d{1,5})?"  # [IPv6]:port
    r"|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b"  # IPv4[:port]
    r"|\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*:\d{2,5}\b")  # name:port


def vendor_code(body: Any) -> str | None:
    """The vendor's error code/type/status when it is a plain identifier, else None."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    for key in ("code", "status", "type"):
        v = err.get(key)
        if isinstance(v, str) and _IDENTIFIER.fullmatch(v):
            return v
    return None


def describe(e: ProviderError) -> str:
    """The failure in words a client may read: kind, HTTP status, vendor code; no vendor text."""
    text = _KIND_TEXT.get(e.kind, "failed")
    extra = [f"HTTP {e.status}"] if e.status else []
    code = vendor_code(e.body)
    if code is not None:
        extra.append(f"code {code}")
    return f"{text}: {', '.join(extra)}" if extra else text


def redact(text: str) -> str:
    """``text`` for the log: credentials and addresses blanked, at most 300 characters."""
    text = _SECRETS.sub("[redacted]", text)
    text = _ADDRESSES.sub("[address]", text)
    return text if len(text) <= _MAX_LOGGED else text[:_MAX_LOGGED] + "…"
