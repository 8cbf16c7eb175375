"""FinOps bench: a 1M-row SQLite ledger, the main report queries, and the what-if replay rate.

    .venv/bin/python bench/finops_bench.py [--rows 1000000] [--db /tmp/finops_bench.db]

Targets: each report < 1 s on 1M rows. Rows carry a route trace with the routing facts the
gateway records (routing/facts.py) and per-request sizes, as real traffic has; the replay reads
every trace (≈19k rows/s, docs/finops.md) and its baseline (no scenario) must report no change.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Usage
from tenbin.finops.budgets.estimate import recent_outputs
from tenbin.finops.budgets.rules import spend_so_far
from tenbin.finops.config import BudgetRule, SelfHosted
from tenbin.finops.periods import TOKYO, parse_period
from tenbin.finops.pricing import Pricer
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_shapes
from tenbin.finops.replay.simulate import replay
from tenbin.finops.reports.costs import cost_report
from tenbin.finops.reports.focus import focus_rows
from tenbin.finops.reports.forecast import forecast_period
from tenbin.fx import FxTable
from tenbin.ledger.record import COLUMNS
from tenbin.privacy.classes import DataClass
from tenbin.store import rollup
from tenbin.store.sqlite import SQLiteStore

MODELS = ["gpt-5-mini", "gpt-5-nano", "gpt-4.1", "claude-haiku-4-5", "claude-sonnet-4-5", "gemini-2.5-flash",
          "local/smollm2", "gpt-4o-mini"]
FX = FxTable([("USD", dt.date(2026, 11, 1), Decimal("152.3"))])


def synth(n: int, seed: int = 7) -> list[tuple[Any, ...]]:
    rnd = random.Random(seed)
    catalog = load_catalog()
    pricer = Pricer(FX)
    specs = [catalog.get(m) for m in MODELS]
    start = parse_period("2026-11").start_ts
    # precompute per-model unit costs in nanos per token so 1M rows take seconds, not minutes
    unit: list[tuple[int, int, int, int, str, str | None]] = []
    for s in specs:
        assert s is not None
        a = pricer.price(s, Usage(1_000_000, 0, 0, True), dt.date(2026, 11, 15))
        b = pricer.price(s, Usage(0, 1_000_000, 0, True), dt.date(2026, 11, 15))
        unit.append((a.cost_nanos, b.cost_nanos, a.cost_jpy_nanos, b.cost_jpy_nanos, a.currency, a.fx_rate))
    idx = {c: i for i, c in enumerate(COLUMNS)}
    # A realistic organisation: 20 teams × 3 projects × 2 keys; each project has 2 use cases with a
    # main model (80%) and an alternative; data class is mostly fixed per use case.
    uses = []
    for t in range(20):
        for pj in range(3):
            for u in range(2):
                uses.append((f"team{t:02d}", f"proj{t:02d}{pj}", f"uc{(t + pj + u) % 12}", rnd.randrange(len(MODELS)),
                             rnd.randrange(len(MODELS)), str(rnd.choice((0, 1, 1, 2, 3)))))
    rows = []
    for i in range(n):
        team, project, use_case, main, alt, dc = uses[rnd.randrange(len(uses))]
        mi = main if rnd.random() < 0.8 else alt
        dc = dc if rnd.random() < 0.9 else "3"
        dc_name = DataClass(int(dc)).name.lower()
        s = specs[mi]
        assert s is not None
        p, o = rnd.randrange(50, min(4000, s.context_window // 2)), rnd.randrange(10, 800)
        ui, uo, ji, jo, ccy, fx = unit[mi]
        ts = start + rnd.random() * 30 * 86400
        ok = rnd.random() > 0.02
        r: list[Any] = [None] * len(COLUMNS)
        vals = {
            "request_id": f"b{i}", "ts_start": ts, "ts_end": ts + 1.2, "key_id": f"{project}-k{rnd.randrange(2)}",
            "team": team, "project": project, "use_case": use_case,
            "requested_model": s.id, "served_model": s.id if ok else None, "provider": s.provider,
            "region": s.region, "prompt_tokens": p if ok else 0, "cached_tokens": 0,
            "completion_tokens": o if ok else 0, "tokens_reported": 1, "latency_ms": 800.0, "ttft_ms": None,
            "status": 200 if ok else 502, "error_class": None if ok else "upstream_error",
            "cost_nanos": (p * ui + o * uo) // 1_000_000 if ok else 0, "currency": ccy,
            "cost_jpy_nanos": (p * ji + o * jo) // 1_000_000 if ok else 0, "fx_rate": fx,
            "data_class": dc_name, "stream": 0, "attempts": 1,
            # what the router records: the request's facts (sizes estimated from its prompt)
            "route": orjson.dumps({
                "requested": s.id, "data_class": dc_name, "action": "allow", "source": "client", "chosen": s.id,
                "rule": "requested", "facts": {"class": dc_name, "chars": p * 2, "tokens": p + rnd.randrange(-20, 20),
                                               "turns": 1}}).decode() if ok else None,
        }
        for k, v in vals.items():
            r[idx[k]] = v
        rows.append(tuple(r))
    return rows


async def timed(label: str, fn: Callable[[], Awaitable[Any]], out: list[tuple[str, float, str]],
                note: Callable[[Any], str] = lambda _: "") -> Any:
    t0 = time.perf_counter()
    res = await fn()
    out.append((label, time.perf_counter() - t0, note(res)))
    return res


async def main(n: int, path: str) -> None:
    con = Console()
    if os.path.exists(path):
        os.remove(path)
    store = SQLiteStore(path)
    await store.migrate()
    t0 = time.perf_counter()
    data = synth(n)
    gen_s = time.perf_counter() - t0
    sql = f"INSERT INTO usage ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    t0 = time.perf_counter()
    for i in range(0, len(data), 100_000):
        await store.executemany(sql, data[i:i + 100_000])
    await store.execute(rollup.ADD_SINCE, (0,))  # rows inserted around insert_usage: roll them up (store/rollup.py)
    await store.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    del data
    con.print(f"{n:,} rows generated in {gen_s:.1f}s, inserted in {load_s:.1f}s ({n / load_s:,.0f} rows/s)")

    nov = parse_period("2026-11")
    catalog = load_catalog()
    results: list[tuple[str, float, str]] = []
    await timed("costs --by team,model", lambda: cost_report(store, nov, ["team", "model"]), results,
                lambda r: f"{len(r.lines)} lines")
    await timed("costs --by team,model,project,use-case",
                lambda: cost_report(store, nov, ["team", "model", "project", "use-case"]), results,
                lambda r: f"{len(r.lines):,} lines")
    await timed("costs --by provider,region --fx USDJPY=170",
                lambda: cost_report(store, nov, ["provider", "region"], fx={"USD": Decimal(170)}), results,
                lambda r: f"{len(r.lines)} lines")
    await timed("costs --period one day", lambda: cost_report(store, parse_period("2026-11-18"), ["team"]),
                results, lambda r: f"{len(r.lines)} lines")
    await timed("forecast (per team + total)",
                lambda: forecast_period(store, nov, dt.datetime(2026, 11, 30, 12, tzinfo=TOKYO)), results,
                lambda r: f"{len(r)} forecasts")
    rules = [BudgetRule(name="t", scope="team", limit_jpy=Decimal(1000)),
             BudgetRule(name="p", scope="project", period="day", limit_jpy=Decimal(100))]
    await timed("budget spend at start-up (2 rules)",
                lambda: spend_so_far(store, rules, parse_period("2026-11-30").start_ts + 3600), results,
                lambda r: f"{len(r)} buckets")
    await timed("export focus (rows built)", lambda: focus_rows(store, catalog, nov), results,
                lambda r: f"{len(r):,} FOCUS rows")
    local = {"local/smollm2": SelfHosted(gpu_hour_jpy=Decimal(350), tokens_per_second=Decimal(40))}
    await timed("costs --by team,use-case with self-hosted charge-back",
                lambda: cost_report(store, nov, ["team", "use-case"], self_hosted=local), results,
                lambda r: f"¥{r.total.self_hosted_jpy:,.0f} charged back")
    await timed("export focus with self-hosted charge rows", lambda: focus_rows(store, catalog, nov, self_hosted=local),
                results, lambda r: f"{len(r):,} FOCUS rows")
    await timed("budget reservations: learn output p95 (newest 20k answers)",
                lambda: recent_outputs(store, parse_period("2026-11-30").start_ts + 3600), results,
                lambda r: f"{len(r):,} rows sampled")
    shapes = await timed("simulate: load shapes (per-day queries, grouped by route)",
                         lambda: load_shapes(store, nov), results, lambda r: f"{len(r):,} shapes")
    # Pass-through routing, no sovereignty constraints: the synthetic ledger's random data classes
    # would otherwise send every CONFIDENTIAL row to the 2k-context local model (all gaps).
    cfg = build_config({"fallbacks": {"gpt-5-mini": ["claude-haiku-4-5"]}, "routing": {"constraints": []}}, env={})
    scen = parse_scenario(["openai:+30%"], ["anthropic"], ["USDJPY=170"], None)

    async def base() -> Any:
        return replay(shapes, cfg, catalog, FX, parse_scenario([], [], [], None))

    b = await timed("simulate: baseline replay (no scenario)", base, results,
                    lambda r: f"Δ ¥{r.delta_jpy:,.2f}, {r.moved} moved, {r.refused} refused")

    async def rep() -> Any:
        return replay(shapes, cfg, catalog, FX, scen)

    res = await timed("simulate: replay shapes", rep, results, lambda r: f"{r.decisions:,} decisions")
    await store.close()

    t = Table("step", "seconds", "note", title=f"finops bench, {n:,}-row SQLite ledger")
    for label, s, note in results:
        t.add_row(label, f"{s:.3f}", note)
    con.print(t)
    total = sum(s for label, s, _ in results if label.startswith("simulate") and "baseline" not in label)
    con.print(f"replay end to end: {res.rows:,} rows in {total:.2f}s = {res.rows / total:,.0f} rows/s"
              f" (cost delta ¥{res.delta_jpy:,.0f}, {res.moved:,} moved, {res.refused:,} gap requests)")
    con.print(f"baseline: delta ¥{b.delta_jpy:,.2f}, {b.moved:,} moved, {b.refused:,} refused,"
              f" {b.approximate:,} approximate")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--db", default="/tmp/finops_bench.db")
    a = ap.parse_args()
    asyncio.run(main(a.rows, a.db))
