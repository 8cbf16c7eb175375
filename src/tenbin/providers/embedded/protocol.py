"""The pipe protocol between the gateway and a worker: one orjson object per line.

Lines are safe as frames because JSON escapes every newline inside strings. Gateway → worker:
``gen`` (id, body, stream) and ``cancel`` (id). Worker → gateway: ``loading`` (pid, extra buffer
types), ``ready``, ``fatal`` (the model cannot load: retrying will not help), and per request
``delta`` (text), ``done`` (exact token counts, finish reason, text when not streamed) or
``error`` (a request the model cannot serve, with an HTTP status).
"""

from __future__ import annotations

from typing import Any

import orjson

# A non-streamed answer travels in one line; the reader's limit must exceed the longest answer.
MAX_LINE = 64 * 1024 * 1024


def encode(msg: dict[str, Any]) -> bytes:
    return orjson.dumps(msg) + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    msg = orjson.loads(line)
    if not isinstance(msg, dict) or not isinstance(msg.get("op"), str):
        raise ValueError(f"not a protocol message: {line[:80]!r}")
    return msg
