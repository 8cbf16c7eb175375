"""Price a request: tokens × the catalog price in force × the FX rate in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Usage
from tenbin.fx import FxTable
from tenbin.ledger.record import to_nanos


@dataclass(frozen=True, slots=True)
class Priced:
    cost_nanos: int
    currency: str
    cost_jpy_nanos: int
    fx_rate: str | None


class Pricer:
    def __init__(self, fx: FxTable | None = None) -> None:
        self.fx = fx or FxTable()

    def price(self, model: ModelSpec, usage: Usage, when: dt.date) -> Priced:
        p = model.price_at(when)
        cost = p.cost(usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens, usage.cache_write_tokens)
        rate = self.fx.rate(p.currency, when)
        jpy = to_nanos(cost * rate) if rate is not None else 0
        return Priced(to_nanos(cost), p.currency, jpy, str(rate) if rate is not None else None)

    def max_cost_jpy_nanos(self, model: ModelSpec, prompt_tokens: int, max_output: int, when: dt.date) -> int:
        """Upper bound of a request's JPY cost: every prompt token at the uncached input price,
        ``max_output`` tokens of output. Unknown FX counts as free (nothing else can be reserved)."""
        p = model.price_at(when)
        rate = self.fx.rate(p.currency, when)
        if rate is None:
            return 0
        cost = (prompt_tokens * p.input + max_output * p.output) / 1_000_000
        return to_nanos(cost * rate)
