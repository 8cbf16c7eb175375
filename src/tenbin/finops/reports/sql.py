"""What reports share about the ``usage_daily`` rollup (store/migrations/*_0004_finops_rollup.sql).

A trigger keeps one row per Tokyo day × team × project × key × use case × requested/served model ×
provider × region × data class × currency × FX rate × status, so reports read thousands of rows
instead of the ledger's millions. NULLs are stored as '' (a primary key cannot match NULLs).
"""

from __future__ import annotations

import datetime as dt

from tenbin.finops.periods import Period

TOKYO_OFFSET_S = 9 * 3600  # Japan has no daylight saving time, so a fixed offset is exact
EPOCH = dt.date(1970, 1, 1)


def day_number(ts: float) -> int:
    """Days since 1970-01-01 on the Tokyo calendar, as stored in ``usage_daily.day``."""
    return int((ts + TOKYO_OFFSET_S) // 86400)


def day_range(period: Period) -> tuple[int, int]:
    """[first, last) day numbers of a period (periods always start and end at Tokyo midnight)."""
    return day_number(period.start_ts), day_number(period.end_ts)


def day_of(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def text_or_none(v: object) -> str | None:
    return None if v is None or v == "" else str(v)
