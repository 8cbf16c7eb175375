"""Dated FX rates to JPY.

A rate applies from its date until the next one, so a request is always converted at the rate in
force when it ran and a report can be restated at another rate later.

**One rate per Tokyo day.** A Tokyo day is priced at the rate in force at its start (00:00 JST):
a rate recorded during day S applies from day S+1 at the earliest, whatever date it names. So
``tenbin fx set USDJPY 160`` at 14:00 (for today, or for any past date) changes nothing until
midnight, and every request of a day — on every replica, before and after a restart — shares one
rate. Rates are kept as recorded (``fx_rate_history``), never overwritten, so the rate in force at
the start of any day can be rebuilt: a correction recorded today for today leaves today at the
rate it started with. Rates known before the day began (shipped defaults, rows recorded on an
earlier day) are unaffected.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

# Indicative rates shipped so that JPY figures exist out of the box; operators set their own
# (`tenbin fx set USDJPY 152.3 --date 2026-11-01`). Source: approximate market close, 2025-11-03.
DEFAULT_RATES: tuple[tuple[str, dt.date, Decimal], ...] = (
    ("USD", dt.date(2025, 11, 3), Decimal("154.0")),
    ("EUR", dt.date(2025, 11, 3), Decimal("177.5")),
)


class FxTable:
    """Rates per currency as ``(day, recorded, rate)``: ``recorded`` is the Tokyo day the rate was
    recorded (None: known from the start, like shipped defaults and hand-built tables); it is in
    force on day T only if recorded before T."""

    def __init__(self, rates: Iterable[tuple[str, dt.date, Decimal]] = DEFAULT_RATES) -> None:
        self._entries: dict[str, list[tuple[dt.date, dt.date, Decimal]]] = {}  # sorted (day, recorded, rate)
        self._memo: dict[tuple[str, dt.date], Decimal | None] = {}
        for ccy, day, rate in sorted(rates, key=lambda r: (r[0], r[1])):
            self.set(ccy, day, rate)

    def set(self, currency: str, day: dt.date, rate: Decimal, recorded: dt.date | None = None) -> None:
        """Add a rate from ``day`` on. The same (day, recorded) replaces; a later ``recorded``
        supersedes an earlier one from the day after it was recorded."""
        ccy = currency.upper()
        if rate <= 0:
            raise ValueError("an FX rate must be positive")
        entries = self._entries.setdefault(ccy, [])
        key = (day, recorded or dt.date.min)
        i = bisect.bisect_left(entries, key, key=lambda e: (e[0], e[1]))
        if i < len(entries) and (entries[i][0], entries[i][1]) == key:
            entries[i] = (day, key[1], rate)
        else:
            entries.insert(i, (day, key[1], rate))
        self._memo.clear()

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        """JPY per unit of ``currency`` in force at the start of ``day``: the latest-dated rate on or
        before it that was recorded before it (the earliest known if ``day`` predates them all)."""
        ccy = currency.upper()
        if ccy == "JPY":
            return Decimal(1)
        if (ccy, day) not in self._memo:
            self._memo[(ccy, day)] = self._lookup(ccy, day)
        return self._memo[(ccy, day)]

    def _lookup(self, ccy: str, day: dt.date) -> Decimal | None:
        entries = self._entries.get(ccy)
        if not entries:
            return None
        i = bisect.bisect_right(entries, day, key=lambda e: e[0])
        for _, recorded, rate in reversed(entries[:i]):
            if recorded < day:
                return rate
        known = [e for e in entries if e[1] < day]  # nothing in force yet on the day: the earliest known
        return (known or entries)[0][2]

    def items(self) -> list[tuple[str, dt.date, Decimal]]:
        return [(c, d, r) for c, entries in self._entries.items() for d, _, r in entries]


def restated(table: FxTable, overrides: dict[str, Decimal]) -> FxTable:
    """A copy of ``table`` where each overridden currency has one rate on every date (for
    "what would this period have cost at USDJPY=170")."""
    out = FxTable(())
    for ccy, day, rate in table.items():
        out.set(ccy, day, overrides.get(ccy, rate))
    for ccy, rate in overrides.items():
        out.set(ccy, dt.date.min, rate)
    return out
