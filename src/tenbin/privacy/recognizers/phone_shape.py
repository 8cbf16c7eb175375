"""Shape rules of Japanese phone numbers on their digits alone (separators removed)."""

from __future__ import annotations

import re
from typing import Final

FREE_DIAL: Final = ("0120", "0800", "0570")
MOBILE_PREFIXES: Final = ("070", "080", "090", "050", "020", "060")
#: A whole value that is one phone number: digits with hyphen/space/dot/parenthesis separators.
PHONE_CELL: Final = re.compile(r"(?:\+81[- ]?(?:\(0\)[- ]?)?|\(?0)[0-9]{1,4}\)?(?:[- .]?\(?[0-9]{1,4}\)?){1,3}")


def _national_ok(national: str) -> bool:
    """``national`` is the number without trunk 0 or country code (9 or 10 digits)."""
    if not national or national[0] == "0":
        return False
    if len(national) == 10:
        return national[:2] in ("70", "80", "90", "50", "20", "60") or national.startswith("800")
    return len(national) == 9


def valid_phone(digits: str, international: bool) -> bool:
    """Shape check on the digits alone (separators already removed)."""
    if international:
        if not digits.startswith("81"):
            return False
        national = digits[2:]
        if national.startswith("0"):
            national = national[1:]
        return _national_ok(national)
    if len(digits) < 10 or digits[0] != "0":
        return False
    if len(digits) == 11:
        return digits.startswith(MOBILE_PREFIXES) or digits.startswith("0800")
    if len(digits) == 10:
        if digits.startswith(("0120", "0570")):
            return True
        return digits[1] != "0" and not digits.startswith(MOBILE_PREFIXES)
    return False


def digits_only(text: str) -> str:
    """The digits of ``text`` (a "+" is dropped with the separators)."""
    return "".join(ch for ch in text if "0" <= ch <= "9")


def is_phone_value(value: str) -> bool:
    """``value`` as a whole is one valid Japanese number, separated or not (「0312345678」「090-1234-5678」)."""
    if PHONE_CELL.fullmatch(value) is None:
        return False
    return valid_phone(digits_only(value), value.startswith("+"))
