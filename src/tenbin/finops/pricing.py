"""Price a request: tokens × the catalog price in force × the FX rate in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Usage
from tenbin.finops.fx import FxTable
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
        cost = p.cost(usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens)
        rate = self.fx.rate(p.currency, when)
        jpy = to_nanos(cost * rate) if rate is not None else 0
        return Priced(to_nanos(cost), p.currency, jpy, str(rate) if rate is not None else None)
