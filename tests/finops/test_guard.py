"""The budget guard on its own: downgrades keep routing guarantees, the ledger holds under many
concurrent reservations, and settlement/alerts add up."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.context import Principal, RequestContext
from tenbin.errors import BudgetExceeded
from tenbin.finops.budgets.alerts import Alerter
from tenbin.finops.budgets.guard import LedgerGuard
from tenbin.finops.budgets.ledger import Claim, MemoryBudgetLedger
from tenbin.finops.budgets.rules import compile_rules
from tenbin.finops.config import BudgetRule
from tenbin.finops.pricing import Pricer
from tenbin.fx import FxTable
from tenbin.routing.decision import Decision
from tenbin.shared.budget import RedisBudgetLedger
from tenbin.shared.link import RedisLink
from tests.scale.services import REDIS_BASE, delete_prefix, new_prefix, require


def spec(id: str, region: str, inp: str = "1000", out: str = "1000") -> ModelSpec:
    return ModelSpec.model_validate({
        "id": id, "provider": "p", "upstream": id, "region": region, "jurisdiction": region, "retention_days": 0,
        "context_window": 10_000,
        "prices": [{"effective": "2020-01-01", "currency": "JPY", "input": inp, "output": out}]})


CATALOG = Catalog([spec("jp-big", "JP"), spec("jp-small", "JP", "1", "1"), spec("us-small", "US", "1", "1")])


def guard(rule: dict[str, Any]) -> LedgerGuard:
    r = BudgetRule.model_validate({"name": "b", "scope": "team", "match": "t", "limit_jpy": "0.001", **rule})
    return LedgerGuard(MemoryBudgetLedger(), Pricer(FxTable(())), CATALOG, Alerter(None), compile_rules([r]), 100)


def ctx(allowed: tuple[str, ...] | None = None) -> RequestContext:
    return RequestContext("r", Principal("k", "t", "p", allowed_models=allowed),
                          {"messages": [{"role": "user", "content": "x"}], "max_tokens": 10}, "jp-big", False)


def decision(model: str = "jp-big") -> Decision:
    m = CATALOG.get(model)
    assert m is not None
    return Decision(model=m, fallbacks=[])


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_downgrade_within_japan() -> None:
    g = guard({"action": "downgrade", "downgrade_to": "jp-small"})
    d, res = run(g.reserve(ctx(), decision()))
    assert d.model.id == "jp-small" and d.trace["budget_downgrade"]["from"] == "jp-big"
    assert res is not None


@pytest.mark.parametrize("target,allowed", [("us-small", None), ("jp-small", ("jp-big",))])
def test_downgrade_that_breaks_a_guarantee_blocks(target: str, allowed: tuple[str, ...] | None) -> None:
    g = guard({"action": "downgrade", "downgrade_to": target})
    with pytest.raises(BudgetExceeded, match="Budget `b` \\(team t, month"):
        run(g.reserve(ctx(allowed), decision()))


def test_downgrade_respects_the_eligible_set() -> None:
    g = guard({"action": "downgrade", "downgrade_to": "jp-small"})
    d = decision()
    d.trace["eligible"] = ["jp-big"]
    with pytest.raises(BudgetExceeded):
        run(g.reserve(ctx(), d))


@pytest.fixture(params=["memory", "redis"])
def ledger_kind(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """Which BudgetLedger the concurrency test runs on, and a Redis key prefix for it."""
    kind = str(request.param)
    if kind == "memory":
        yield kind, ""
        return
    require("Redis", "127.0.0.1", 6379)
    prefix = new_prefix()
    yield kind, prefix
    delete_prefix(prefix)


def test_many_concurrent_reservations_never_overrun(ledger_kind: tuple[str, str]) -> None:
    """64 requests at a time, 20 rounds, reserving ¥0.05 against ¥1 while others settle or release.

    The in-memory ledger never awaits, so only the test's own awaits interleave it; the Redis one
    awaits a round trip in every call, so reservations from three "replicas" (three ledgers on
    three connections) really are in flight together: the test checks that they were."""
    kind, prefix = ledger_kind

    async def go() -> tuple[int, int, int, int, int]:
        if kind == "memory":
            ledgers: list[Any] = [MemoryBudgetLedger()]
        else:
            links = [RedisLink(REDIS_BASE, op_timeout_s=5.0, retry_down_s=0.5) for _ in range(3)]
            ledgers = [RedisBudgetLedger(lk, prefix, 30, MemoryBudgetLedger()) for lk in links]
        limit, top = 1_000_000, 50_000
        rnd = random.Random(3)
        admitted = refused = held = most_held = 0

        async def one(i: int) -> None:
            nonlocal admitted, refused, held, most_held
            led = ledgers[i % len(ledgers)]
            claims = [Claim("b|t|2026-11", top, limit), Claim("all|*|2026-11", top, None)]
            if await led.reserve(claims) is not None:
                refused += 1
                return
            admitted += 1
            held += 1
            most_held = max(most_held, held)
            await asyncio.sleep(rnd.random() / 1000)
            held -= 1
            if rnd.random() < 0.2:
                await led.release(claims)
            else:
                await led.settle(claims, rnd.randrange(1, top + 1))

        for _ in range(20):
            await asyncio.gather(*(one(i) for i in range(64)))
        snap = await ledgers[0].snapshot()
        for led in ledgers:
            assert getattr(led, "degraded", 0) == 0  # every call really went to Redis
            link = getattr(led, "link", None)
            if link is not None:
                await link.aclose()
        return snap["b|t|2026-11"][0], snap["b|t|2026-11"][1], admitted, refused, most_held

    spent, reserved, admitted, refused, most_held = run(go())
    assert reserved == 0 and spent <= 1_000_000
    assert admitted > 20 and refused > 0  # the limit was reached and held
    assert most_held >= 2  # reservations overlapped: this was a concurrency test
    assert spent > 500_000  # and the budget was really used, not refused from the start


def test_alert_thresholds_fire_once() -> None:
    g = guard({"action": "alert", "limit_jpy": "1"})

    async def go() -> list[int]:
        for _ in range(12):  # settle ¥0.1 each against a ¥1 alert budget
            _, res = await g.reserve(ctx(), decision("jp-small"))
            assert res is not None
            await res.settle(Decimal("0.1"))
        await g.alerter.drain()
        return [e["threshold_pct"] for e in g.alerter.events]

    assert run(go()) == [50, 80, 100]


def test_reservation_is_the_requests_own_limit_times_n() -> None:
    """jp-big costs ¥1000 per 1M tokens in and out (1,000,000 nano-yen a token); the prompt bound of
    ``ctx()`` is the 38 bytes of ``[[{"role":"user","content":"x"}],null]`` + 16 = 54."""
    g = guard({"action": "block", "limit_jpy": "0.001"})
    c = ctx()
    big = decision().model
    assert g.max_cost(c, [big], 0, 10) == (54 + 10) * 1_000_000
    c.body["n"] = 3
    c.body["max_completion_tokens"] = 20  # wins over max_tokens (10)
    with pytest.raises(BudgetExceeded) as ei:
        run(g.reserve(c, decision()))
    msg = ei.value.message
    assert "60 output tokens [max_completion_tokens, × n=3]" in msg
    assert "reserves up to ¥0.1140" in msg  # (54 + 3 × 20) tokens × ¥0.001
    assert "Nothing fits until the period resets" in msg  # ¥0.001 does not cover the prompt
    assert ei.value.headers["x-should-retry"] == "false"
