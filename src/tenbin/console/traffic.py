"""Traffic figures the overview shows that no CLI report prints: latency and time-to-first-token
percentiles, and where the served traffic was processed.

Percentiles are nearest-rank (an observed value, never interpolated — as the budget estimator's
p95) over the answered requests (status 200) of a period: a refusal returns in microseconds and
would make the gateway look faster than any answer was. They are taken over the period's latest
:data:`SAMPLE` answered requests (one index-ordered read, newest first), so a page costs the same
on a month of millions of ledger rows as on a quiet day: measured on SQLite with 300,000 answered
requests in a month, sorting them all in the database (a count and one ``ORDER BY … OFFSET k`` per
percentile) took 6.9 s, reading and sorting the latest 20,000 here 0.11 s. When the period holds more, the
page says the figures are of its latest ``SAMPLE`` (``Latency.sampled``).

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
SAMPLE = 20_000  # answered requests the percentiles are taken over, newest first


@dataclass(frozen=True, slots=True)
class Latency:
    answered: int  # status-200 requests measured (at most SAMPLE)
    p50_ms: float | None
    p95_ms: float | None
    streamed: int  # of which streamed with a first token
    ttft_p50_ms: float | None
    ttft_p95_ms: float | None
    sampled: bool = False  # the period held more answered requests than were measured


def rank(n: int, pct: int) -> int:
    """0-based index of the nearest-rank ``pct``-th percentile of ``n`` sorted values: the
    ⌈pct·n/100⌉-th value, in integers (a float product can land a hair above a whole number)."""
    return max(0, -(-pct * n // 100) - 1)


def percentile(values: list[float], pct: int) -> float | None:
    """Nearest-rank percentile of ``values`` (sorted ascending), None when empty."""
    return values[rank(len(values), pct)] if values else None


async def latency(store: Store, period: Period, team: str | None, sample: int = SAMPLE) -> Latency:
    where = "ts_start >= ? AND ts_start < ? AND status = 200"
    params: list[Any] = [period.start_ts, period.end_ts]
    if team is not None:
        where += " AND team = ?"
        params.append(team)
    rows = await store.query(f"SELECT latency_ms, ttft_ms, stream FROM usage WHERE {where}"
                             f" ORDER BY ts_start DESC LIMIT {int(sample) + 1}", params)
    sampled = len(rows) > sample
    rows = rows[:sample]
    lat = sorted(float(r["latency_ms"]) for r in rows)
    ttft = sorted(float(r["ttft_ms"]) for r in rows if r["stream"] and r["ttft_ms"] is not None)
    return Latency(len(lat), percentile(lat, 50), percentile(lat, 95), len(ttft), percentile(ttft, 50),
                   percentile(ttft, 95), sampled)


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
