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

from tenbin.clock import TOKYO
from tenbin.ledger.record import from_nanos

if TYPE_CHECKING:
    from tenbin.finops.periods import Period
    from tenbin.store.base import Store

NO_TRACE = "(refused before routing)"


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


def _trace(raw: Any) -> dict[str, Any] | None:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, (str, bytes)) and raw:
        out = orjson.loads(raw)
        return out if isinstance(out, dict) else None
    return None


async def route_report(store: Store, period: Period, team: str | None = None) -> RouteReport:
    """Every ledger row of ``period`` (Tokyo calendar) of ``team`` (``None``: all teams)."""
    conds, params = ["ts_start >= ? AND ts_start < ?"], [period.start_ts, period.end_ts]  # type: list[str], list[Any]
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    rows = await store.query(
        "SELECT ts_start, status, served_model, cost_jpy_nanos, route FROM usage"
        f" WHERE {' AND '.join(conds)}", params)
    rep = RouteReport()
    for r in rows:
        trace = _trace(r["route"])
        ok = int(r["status"]) == 200
        rep.requests += 1
        name = policy_rule(trace)
        line = rep.rules.get(name) or rep.rules.setdefault(name, RuleLine(name))
        line.requests += 1
        line.errors += not ok
        line.cost_jpy_nanos += int(r["cost_jpy_nanos"] or 0)
        rep.models[r["served_model"] or "-"] += 1
        if trace is None:
            continue
        tier = (trace.get("complexity") or {}).get("tier")
        if tier:
            rep.tiers[str(tier)] += 1
        down = trace.get("budget_downgrade")
        if isinstance(down, dict):
            line.downgraded += 1
            rep.downgrades[str(down.get("budget") or "-")] += 1
        if str(trace.get("source") or "").startswith("reroute("):
            line.rerouted += 1
        failed = trace.get("failed") or []
        for a in failed:
            rep.causes[(str(a.get("model")), str(a.get("error") or "-"))] += 1
        if failed:
            if ok and r["served_model"]:
                rep.fallbacks += 1
                rep.served_by[str(r["served_model"])] += 1
                rep.fallback_days[dt.datetime.fromtimestamp(float(r["ts_start"]), TOKYO).date()] += 1
            else:
                rep.fallback_failed += 1
    return rep
