"""FX rates persisted in the store: set one, load a CSV, list them, and build the in-memory table.

The gateway never reads rates per request: it loads an :class:`FxTable` at start and swaps in a
fresh one on each refresh (see :mod:`tenbin.finops.service`).

Every write also appends to ``fx_rate_history`` with the time it was recorded (``at``, from the
caller's clock): the table is built from that history, so a rate recorded during a Tokyo day
applies from the next one (see :mod:`tenbin.fx`). ``fx_rates`` keeps the latest value per
(currency, date) for ``tenbin fx list``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal, InvalidOperation

from tenbin.finops.periods import tokyo_date
from tenbin.fx import DEFAULT_RATES, FxTable
from tenbin.store.base import Store

_UPSERT = (
    "INSERT INTO fx_rates (currency, day, rate, source, updated_at) VALUES (?, ?, ?, ?, ?)"
    " ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate, source = excluded.source,"
    " updated_at = excluded.updated_at"
)


def parse_pair(pair: str) -> str:
    """``USDJPY`` or ``USD/JPY`` → ``USD`` (rates are always JPY per unit of the other currency)."""
    p = pair.replace("/", "").replace("-", "").upper()
    if len(p) == 3 and p.isalpha():
        return p
    if len(p) != 6 or not p.isalpha() or p[3:] != "JPY":
        raise ValueError(f"FX pair {pair!r}: expected XXXJPY, e.g. USDJPY")
    if p[:3] == "JPY":
        raise ValueError("JPYJPY is always 1")
    return p[:3]


def parse_rate(text: str) -> Decimal:
    try:
        rate = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"FX rate {text!r} is not a number") from None
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"FX rate {text!r} must be a positive number")
    return rate


def parse_override(text: str) -> tuple[str, Decimal]:
    """``USDJPY=170`` (a restatement rate for reports and replays)."""
    if "=" not in text:
        raise ValueError(f"--fx {text!r}: expected PAIR=RATE, e.g. USDJPY=170")
    pair, rate = text.split("=", 1)
    return parse_pair(pair), parse_rate(rate)


_HISTORY = "INSERT INTO fx_rate_history (currency, day, rate, source, set_at) VALUES (?, ?, ?, ?, ?)"


async def set_rate(store: Store, currency: str, day: dt.date, rate: Decimal, source: str = "cli", *,
                   at: float) -> None:
    """Record ``rate`` from ``day`` on, at time ``at`` (epoch seconds: it decides the first Tokyo
    day the rate can price)."""
    row = (currency.upper(), day.isoformat(), str(rate), source, at)
    await store.execute(_HISTORY, row)
    await store.execute(_UPSERT, row)


def parse_csv(text: str) -> list[tuple[str, dt.date, Decimal]]:
    """Rows ``pair,date,rate`` (header optional), e.g. ``USDJPY,2026-11-01,152.3``."""
    out = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), 1):
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        if n == 1 and row[0].strip().lower() in ("pair", "currency"):
            continue
        if len(row) != 3:
            raise ValueError(f"line {n}: expected pair,date,rate")
        try:
            day = dt.date.fromisoformat(row[1].strip())
            out.append((parse_pair(row[0].strip()), day, parse_rate(row[2])))
        except ValueError as e:
            raise ValueError(f"line {n}: {e}") from None
    return out


async def load_rates(store: Store, rows: list[tuple[str, dt.date, Decimal]], source: str, *, at: float) -> None:
    data = [(c, d.isoformat(), str(r), source, at) for c, d, r in rows]
    await store.executemany(_HISTORY, data)
    await store.executemany(_UPSERT, data)


async def stored_rates(store: Store) -> list[tuple[str, dt.date, Decimal, str | None, float]]:
    """Latest rate per (currency, date), with when it was recorded."""
    rows = await store.query("SELECT currency, day, rate, source, updated_at FROM fx_rates ORDER BY currency, day")
    return [(r["currency"], dt.date.fromisoformat(r["day"]), Decimal(r["rate"]), r["source"], float(r["updated_at"]))
            for r in rows]


async def load_table(store: Store) -> FxTable:
    """Shipped defaults overlaid with every rate as recorded (each from the Tokyo day after it was
    recorded at the earliest)."""
    table = FxTable(DEFAULT_RATES)
    for r in await store.query("SELECT currency, day, rate, set_at FROM fx_rate_history ORDER BY id"):
        table.set(r["currency"], dt.date.fromisoformat(r["day"]), Decimal(r["rate"]), tokyo_date(float(r["set_at"])))
    return table


def applies_from(day: dt.date, set_at: float) -> dt.date:
    """The first Tokyo day a rate for ``day`` recorded at ``set_at`` prices."""
    return max(day, tokyo_date(set_at) + dt.timedelta(days=1))
