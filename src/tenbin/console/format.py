"""How the console writes numbers: the same strings the CLI prints, so a figure on a page can be
compared with ``tenbin costs`` character for character. Registered as Jinja filters (and used by
``_macros.html``); pure functions so pages and tests can call them too."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


def _decimal(v: Any) -> Decimal | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, Decimal):
        return v
    try:
        # str() first: a float's shortest repr, not its binary expansion (0.1 -> 0.1, not 0.1000…055)
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def money_jpy(v: Any, places: int = 2) -> str:
    """``¥1,234.57`` — cli/costs.py's ``_money`` (Decimal formatting, half-even), ``-`` for None."""
    d = _decimal(v)
    return "-" if d is None else f"¥{d:,.{places}f}"


def pct(v: Any, places: int = 1) -> str:
    """A fraction as a percentage: ``0.1234`` → ``12.3%``; ``-`` for None."""
    d = _decimal(v)
    return "-" if d is None else f"{d * 100:,.{places}f}%"


def number(v: Any, places: int = 0) -> str:
    """Thousands separators: ``12345`` → ``12,345``; ``-`` for None; text passes through."""
    if isinstance(v, str):
        return v
    d = _decimal(v)
    return "-" if d is None else f"{d:,.{places}f}"


def is_number(v: Any) -> bool:
    """Cells the table macro right-aligns: numbers, and money or percentages already formatted."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int | float | Decimal):
        return True
    return isinstance(v, str) and (v.startswith(("¥", "-¥")) or (v.endswith("%") and v[:-1].replace(
        ".", "", 1).replace(",", "").lstrip("-").isdigit()))
