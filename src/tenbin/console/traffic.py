"""Traffic figures the overview shows that no CLI report prints: latency and time-to-first-token
percentiles, and where the served traffic was processed.

Percentiles are nearest-rank (an observed value, never interpolated — as the budget estimator's
p95) over the answered requests (status 200) of a period: a refusal returns in microseconds and
would make the gateway look faster than any answer was. They are read in the database (a count,
then one ``ORDER BY … LIMIT 1 OFFSET k`` per percentile), so a month of millions of ledger rows
is never loaded into the process.

Where traffic went is counted per served model from ``cost_report`` (the ledger's rollup, the
figures ``tenbin costs --by model,region`` prints): *local* is an on-prem model, *Japan* a model
processed in Japan by a vendor under Japanese law, *abroad* everything else — the APPI test of
``routing.decision.sent_abroad`` that the cross-border report applies (a JP region run under US
law, e.g. Azure Japan East, is abroad). Requests no model served (refused before a vendor) are
not traffic served anywhere and are left out of the shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenbin.catalog.catalog import Catalog
from tenbin.finops.periods import Period
from tenbin.finops.reports.costs import Report
from tenbin.routing.decision import sent_abroad
from tenbin.store.base import Store

PLACES = ("local", "japan", "abroad")


@dataclass(frozen=True, slots=True)
class Latency:
    answered: int  # status-200 requests measured
    p50_ms: float | None
    p95_ms: float | None
    streamed: int  # of which streamed with a first token
    ttft_p50_ms: float | None
    ttft_p95_ms: float | None


def rank(n: int, pct: int) -> int:
    """0-based index of the nearest-rank ``pct``-th percentile of ``n`` sorted values: the
    ⌈pct·n/100⌉-th value, in integers (a float product can land a hair above a whole number)."""
    return max(0, -(-pct * n // 100) - 1)


async def _percentiles(store: Store, column: str, where: str, params: list[Any]) -> tuple[int, list[float | None]]:
    cond = f"{where} AND {column} IS NOT NULL"
    n = int((await store.query(f"SELECT count(*) AS n FROM usage WHERE {cond}", params))[0]["n"] or 0)
    out: list[float | None] = []
    for pct in (50, 95):
        if not n:
            out.append(None)
            continue
        rows = await store.query(f"SELECT {column} AS v FROM usage WHERE {cond} ORDER BY {column}"
                                 f" LIMIT 1 OFFSET {rank(n, pct)}", params)
        out.append(float(rows[0]["v"]))
    return n, out


async def latency(store: Store, period: Period, team: str | None) -> Latency:
    where = "ts_start >= ? AND ts_start < ? AND status = 200"
    params: list[Any] = [period.start_ts, period.end_ts]
    if team is not None:
        where += " AND team = ?"
        params.append(team)
    n, (p50, p95) = await _percentiles(store, "latency_ms", where, params)
    s, (t50, t95) = await _percentiles(store, "ttft_ms", where + " AND stream = 1", params)
    return Latency(n, p50, p95, s, t50, t95)


def place(catalog: Catalog, model: str, region: str) -> str | None:
    """``local``, ``japan`` or ``abroad`` for a served model (None: not served)."""
    if model == "-":
        return None
    spec = catalog.get(model)
    if region == "on-prem" or (spec is not None and spec.region == "on-prem"):
        return "local"
    if spec is not None:
        return "abroad" if sent_abroad(spec) else "japan"
    return "japan" if region == "JP" else "abroad"  # a model since removed: its recorded region only


@dataclass(frozen=True, slots=True)
class Share:
    place: str
    requests: int
    cost_jpy: Decimal
    share: Decimal | None  # of the served requests


def served_where(report: Report, catalog: Catalog) -> list[Share]:
    """Requests and spend per place from a report grouped by ``model, region``."""
    mi, ri = report.dims.index("model"), report.dims.index("region")
    reqs = dict.fromkeys(PLACES, 0)
    cost = dict.fromkeys(PLACES, Decimal(0))
    for ln in report.lines:
        where = place(catalog, ln.key[mi], ln.key[ri])
        if where is None:
            continue
        reqs[where] += ln.requests
        cost[where] += ln.cost_jpy
    total = sum(reqs.values())
    return [Share(p, reqs[p], cost[p], Decimal(reqs[p]) / total if total else None) for p in PLACES]
