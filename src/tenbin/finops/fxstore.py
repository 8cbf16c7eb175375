"""FX rates persisted in the store: set one, load a CSV, list them, and build the in-memory table.

The gateway never reads rates per request: it loads an :class:`FxTable` at start and swaps in a
fresh one on each refresh (see :mod:`tenbin.finops.service`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from decimal import Decimal, InvalidOperation

from tenbin.finops.fx import DEFAULT_RATES, FxTable
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


async def set_rate(store: Store, currency: str, day: dt.date, rate: Decimal, source: str = "cli") -> None:
    await store.execute(_UPSERT, (currency.upper(), day.isoformat(), str(rate), source, time.time()))


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


async def load_rates(store: Store, rows: list[tuple[str, dt.date, Decimal]], source: str) -> None:
    now = time.time()
    await store.executemany(_UPSERT, [(c, d.isoformat(), str(r), source, now) for c, d, r in rows])


async def stored_rates(store: Store) -> list[tuple[str, dt.date, Decimal, str | None]]:
    rows = await store.query("SELECT currency, day, rate, source FROM fx_rates ORDER BY currency, day")
    return [(r["currency"], dt.date.fromisoformat(r["day"]), Decimal(r["rate"]), r["source"]) for r in rows]


async def load_table(store: Store) -> FxTable:
    """Shipped defaults overlaid with every stored rate."""
    table = FxTable(DEFAULT_RATES)
    for ccy, day, rate, _ in await stored_rates(store):
        table.set(ccy, day, rate)
    return table
