"""Dated FX rates to JPY.

A rate applies from its date until the next one, so a request is always converted at the rate in
force when it ran and a report can be restated at another rate later.
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
    def __init__(self, rates: Iterable[tuple[str, dt.date, Decimal]] = DEFAULT_RATES) -> None:
        self._dates: dict[str, list[dt.date]] = {}
        self._rates: dict[str, list[Decimal]] = {}
        for ccy, day, rate in sorted(rates, key=lambda r: (r[0], r[1])):
            self.set(ccy, day, rate)

    def set(self, currency: str, day: dt.date, rate: Decimal) -> None:
        ccy = currency.upper()
        if rate <= 0:
            raise ValueError("an FX rate must be positive")
        dates = self._dates.setdefault(ccy, [])
        rates = self._rates.setdefault(ccy, [])
        i = bisect.bisect_left(dates, day)
        if i < len(dates) and dates[i] == day:
            rates[i] = rate
        else:
            dates.insert(i, day)
            rates.insert(i, rate)

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        """JPY per unit of ``currency`` in force on ``day`` (earliest known if ``day`` predates all)."""
        ccy = currency.upper()
        if ccy == "JPY":
            return Decimal(1)
        dates = self._dates.get(ccy)
        if not dates:
            return None
        i = bisect.bisect_right(dates, day) - 1
        return self._rates[ccy][max(i, 0)]

    def items(self) -> list[tuple[str, dt.date, Decimal]]:
        return [(c, d, r) for c in self._dates for d, r in zip(self._dates[c], self._rates[c], strict=True)]


def restated(table: FxTable, overrides: dict[str, Decimal]) -> FxTable:
    """A copy of ``table`` where each overridden currency has one rate on every date (for
    "what would this period have cost at USDJPY=170")."""
    out = FxTable(())
    for ccy, day, rate in table.items():
        out.set(ccy, day, overrides.get(ccy, rate))
    for ccy, rate in overrides.items():
        out.set(ccy, dt.date.min, rate)
    return out
