"""The same FinOps SQL on PostgreSQL (a fresh schema): migrations incl. the rollup trigger, reports,
forecast, FOCUS rows, replay shapes, budget start-up spend, stored FX rates and budgets."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.clock import ManualClock
from tenbin.finops.budgets.alerts import Alerter
from tenbin.finops.budgets.estimate import recent_outputs
from tenbin.finops.budgets.rules import compile_rules, save_rule, spend_so_far, stored_rules
from tenbin.finops.budgets.status import stored_events
from tenbin.finops.config import BudgetRule, SelfHosted
from tenbin.finops.fxstore import load_table, set_rate
from tenbin.finops.periods import TOKYO, parse_period
from tenbin.finops.replay.shapes import load_shapes
from tenbin.finops.reports.costs import cost_report
from tenbin.finops.reports.focus import focus_rows
from tenbin.finops.reports.forecast import forecast_period
from tenbin.store.base import Store
from tests.finops.ledger import with_ledger
from tests.finops.test_reports import ledger
from tests.scale.services import PG_BASE, new_schema, pg_url, require

NOV = parse_period("2026-11")


@pytest.fixture
def pg() -> Iterator[str]:
    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    yield pg_url(schema)

    async def drop() -> None:
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()

    asyncio.run(drop())


async def everything(s: Store) -> dict[str, Any]:
    rule = BudgetRule(name="t", scope="team", limit_jpy=Decimal(10))
    await save_rule(s, rule)
    await set_rate(s, "USD", dt.date(2026, 11, 1), Decimal("152.3"), at=parse_period("2026-10-31").start_ts)
    rep = await cost_report(s, NOV, ["team", "model", "use-case"])
    return {
        "report": sorted((ln.key, ln.requests, ln.errors, ln.cost_jpy) for ln in rep.lines),
        "forecast": [(f.subject, f.forecast) for f in await forecast_period(
            s, NOV, dt.datetime(2026, 11, 20, 12, tzinfo=TOKYO))],
        "focus": sorted((r["SkuId"], r["BilledCost"]) for r in await focus_rows(s, load_catalog(), NOV)),
        "shapes": sorted((x.day, x.team, x.served_model, x.requests, x.use_case) for x in await load_shapes(s, NOV)),
        "spent": await spend_so_far(s, [rule], parse_period("2026-11-05").start_ts),
        "rules": await stored_rules(s),
        "fx": (await load_table(s)).rate("USD", dt.date(2026, 11, 2)),
        **await explained(s),
    }


async def explained(s: Store) -> dict[str, Any]:
    """The issue-13 SQL: FX history (one rate per Tokyo day), budget actions and their counts, the
    output sample reservations learn from, the self-hosted charge-back in costs and FOCUS."""
    noon = parse_period("2026-11-20").start_ts + 12 * 3600
    await set_rate(s, "USD", dt.date(2026, 11, 20), Decimal("160"), at=noon)  # mid-day: from the 21st
    await set_rate(s, "USD", dt.date(2026, 11, 20), Decimal("161"), at=noon)  # same instant: the later wins
    table = await load_table(s)
    clock = ManualClock(dt.datetime.fromtimestamp(noon, dt.UTC))
    alerter = Alerter(s, clock)
    c = compile_rules([BudgetRule(name="b", scope="team", limit_jpy=Decimal(1), action="block")])[0]
    for i in range(3):
        alerter.action(c, "b|sales|2026-11", "block", {"spent_jpy": "1.00"}, f"r{i}")
    await alerter.flush()
    _, actions = await stored_events(s)
    local = {"local": SelfHosted(gpu_hour_jpy=Decimal(350), tokens_per_second=Decimal(40))}
    rep = await cost_report(s, NOV, ["team"], self_hosted=local)
    return {
        "fx_day": [table.rate("USD", dt.date(2026, 11, d)) for d in (20, 21)],
        "actions": sorted((k, a.count, a.since, a.detail) for k, a in actions.items()),
        "outputs": sorted(await recent_outputs(s, parse_period("2026-11-10").start_ts), key=str),
        "chargeback": sorted((ln.key, ln.self_hosted_jpy) for ln in rep.lines),
        "focus_local": sorted((r["SkuId"], r["EffectiveCost"], r["BilledCost"]) for r in await focus_rows(
            s, load_catalog(), NOV, self_hosted=local) if r["SkuId"].endswith(":self-hosted")),
    }


def test_postgres_matches_sqlite(pg: str, tmp_path: Path) -> None:
    from tenbin.store.postgres import PostgresStore

    expected = with_ledger(tmp_path, ledger(), everything)

    async def go() -> dict[str, Any]:
        s = PostgresStore(pg)
        await s.migrate()
        try:
            await s.insert_usage(ledger())
            return await everything(s)
        finally:
            await s.close()

    got = asyncio.run(go())
    assert got == expected
    assert got["spent"] == {"t|sales|2026-11": 1_800_000_000, "t|dev|2026-11": 1_500_000_000,
                            "t|edge|2026-11": 900_000_000}
    assert got["fx_day"] == [Decimal("152.3"), Decimal("161")]
    assert [(k, n) for k, n, _, _ in got["actions"]] == [(("b|sales|2026-11", "block"), 3)]
    # dev's 1,500 tokens on the local model at ¥350 per 144,000 tokens = ¥3.6458333…, to the nano-yen
    assert dict(got["chargeback"])[("dev",)] == Decimal("3.645833333")
    assert got["focus_local"] == [("local:self-hosted", Decimal("3.6458333330"), 0)]
