"""Reporting periods in Asia/Tokyo time.

Japanese companies close books on the Tokyo calendar, so "2026-11" means 2026-11-01 00:00 JST up
to 2026-12-01 00:00 JST; the ledger stores UTC epoch seconds and we translate at the edges.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tenbin.clock import SYSTEM, Clock
from tenbin.clock import TOKYO as TOKYO  # re-exported: finops code reads the calendar from here
from tenbin.clock import tokyo_now as tokyo_now

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: dt.datetime  # aware, Tokyo
    end: dt.datetime  # exclusive

    @property
    def start_ts(self) -> float:
        return self.start.timestamp()

    @property
    def end_ts(self) -> float:
        return self.end.timestamp()

    def days(self) -> list[dt.date]:
        d, out = self.start.date(), []
        while d < self.end.date():
            out.append(d)
            d += dt.timedelta(days=1)
        return out


def month(year: int, mon: int) -> Period:
    start = dt.datetime(year, mon, 1, tzinfo=TOKYO)
    end = dt.datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=TOKYO)
    return Period(f"{year:04d}-{mon:02d}", start, end)


def day(d: dt.date) -> Period:
    start = dt.datetime(d.year, d.month, d.day, tzinfo=TOKYO)
    return Period(d.isoformat(), start, start + dt.timedelta(days=1))


def parse_period(text: str) -> Period:
    """``YYYY-MM`` (a month), ``YYYY-MM-DD`` (a day) or ``YYYY-MM-DD..YYYY-MM-DD`` (inclusive days)."""
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
        pa, pb = parse_period(a), parse_period(b)
        return Period(text, pa.start, pb.end)
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if not 1 <= mo <= 12:
            raise ValueError(f"bad month in period {text!r}")
        return month(y, mo)
    if _DAY.match(text):
        try:
            return day(dt.date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"bad date in period {text!r}") from None
    raise ValueError(f"period {text!r}: expected YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")


def current_month(clock: Clock = SYSTEM) -> Period:
    """The Tokyo month the clock is in: at 2026-11-30T15:30Z it is already 2026-12."""
    now = tokyo_now(clock)
    return month(now.year, now.month)


def tokyo_date(ts: float) -> dt.date:
    return dt.datetime.fromtimestamp(ts, TOKYO).date()


def period_key(kind: str, ts: float) -> str:
    """The budget bucket a timestamp falls in: ``2026-11`` (month) or ``2026-11-25`` (day), Tokyo."""
    d = tokyo_date(ts)
    return d.isoformat() if kind == "day" else d.isoformat()[:7]


def period_of_key(kind: str, key: str) -> Period:
    return day(dt.date.fromisoformat(key)) if kind == "day" else parse_period(key)
