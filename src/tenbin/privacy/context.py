"""Context-window helpers: recognizers look at the words right before/after a candidate.

Windows are clipped to the current line because Japanese forms put the label and the value on
the same line (``電話番号：…``); a label two lines up usually belongs to another field.
"""

from __future__ import annotations

import re


def before(text: str, start: int, width: int = 24, *, lines: int = 1) -> str:
    """Up to ``width`` characters before ``start``, not crossing more than ``lines`` line starts."""
    lo = start
    for _ in range(lines):
        nl = text.rfind("\n", 0, lo)
        if nl < 0:
            lo = -1
            break
        lo = nl
    lo += 1
    return text[max(lo, start - width) : start]


def after(text: str, end: int, width: int = 12) -> str:
    """Up to ``width`` characters after ``end`` on the same line."""
    nl = text.find("\n", end, end + width)
    hi = nl if nl >= 0 else end + width
    return text[end:hi]


def has(pattern: re.Pattern[str], window: str) -> bool:
    """True when the compiled context pattern occurs in the window."""
    return pattern.search(window) is not None
