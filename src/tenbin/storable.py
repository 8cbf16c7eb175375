"""What text every store can hold, and how to make a string storable.

SQLite's driver must encode a ``str`` as UTF-8, so a lone surrogate (what aiohttp makes of a
non-UTF-8 header byte: ``\\xff`` arrives as ``"\\udcff"``) raises ``UnicodeEncodeError``; PostgreSQL
refuses NUL (``\\u0000``) in ``TEXT`` (``CharacterNotInRepertoireError``). Both are legal in a
Python string and NUL is legal in JSON, so the edge refuses them (``api/edge.py``) and the writers
scrub what slips through (``batching.py`` quarantine). One definition serves both.
"""

from __future__ import annotations

import re
from typing import Any

REPLACEMENT = "\ufffd"
REPAIR_MAX = 1024  # a repaired row's strings are cut to this many characters (index limits, floods)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def flaw(s: str) -> str | None:
    """Why ``s`` cannot be stored as text in every backend, or None when it can."""
    if s.isascii():  # O(1) in CPython; a memchr for the NUL: the common case costs ~50 ns
        return "contains a NUL character" if "\x00" in s else None
    m = _UNSTORABLE.search(s)
    if m is None:
        return None
    if m.group() == "\x00":
        return "contains a NUL character"
    return "is not valid UTF-8 (it holds an undecodable byte or a lone surrogate)"


def scrub(s: str) -> str:
    """``s`` with each NUL and surrogate code point replaced by U+FFFD (lengths are kept)."""
    return _UNSTORABLE.sub(REPLACEMENT, s)


def scrub_value(v: Any, limit: int | None = None) -> Any:
    """Scrub every string inside ``v`` (dict keys too), cutting each to ``limit`` characters when
    given; other values are returned as they are."""
    if isinstance(v, str):
        v = scrub(v)
        return v if limit is None or len(v) <= limit else v[:limit]
    if isinstance(v, dict):
        return {scrub_value(k, limit): scrub_value(x, limit) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(scrub_value(x, limit) for x in v)
    return v
