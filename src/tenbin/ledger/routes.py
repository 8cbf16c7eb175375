"""How requests were routed over a period, read from the ledger's ``route`` column: which policy
rules chose the model, the complexity tiers the router judged, the models that served, and the
fallbacks — which model failed with what, and what answered instead.

The trace in ``route`` is the one ``tenbin route --explain`` prints and the ``x-tenbin-route``
header summarises (docs/routing.md), written once per request by ``gateway/finish.py``; this module
only counts it. ``GET /admin/reports/routing`` and the console's routing page both call
:func:`route_report`, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import orjson

from tenbin.ledger.record import from_nanos

if TYPE_CHECKING:
    from tenbin.finops.periods import Period
    from tenbin.store.base import Store

NO_TRACE = "(refused before routing)"
EPOCH = dt.date(1970, 1, 1)


def policy_rule(trace: dict[str, Any] | None) -> str:
    """The rule (or route source) the *router* chose by. The stored ``rule`` is the final
    decision's, which a budget downgrade replaces by ``budget:<name>``; the router's own choice
    stays in ``source`` (``rule:<name>``, ``auto:<tier>``, ``client``, ``reroute(<source>)``)."""
    if not trace:
        return NO_TRACE
    source = str(trace.get("source") or "")
    inner = source[len("reroute("):-1] if source.startswith("reroute(") else source
    if inner.startswith("rule:"):
        return inner[len("rule:"):]
    if inner == "client":
        return "requested"
    return inner or str(trace.get("rule") or "-")


@dataclass(slots=True)
class RuleLine:
    rule: str
    requests: int = 0
    errors: int = 0
    downgraded: int = 0  # a budget replaced the rule's model
    rerouted: int = 0  # the rule's candidates were all set aside; reroute_to served
    cost_jpy_nanos: int = 0

    @property
    def cost_jpy(self) -> Decimal:
        return from_nanos(self.cost_jpy_nanos)

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "requests": self.requests, "errors": self.errors,
                "downgraded": self.downgraded, "rerouted": self.rerouted,
                "cost_jpy": str(self.cost_jpy)}


@dataclass(slots=True)
class RouteReport:
    requests: int = 0
    rules: dict[str, RuleLine] = field(default_factory=dict)
    tiers: Counter[str] = field(default_factory=Counter)  # the router's complexity tier
    models: Counter[str] = field(default_factory=Counter)  # served model ("-": none served)
    fallbacks: int = 0  # answered by a later model of the chain after an earlier one failed
    fallback_failed: int = 0  # every model of the chain failed
    causes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (failed model, error kind)
    fallback_days: Counter[dt.date] = field(default_factory=Counter)  # Tokyo day -> answered by a fallback
    served_by: Counter[str] = field(default_factory=Counter)  # model that answered after a failure
    downgrades: Counter[str] = field(default_factory=Counter)  # budget -> requests downgraded

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "rules": [ln.as_dict() for ln in sorted(self.rules.values(), key=lambda ln: (-ln.requests, ln.rule))],
            "tiers": dict(self.tiers.most_common()), "models": dict(self.models.most_common()),
            "fallbacks": {"answered": self.fallbacks, "all_failed": self.fallback_failed,
                          "causes": [{"model": m, "error": e, "attempts": n}
                                     for (m, e), n in sorted(self.causes.items(), key=lambda kv: (-kv[1], kv[0]))],
                          "served_by": dict(self.served_by.most_common()),
                          "by_day": {d.isoformat(): n for d, n in sorted(self.fallback_days.items())}},
            "downgrades": dict(self.downgrades.most_common()),
        }


#: The trace fields the report groups by, read in the database (JSON paths per dialect), so a
#: month of millions of rows is grouped there and never loaded into the process.
_FIELDS = {"source": ("$.source", "{source}"), "rule": ("$.rule", "{rule}"),
           "tier": ("$.complexity.tier", "{complexity,tier}"),
           "budget": ("$.budget_downgrade.budget", "{budget_downgrade,budget}")}


def _select(dialect: str) -> str:
    if dialect == "postgresql":
        fields = [f"(route::jsonb) #>> '{pg}' AS {name}" for name, (_, pg) in _FIELDS.items()]
        fields.append("((route::jsonb) -> 'failed')::text AS failed")
        day = "floor((ts_start + 32400) / 86400)::bigint"
    else:
        fields = [f"json_extract(route, '{lite}') AS {name}" for name, (lite, _) in _FIELDS.items()]
        fields.append("json_extract(route, '$.failed') AS failed")
        day = "CAST((ts_start + 32400) / 86400 AS INTEGER)"
    # the Tokyo day only matters for fallbacks: grouping every row by day would multiply the groups
    return (", ".join(fields) + ", route IS NOT NULL AS traced, status = 200 AS ok, served_model,"
            f" CASE WHEN route LIKE '%\"failed\"%' THEN {day} END AS day")


async def route_report(store: Store, period: Period, team: str | None = None) -> RouteReport:
    """Every ledger row of ``period`` (Tokyo calendar) of ``team`` (``None``: all teams)."""
    conds, params = ["ts_start >= ? AND ts_start < ?"], [period.start_ts, period.end_ts]  # type: list[str], list[Any]
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    sel = _select(store.dialect)
    groups = await store.query(
        f"SELECT {sel}, count(*) AS n, sum(cost_jpy_nanos) AS nanos FROM usage WHERE {' AND '.join(conds)}"
        " GROUP BY source, rule, tier, budget, failed, traced, ok, served_model, day", params)
    rep = RouteReport()
    for g in groups:
        n, ok = int(g["n"]), bool(g["ok"])
        rep.requests += n
        name = policy_rule({"source": g["source"], "rule": g["rule"]}) if g["traced"] else NO_TRACE
        line = rep.rules.get(name) or rep.rules.setdefault(name, RuleLine(name))
        line.requests += n
        line.errors += 0 if ok else n
        line.cost_jpy_nanos += int(g["nanos"] or 0)
        rep.models[g["served_model"] or "-"] += n
        if g["tier"]:
            rep.tiers[str(g["tier"])] += n
        if g["budget"] is not None:
            line.downgraded += n
            rep.downgrades[str(g["budget"])] += n
        if str(g["source"] or "").startswith("reroute("):
            line.rerouted += n
        failed = orjson.loads(g["failed"]) if g["failed"] else []
        for a in failed:
            rep.causes[(str(a.get("model")), str(a.get("error") or "-"))] += n
        if failed:
            if ok and g["served_model"]:
                rep.fallbacks += n
                rep.served_by[str(g["served_model"])] += n
                rep.fallback_days[EPOCH + dt.timedelta(days=int(g["day"]))] += n
            else:
                rep.fallback_failed += n
    return rep
