"""Shared candidate pattern for 12-digit identifiers (My Number, driver's licence)."""

from __future__ import annotations

import re
from typing import Final

#: 12 digits, plain or 4-4-4 with a consistent space/hyphen separator.
TWELVE: Final = re.compile(r"\d(?<![0-9A-Za-z\-.,]\d)\d{3}([- ]?)\d{4}\1\d{4}(?![0-9A-Za-z\-]|[.,]\d)")
LICENSE_CONTEXT: Final = re.compile(
    r"(?i)運転免許|免許証|免許番号|driver'?s?\s*licen[cs]e|driving\s*licen[cs]e|licen[cs]e\s*no"
)


def digits_of(text: str) -> str:
    """The digits of a candidate, separators removed (candidates only contain digits, "-" and " ")."""
    return text.replace("-", "").replace(" ", "")
