"""Audit entries the store refuses for their content, and what that does to the hash chain.

The decision: **the chain holds a repaired, marked entry in the refused one's place; the original
is kept in quarantine.** When the store refuses an entry (a use case with a lone surrogate cannot be
hashed as UTF-8 nor stored by SQLite; PostgreSQL refuses a NUL), the batch writer isolates it
(tenbin.batching) and ``keep`` then

1. stores the original, escaped to ASCII, in the ``quarantine`` table (kind ``audit``, ref = its
   request_id) with the reason (tenbin.quarantine);
2. appends a repaired copy at the same place in the order: every string scrubbed (NUL and
   surrogates as U+FFFD, at most ``storable.REPAIR_MAX`` characters) and ``detail`` extended with
   ``{"quarantined": {"reason": <exception type>, "digest": <quarantine digest>}}``.

The repaired entry is sealed like any other (seq and prev_hash assigned inside the store's append
transaction, hash over the stored text), so ``tenbin audit verify`` passes, and the marker, being
inside the hash, tells an auditor reading the chain that this entry's text was altered at write
time and where the original is; it cannot be added or removed later without breaking the chain.

Should the repaired copy be refused too (not expected: its strings are plain UTF-8 without NUL),
the entry exists only in quarantine (``repaired = 0``). No sequence number is consumed, so the chain
still verifies; ``audit_quarantined`` in ``/healthz``, the ERROR log line and the quarantine row say
what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tenbin import quarantine as qt
from tenbin.governance.chain import canonical, seal
from tenbin.storable import REPAIR_MAX, scrub_value
from tenbin.store.base import Store


def repaired_entry(body: Mapping[str, Any], why: str, digest: str) -> dict[str, Any]:
    """``body`` with storable strings and the quarantine marker in ``detail``."""
    fixed: dict[str, Any] = {k: scrub_value(v, REPAIR_MAX) for k, v in body.items()}
    detail: Any = fixed.get("detail")
    try:
        old = json.loads(detail) if isinstance(detail, str) else {}
    except ValueError:
        old = None
    if not isinstance(old, dict):
        old = {"detail": detail}
    fixed["detail"] = canonical({**old, "quarantined": {"reason": why, "digest": digest}})
    return fixed


async def keep(store: Store, body: Mapping[str, Any], exc: Exception) -> tuple[bool, tuple[int, str] | None]:
    """Quarantine a refused entry and chain its repaired copy; returns (repaired, new head or None).
    Raises when the store is down (the writer retries; both steps are idempotent up to the append)."""
    ref = body.get("request_id")
    key = await qt.put(store, "audit", str(ref) if ref is not None else None, qt.reason(exc), dict(body),
                       repaired=True)
    fixed = repaired_entry(body, type(exc).__name__, key)
    try:
        head = await store.append_audit([fixed], seal)
    except Exception as e:
        if not store.is_content_error(e):
            raise
        await qt.unrepaired(store, key)
        return False, None
    return True, head
