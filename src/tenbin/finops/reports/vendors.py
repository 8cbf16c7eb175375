"""Vendor risk: how concentrated the spend is on few vendors, and how much of the traffic could
leave a vendor without breaking the routing policy's sovereignty constraints ("exit readiness").

Both read the cost report (:func:`tenbin.finops.reports.costs.cost_report`) grouped by team,
project, key, use case, provider, served model and data class, so every yen here adds up to
``tenbin costs --by provider`` (self-hosted charge-back included, as there). A *vendor* is the
catalog's ``provider``, the name the vendor register (``governance.vendors``) is keyed by.

**Concentration** is each vendor's share of spend and of requests, and the Herfindahl–Hirschman
index: the sum of the squared percentage shares, 0..10,000 (one vendor: 10,000). The bands are
those of the 2023 US Merger Guidelines: above 1,800 highly concentrated, 1,000–1,800 moderately.

**Exit readiness**: the traffic a team's use case sent to vendor V is *ready* when at least one
configured model of another vendor (and of the same kind: chat or embedding) complies with the
sovereignty constraints of the current policy for every data class that use case actually sent
in the period. A constraint binds a group of requests when its ``when`` holds for the group's
team, project, key, use case and data class; conditions on a request's content (labels, sizes,
tags, text, model asked for) cannot be read from the ledger and are taken to hold, and a
constraint waived for masked requests (``unless_masked``) still binds — an alternative must be
able to take the data as it is, unmasked. Both make the figure a lower bound: it never counts
traffic as movable that the policy could refuse to move.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.config.schema import Config
from tenbin.finops.config import SelfHosted
from tenbin.finops.periods import Period
from tenbin.finops.reports.costs import cost_report
from tenbin.privacy.classes import DataClass
from tenbin.routing.constraints import violation
from tenbin.routing.schema import Constraint, RoutingPolicy
from tenbin.store.base import Store

#: The cost report's dimensions a vendor-risk line is made of, in this order.
DIMS = ["team", "project", "key", "use-case", "provider", "model", "data-class"]
NONE = "-"  # how the cost report names an empty dimension (no use case, no provider, unscanned)
#: HHI bands (2023 US Merger Guidelines, on percentage shares).
HIGH_HHI = 1800
MODERATE_HHI = 1000


@dataclass(frozen=True, slots=True)
class UsageLine:
    """One cost-report line at the finest grouping vendor risk needs."""

    team: str
    project: str
    key_id: str
    use_case: str  # "-" when the request carried none
    provider: str  # "-" when no vendor was reached (refused before routing, budget block)
    model: str
    data_class: str  # lower-case class name, "-" when unscanned
    requests: int
    cost_jpy: Decimal


async def usage_lines(store: Store, period: Period, team: str | None = None,
                      self_hosted: dict[str, SelfHosted] | None = None) -> list[UsageLine]:
    """The period's cost-report lines, only ``team``'s when given (the caller's read scope)."""
    report = await cost_report(store, period, DIMS, self_hosted=self_hosted)
    out = [UsageLine(k[0], k[1], k[2], k[3], k[4], k[5], k[6], ln.requests, ln.cost_jpy)
           for ln in report.lines if (k := ln.key)]
    return [ln for ln in out if team is None or ln.team == team]


# ---- concentration -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class VendorShare:
    provider: str
    requests: int
    cost_jpy: Decimal
    request_share: Decimal  # 0..1
    cost_share: Decimal  # 0..1


@dataclass(frozen=True, slots=True)
class Concentration:
    vendors: list[VendorShare]  # by spend, largest first
    requests: int
    cost_jpy: Decimal
    hhi: Decimal  # of spend shares, 0..10,000 (0 when nothing was spent)
    hhi_requests: Decimal  # of request shares

    @property
    def band(self) -> str:
        """``high``, ``moderate`` or ``low`` concentration of spend."""
        return "high" if self.hhi > HIGH_HHI else "moderate" if self.hhi >= MODERATE_HHI else "low"


def hhi(shares: Iterable[Decimal]) -> Decimal:
    """Herfindahl–Hirschman index of fractional shares (summing to 1), on the 0..10,000 scale."""
    return sum(((s * 100) ** 2 for s in shares), Decimal(0))


def concentration(lines: Iterable[UsageLine]) -> Concentration:
    """Spend and requests per vendor; lines that reached no vendor are not a vendor's."""
    req: dict[str, int] = {}
    cost: dict[str, Decimal] = {}
    for ln in lines:
        if ln.provider == NONE:
            continue
        req[ln.provider] = req.get(ln.provider, 0) + ln.requests
        cost[ln.provider] = cost.get(ln.provider, Decimal(0)) + ln.cost_jpy
    total_req = sum(req.values())
    total_cost = sum(cost.values(), Decimal(0))
    vendors = [VendorShare(p, req[p], cost[p],
                           Decimal(req[p]) / total_req if total_req else Decimal(0),
                           cost[p] / total_cost if total_cost else Decimal(0))
               for p in sorted(req, key=lambda p: (-cost[p], -req[p], p))]
    return Concentration(vendors, total_req, total_cost,
                         hhi(v.cost_share for v in vendors) if total_cost else Decimal(0),
                         hhi(v.request_share for v in vendors) if total_req else Decimal(0))


# ---- exit readiness ----------------------------------------------------------------------------

def callable_providers(cfg: Config) -> set[str]:
    """The providers the gateway can call: configured, and not missing their key."""
    return {name for name, p in cfg.providers.items() if not p.missing_secret}


def _data_class(name: str, policy: RoutingPolicy) -> DataClass:
    if name in (NONE, ""):
        return policy.unscanned_as  # the gateway routed unscanned requests as this class
    try:
        return DataClass[name.upper()]
    except KeyError:
        return DataClass.SPECIAL_CARE  # a class this version does not know: the strictest reading


def binds(c: Constraint, ln: UsageLine, dc: DataClass) -> bool:
    """Does constraint ``c`` bind requests like ``ln``'s? Conditions the ledger cannot answer
    (content labels, sizes, tags, text, the model asked for) are taken to hold."""
    w = c.when
    use_case = None if ln.use_case == NONE else ln.use_case
    for values, v in ((w.team, ln.team), (w.project, ln.project), (w.key_id, ln.key_id), (w.use_case, use_case)):
        if values is not None and v not in values:
            return False
    if w.data_class is not None and dc not in w.data_class:
        return False
    return w.min_data_class is None or dc >= w.min_data_class


def compliant(policy: RoutingPolicy, models: Iterable[ModelSpec], ln: UsageLine) -> frozenset[str]:
    """The models every constraint binding ``ln``'s requests allows (unless_masked counted)."""
    dc = _data_class(ln.data_class, policy)
    rules = [c.require for c in policy.constraints if binds(c, ln, dc)]
    return frozenset(m.id for m in models if all(violation(r, m) is None for r in rules))


@dataclass(slots=True)
class ExitLine:
    """One team's use case on one vendor: its traffic and whether another vendor could take it."""

    team: str
    use_case: str
    provider: str
    requests: int = 0
    cost_jpy: Decimal = Decimal(0)
    data_classes: set[str] = field(default_factory=set)  # every class the use case sent (all vendors)
    kinds: set[str] = field(default_factory=set)  # chat / embedding: the kinds of model it used here
    alternatives: list[str] = field(default_factory=list)  # compliant models of other vendors, those kinds
    ready: bool = False  # an alternative of every kind it used


@dataclass(frozen=True, slots=True)
class ExitReadiness:
    lines: list[ExitLine]  # by spend, largest first
    requests: int
    cost_jpy: Decimal
    ready_requests: int
    ready_cost_jpy: Decimal

    @property
    def request_share(self) -> Decimal:
        return Decimal(self.ready_requests) / self.requests if self.requests else Decimal(0)

    @property
    def cost_share(self) -> Decimal:
        return self.ready_cost_jpy / self.cost_jpy if self.cost_jpy else Decimal(0)

    def by_vendor(self) -> dict[str, tuple[int, int, Decimal, Decimal]]:
        """provider → (requests, ready requests, spend, ready spend)."""
        out: dict[str, tuple[int, int, Decimal, Decimal]] = {}
        for ln in self.lines:
            n, rn, c, rc = out.get(ln.provider, (0, 0, Decimal(0), Decimal(0)))
            out[ln.provider] = (n + ln.requests, rn + ln.requests * ln.ready, c + ln.cost_jpy,
                                rc + (ln.cost_jpy if ln.ready else Decimal(0)))
        return out


def exit_readiness(lines: Iterable[UsageLine], policy: RoutingPolicy, catalog: Catalog,
                   configured: Iterable[str]) -> ExitReadiness:
    """Exit readiness of every (team, use case, vendor) with traffic in ``lines`` under ``policy``.

    ``configured`` names the providers the gateway can call (the config's ``providers`` whose key
    is set, :func:`callable_providers`): a model of a vendor without a contract is no alternative."""
    lines = [ln for ln in lines if ln.provider != NONE]
    callable_ = set(configured)
    kinds = {m.id: m.kind for m in catalog}
    # Per team and use case: the models compliant for every group of requests it sent, per kind.
    allowed: dict[tuple[str, str], frozenset[str]] = {}
    classes: dict[tuple[str, str], set[str]] = {}
    models = [m for m in catalog if m.provider in callable_]
    memo: dict[tuple[str, str, str, str, str], frozenset[str]] = {}
    for ln in lines:
        unit = (ln.team, ln.use_case)
        gkey = (ln.team, ln.project, ln.key_id, ln.use_case, ln.data_class)
        ok = memo.get(gkey)
        if ok is None:
            ok = memo[gkey] = compliant(policy, models, ln)
        allowed[unit] = allowed[unit] & ok if unit in allowed else ok
        classes.setdefault(unit, set()).add(ln.data_class)
    by_provider = {m.id: m.provider for m in catalog}
    out: dict[tuple[str, str, str], ExitLine] = {}
    for ln in lines:
        k = (ln.team, ln.use_case, ln.provider)
        e = out.get(k) or out.setdefault(k, ExitLine(ln.team, ln.use_case, ln.provider))
        e.requests += ln.requests
        e.cost_jpy += ln.cost_jpy
        e.kinds.add(kinds.get(ln.model, "chat"))
    for e in out.values():
        unit = (e.team, e.use_case)
        e.data_classes = classes[unit]
        e.alternatives = sorted(m for m in allowed[unit] if by_provider[m] != e.provider and kinds[m] in e.kinds)
        e.ready = all(any(kinds[m] == kind for m in e.alternatives) for kind in e.kinds)
    ordered = sorted(out.values(), key=lambda e: (-e.cost_jpy, -e.requests, e.team, e.use_case, e.provider))
    return ExitReadiness(ordered, sum(e.requests for e in ordered), sum((e.cost_jpy for e in ordered), Decimal(0)),
                         sum(e.requests for e in ordered if e.ready),
                         sum((e.cost_jpy for e in ordered if e.ready), Decimal(0)))
