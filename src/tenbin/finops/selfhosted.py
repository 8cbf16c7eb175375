"""Unit prices in ¥ per 1M tokens for every model, self-hosted ones included, and make-or-buy.

A local model has no list price: it costs GPU hours (proportional to tokens) or a server paid per
month (fixed). ``tokens_per_second`` is the sustained throughput of all tokens processed. With a
fixed server the break-even is the monthly volume where ``server_month_jpy / volume`` drops
below an API's blended price; with GPU hours the local price per token is constant, so it either
always or never wins.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.finops.config import SelfHosted
from tenbin.fx import FxTable

MILLION = Decimal(1_000_000)
MONTH_SECONDS = Decimal(30 * 24 * 3600)


@dataclass(frozen=True, slots=True)
class UnitPrice:
    model: ModelSpec
    input_jpy: Decimal | None  # per 1M tokens; None when the FX rate is unknown
    output_jpy: Decimal | None
    blended_jpy: Decimal | None  # weighted by the input:output ratio
    self_hosted: SelfHosted | None = None


def blended(inp: Decimal, out: Decimal, ratio: Decimal) -> Decimal:
    return (inp * ratio + out) / (ratio + 1)


def local_per_million(sh: SelfHosted, volume_tokens: Decimal | None = None) -> Decimal:
    """Effective ¥/1M tokens: the amortised price set in config, GPU-hour cost over throughput, or
    the server month over the volume (full capacity when no volume is given). This is also the
    charge-back rate (finops/chargeback.py), so ``--unit-prices`` and team bills agree."""
    if sh.jpy_per_million_tokens is not None:
        return sh.jpy_per_million_tokens
    assert sh.tokens_per_second is not None
    if sh.gpu_hour_jpy is not None:
        return sh.gpu_hour_jpy / (sh.tokens_per_second * 3600 * sh.utilization) * MILLION
    assert sh.server_month_jpy is not None
    volume = volume_tokens if volume_tokens else capacity(sh)
    return sh.server_month_jpy / volume * MILLION


def capacity(sh: SelfHosted) -> Decimal:
    """Tokens a month the local model can process at its throughput and utilisation."""
    assert sh.tokens_per_second is not None
    return sh.tokens_per_second * MONTH_SECONDS * sh.utilization


def unit_prices(catalog: Catalog, fx: FxTable, self_hosted: dict[str, SelfHosted], when: dt.date,
                ratio: Decimal) -> list[UnitPrice]:
    out = []
    for m in catalog:
        sh = self_hosted.get(m.id)
        if sh is not None:
            local = local_per_million(sh)
            out.append(UnitPrice(m, local, local, local, sh))
            continue
        p = m.price_at(when)
        rate = fx.rate(p.currency, when)
        if rate is None:
            out.append(UnitPrice(m, None, None, None))
            continue
        i, o = p.input * rate, p.output * rate
        out.append(UnitPrice(m, i, o, blended(i, o, ratio)))
    return sorted(out, key=lambda u: (u.self_hosted is None, u.blended_jpy is None, u.blended_jpy or 0))


@dataclass(frozen=True, slots=True)
class BreakEven:
    local: str
    api: str
    api_jpy_per_million: Decimal
    local_jpy_per_million: Decimal  # at full capacity
    volume_tokens: Decimal | None  # monthly tokens above which local is cheaper; 0 = always; None = never
    note: str


def break_even(local: UnitPrice, api: UnitPrice) -> BreakEven:
    sh = local.self_hosted
    assert sh is not None and api.blended_jpy is not None
    at_capacity = local_per_million(sh)
    if sh.server_month_jpy is None:  # a price per token (GPU hours, or amortised): always or never
        wins = at_capacity < api.blended_jpy
        return BreakEven(local.model.id, api.model.id, api.blended_jpy, at_capacity, Decimal(0) if wins else None,
                         "always cheaper" if wins else "never cheaper (per-token cost above the API)")
    assert sh.server_month_jpy is not None
    volume = sh.server_month_jpy / api.blended_jpy * MILLION
    if volume > capacity(sh):
        return BreakEven(local.model.id, api.model.id, api.blended_jpy, at_capacity, None,
                         f"never: needs {volume / MILLION:,.0f}M tokens/month, capacity {capacity(sh) / MILLION:,.0f}M")
    return BreakEven(local.model.id, api.model.id, api.blended_jpy, at_capacity, volume,
                     f"cheaper above {volume / MILLION:,.1f}M tokens/month")


@dataclass(frozen=True, slots=True)
class SameVolume:
    """A self-hosted model's real traffic in a period, priced as charged back and at an API's
    list price (input and output tokens as they were, at today's price and FX rate)."""

    local: str
    api: str
    prompt_tokens: int
    completion_tokens: int
    local_jpy: Decimal  # the charge-back teams were billed
    api_jpy: Decimal

    @property
    def saving_jpy(self) -> Decimal:
        """What running it locally saved against the API (negative: the API would have been cheaper)."""
        return self.api_jpy - self.local_jpy


def same_volume(local: str, prompt_tokens: int, completion_tokens: int, local_jpy: Decimal,
                apis: list[UnitPrice]) -> list[SameVolume]:
    out = [SameVolume(local, a.model.id, prompt_tokens, completion_tokens, local_jpy,
                      (prompt_tokens * a.input_jpy + completion_tokens * a.output_jpy) / MILLION)
           for a in apis if a.input_jpy is not None and a.output_jpy is not None]
    return sorted(out, key=lambda v: v.api_jpy)


def fixed_cost(sh: SelfHosted, days: int) -> Decimal | None:
    """What a fixed server really costs over ``days`` (None for per-token bases): beside the
    charge-back it shows the idle capacity nobody was charged for."""
    return None if sh.server_month_jpy is None else sh.server_month_jpy * days / 30
