"""Reporting periods in Japan Standard Time (UTC+9, no DST): ``2026-11`` means JST November."""

from __future__ import annotations

import datetime as dt
import re

from tenbin.errors import BadRequest

JST = dt.timezone(dt.timedelta(hours=9), "JST")
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")  # ASCII digits only: \d takes ४ and ٤ too


def month_bounds(period: str) -> tuple[float, float]:
    """[start, end) of a ``YYYY-MM`` month in epoch seconds."""
    m = _MONTH.match(period)
    # years 0 and 9999 pass the pattern but not datetime (no year 0, no year 10000 for December's end)
    if not m or not 1 <= int(m.group(2)) <= 12 or not 1 <= int(m.group(1)) <= 9998:
        raise BadRequest(f"period must look like 2026-11 (YYYY-MM, years 0001-9998), got {period[:40]!r}",
                         param="period")
    y, mo = int(m.group(1)), int(m.group(2))
    start = dt.datetime(y, mo, 1, tzinfo=JST)
    end = dt.datetime(y + (mo == 12), mo % 12 + 1, 1, tzinfo=JST)
    return start.timestamp(), end.timestamp()
