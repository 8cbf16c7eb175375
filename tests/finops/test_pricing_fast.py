"""Every request is priced with integers (finops/pricing.py): the nanos must be exactly what the
Decimal steps give — ``Price.cost``, then ``to_nanos`` of the cost and of cost × the FX rate —
for random prices of any number of decimals, cache rates, FX rates, token counts (negative and
huge ones included: those take the Decimal steps), half-way cases, price changes and reloads."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Usage
from tenbin.finops.pricing import Priced, Pricer
from tenbin.fx import FxTable
from tenbin.ledger.record import to_nanos

DAY = dt.date(2026, 11, 10)


def reference(model: ModelSpec, usage: Usage, when: dt.date, fx: FxTable) -> Priced:
    """Pricer.price as it was (up to ebfa8c8), Decimal all the way."""
    p = model.price_at(when)
    cost = p.cost(usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens, usage.cache_write_tokens)
    rate = fx.rate(p.currency, when)
    jpy = to_nanos(cost * rate) if rate is not None else 0
    return Priced(to_nanos(cost), p.currency, jpy, str(rate) if rate is not None else None)


def decimal_text(rnd: random.Random) -> str:
    whole = rnd.choice(["0", "1", "2", "15", "60", "1234", "98765"])
    places = rnd.choice([0, 0, 1, 2, 3, 4, 6, 9, 12])
    frac = "".join(rnd.choice("0123456789") for _ in range(places))
    return whole + ("." + frac if frac else "") + rnd.choice(["", "", "0", "00"] if frac else [""])


def model(rnd: random.Random, currency: str, mid: str = "m") -> ModelSpec:
    price: dict[str, str] = {"effective": "2026-01-01", "currency": currency, "input": decimal_text(rnd),
                             "output": decimal_text(rnd)}
    if rnd.random() < 0.5:
        price["cached_input"] = decimal_text(rnd)
    if rnd.random() < 0.5:
        price["cache_write"] = decimal_text(rnd)
    return ModelSpec.model_validate({"id": mid, "provider": "p", "upstream": mid, "region": "US", "jurisdiction": "US",
                                     "retention_days": 0, "context_window": 1000, "prices": [price]})


def tokens(rnd: random.Random) -> int:
    return rnd.choice([0, 1, 3, 7, rnd.randrange(1, 200), rnd.randrange(1, 10**6), rnd.randrange(1, 10**9),
                       10**13 + rnd.randrange(10**6), -rnd.randrange(1, 50)])


@pytest.mark.parametrize("seed", range(6))
def test_integers_give_the_decimal_nanos(seed: int) -> None:
    rnd = random.Random(seed)
    fx = FxTable([("USD", dt.date(2026, 1, 1), Decimal(decimal_text(rnd) or "1") + Decimal("0.0001")),
                  ("EUR", dt.date(2026, 1, 1), Decimal("0.006712345678901234"))])
    pricer = Pricer(fx)
    for i in range(1500):
        m = model(rnd, rnd.choice(["USD", "EUR", "JPY", "GBP"]), mid=f"m{i % 5}")
        for _ in range(3):  # the memo's second and third use of the same (model, day)
            u = Usage(prompt_tokens=tokens(rnd), completion_tokens=tokens(rnd),
                      cached_tokens=rnd.choice([0, tokens(rnd)]), reported=True,
                      cache_write_tokens=rnd.choice([0, 0, tokens(rnd)]))
            assert pricer.price(m, u, DAY) == reference(m, u, DAY, fx), (m.prices, u)


@pytest.mark.parametrize("prompt,want", [(1, 0), (3, 2), (5, 2), (7, 4), (9, 4), (11, 6)])
def test_half_a_nano_rounds_to_even(prompt: int, want: int) -> None:
    """0.0005 per 1M tokens is half a nano a token: 1 → 0.5 → 0, 3 → 1.5 → 2, 5 → 2.5 → 2."""
    m = ModelSpec.model_validate({"id": "h", "provider": "p", "upstream": "h", "region": "JP", "jurisdiction": "JP",
                                  "retention_days": 0, "context_window": 10, "prices": [
                                      {"effective": "2026-01-01", "currency": "JPY", "input": "0.0005",
                                       "output": "0"}]})
    u = Usage(prompt_tokens=prompt, completion_tokens=0, cached_tokens=0, reported=True)
    got = Pricer().price(m, u, DAY)
    assert got == reference(m, u, DAY, FxTable()) and got.cost_nanos == want == got.cost_jpy_nanos


def test_a_price_change_and_a_reloaded_model_are_seen() -> None:
    prices = [{"effective": "2026-01-01", "currency": "USD", "input": "2", "output": "8"},
              {"effective": "2026-11-15", "currency": "USD", "input": "1", "output": "4"}]
    fx = FxTable([("USD", dt.date(2026, 1, 1), Decimal("150"))])
    pricer = Pricer(fx)
    base = {"id": "m", "provider": "p", "upstream": "m", "region": "US", "jurisdiction": "US", "retention_days": 0,
            "context_window": 1000}
    m = ModelSpec.model_validate({**base, "prices": prices})
    u = Usage(prompt_tokens=1000, completion_tokens=500, cached_tokens=0, reported=True)
    assert pricer.price(m, u, dt.date(2026, 11, 14)).cost_jpy_nanos == 900_000_000
    assert pricer.price(m, u, dt.date(2026, 11, 15)).cost_jpy_nanos == 450_000_000
    reloaded = ModelSpec.model_validate({**base, "prices": [{**prices[0], "input": "4"}]})
    assert pricer.price(reloaded, u, dt.date(2026, 11, 14)).cost_jpy_nanos == 1_200_000_000
    pricer.fx = FxTable([("USD", dt.date(2026, 1, 1), Decimal("160"))])  # FinOps swaps the table
    assert pricer.price(reloaded, u, dt.date(2026, 11, 14)) == Priced(8_000_000, "USD", 1_280_000_000, "160")


def test_where_decimal_rounds_on_the_way_its_answer_is_kept() -> None:
    """A 29-digit price: Decimal's 28 digits round 1.4999…9 nanos up to 1.5, then half-even to 2;
    exact integers would say 1. The stored nanos have always been Decimal's, so they stay so."""
    m = ModelSpec.model_validate({"id": "r", "provider": "p", "upstream": "r", "region": "JP", "jurisdiction": "JP",
                                  "retention_days": 0, "context_window": 10, "prices": [
                                      {"effective": "2026-01-01", "currency": "JPY",
                                       "input": "0.0014999999999999999999999999999", "output": "0"}]})
    u = Usage(prompt_tokens=1, completion_tokens=0, cached_tokens=0, reported=True)
    got = Pricer().price(m, u, DAY)
    assert got == reference(m, u, DAY, FxTable()) and got.cost_nanos == 2
