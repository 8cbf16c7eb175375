"""The frames between the supervisor's state server and its workers: one orjson object a line.

Worker → supervisor: ``{"i": id, "op": ..., ...}``; the supervisor answers ``{"i": id, "r": result}``
(or ``{"i": id, "e": message}``) in the order it handles them. ``i`` 0 is a message that expects
no answer (``ready``).
"""

from __future__ import annotations

from typing import Any

import orjson

MAX_LINE = 16 * 1024 * 1024  # a budget snapshot of many buckets still fits in one line
STATE_ENV = "TENBIN_WORKER_STATE"  # the unix socket's path, set by the supervisor for its workers
FD_ENV = "TENBIN_WORKER_FD"  # the inherited listening socket
INDEX_ENV = "TENBIN_WORKER_INDEX"  # 0..N-1, stable across restarts of the same slot
COUNT_ENV = "TENBIN_WORKERS"  # N


def encode(msg: dict[str, Any]) -> bytes:
    return orjson.dumps(msg) + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    msg = orjson.loads(line)
    if not isinstance(msg, dict):
        raise ValueError(f"not a state frame: {line[:80]!r}")
    return msg
