"""Rows a store refused because of what they hold, kept with the reason instead of stopping a writer.

Before this, one ledger row with a lone surrogate (SQLite) or a NUL (PostgreSQL) made its whole
batch fail; the batch writer took that for "store down" and retried the same batch for ever, so no
later row reached the ledger or the audit log and shutdown waited out its timeout. Now
``BatchWriter`` splits a batch the store refuses for its content until it finds the refused rows,
writes the rest in order, and hands each refused row to its writer, which keeps it here (and, when
scrubbing makes it storable, stores a repaired copy in the real table: see the writers).

Why a table (migration ``*_0005_quarantine.sql``, both dialects) and not a spool file:

- a content error proves the store answered, so the table is reachable exactly when it is needed
  (a store that is down is retried as before and nothing is quarantined);
- replicas sharing PostgreSQL share one quarantine, read and backed up with the tools and access
  control that already cover the ledger; a file would be one more thing per replica to rotate,
  lock, collect, and lose with its container;
- the row that broke the store cannot break the quarantine: ``payload`` is ASCII-only JSON (NUL,
  lone surrogates and every non-ASCII character as ``\\u`` escapes), each string capped at
  ``PAYLOAD_STR_MAX`` characters so a flood of huge values cannot fill the disk through it;
- a quarantine retried after an outage is not doubled: ``digest`` (SHA-256 of kind and payload) is
  the key and the insert is ``ON CONFLICT DO NOTHING``.

Should even this insert be refused for its content, the payload is logged at ERROR instead, so
nothing disappears silently.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a store is passed in; importing store/ here would close a ledger -> store -> ledger cycle
    from tenbin.store.base import Store

log = logging.getLogger("tenbin.quarantine")

PAYLOAD_STR_MAX = 4096
REASON_MAX = 500

_INSERT = ("INSERT INTO quarantine (digest, ts, kind, ref, reason, repaired, payload) VALUES (?, ?, ?, ?, ?, ?, ?)"
           " ON CONFLICT (digest) DO NOTHING")


def _cap(v: Any) -> Any:
    if isinstance(v, str) and len(v) > PAYLOAD_STR_MAX:
        return f"{v[:PAYLOAD_STR_MAX]}…[{len(v) - PAYLOAD_STR_MAX} more characters]"
    if isinstance(v, dict):
        return {str(k): _cap(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_cap(x) for x in v]
    return v


def payload(row: Any) -> str:
    """The refused row as ASCII JSON; every code point survives as an escape."""
    return json.dumps(_cap(row), ensure_ascii=True, sort_keys=True, default=repr)


def ascii_text(s: str, limit: int = REASON_MAX) -> str:
    """``s`` as printable ASCII (backslash escapes), at most ``limit`` characters."""
    out = s.encode("ascii", "backslashreplace").decode("ascii")
    return out if len(out) <= limit else out[: limit - 1] + "…"


def reason(exc: BaseException) -> str:
    """Why the store refused a row, safe to store and to log."""
    return ascii_text(f"{type(exc).__name__}: {exc}")


def digest(kind: str, body: str) -> str:
    return hashlib.sha256(f"{kind}\n{body}".encode("ascii")).hexdigest()


async def put(store: Store, kind: str, ref: str | None, why: str, row: Any, *, repaired: bool) -> str:
    """Keep one refused row; returns its digest. Raises when the store is down (retry later)."""
    body = payload(row)
    key = digest(kind, body)
    params = (key, time.time(), kind, ascii_text(ref, 200) if ref is not None else None, why,
              1 if repaired else 0, body)
    try:
        await store.execute(_INSERT, params)
    except Exception as e:
        if not store.is_content_error(e):
            raise
        log.error("%s row %s could not be quarantined either (%s); its content: %s", kind, ref, reason(e), body)
    return key


async def unrepaired(store: Store, key: str) -> None:
    """The repaired copy was refused too: the quarantined row is the only one left."""
    await store.execute("UPDATE quarantine SET repaired = 0 WHERE digest = ?", (key,))
