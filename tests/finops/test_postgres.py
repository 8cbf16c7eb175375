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
from tenbin.finops.budgets.rules import save_rule, spend_so_far, stored_rules
from tenbin.finops.config import BudgetRule
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
