"""Deterministic stand-in embeddings for the fake vendors: a unit vector derived from the input's
bytes, so a test can tell which text a vector came from and check order, truncation and encoding."""

from __future__ import annotations

import hashlib
import math
from typing import Any

import orjson


def vector(item: Any, dims: int) -> list[float]:
    """``dims`` floats from SHA-256 of ``item`` (a string or token array), scaled to length 1 —
    what OpenAI returns for ``dimensions`` too (the shortened vector is normalised again)."""
    seed = orjson.dumps(item)
    raw: list[float] = []
    block = 0
    while len(raw) < dims:
        digest = hashlib.sha256(seed + block.to_bytes(4, "little")).digest()
        raw.extend((b - 127.5) / 127.5 for b in digest)
        block += 1
    raw = raw[:dims]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]
