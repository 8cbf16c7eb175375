"""Replay request shapes through the routing with a scenario applied.

Each shape is decided again by the real router (``tenbin.routing.Router``) from the routing facts
the gateway recorded in its route trace (``routing/facts.py``) — never from a made-up prompt — so
with no scenario every request lands on the model that served it, at the cost the ledger shows.
What happened to the request at the time is replayed as recorded: models that failed on it or were
demoted (breaker open, provider unavailable) or at their RPM limit stay out of its chain, and a
budget downgrade is applied again when its target is still allowed. A scenario then changes only
what it changes: prices, FX, which models are up, or the policy.

Ledger rows written before the facts were recorded are decided from their metadata alone (data
class, average size) and counted as ``approximate``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import orjson

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.clock import ManualClock
from tenbin.config.schema import Config
from tenbin.context import Principal, RequestContext
from tenbin.errors import GatewayError
from tenbin.finops.periods import TOKYO
from tenbin.finops.replay.scenario import Scenario, check_names
from tenbin.finops.replay.shapes import Shape
from tenbin.fx import FxTable
from tenbin.ledger.record import from_nanos, to_nanos
from tenbin.providers.base import Availability, Provider
from tenbin.routing.classifier import RequestClassifier
from tenbin.routing.complexity import Complexity, tier_for
from tenbin.routing.facts import features_from
from tenbin.routing.router import Router
from tenbin.routing.schema import RoutingPolicy

DOMESTIC = ("JP", "on-prem")


@dataclass(frozen=True, slots=True)
class ReplayScan:
    """The part of a privacy scan routing reads once features are given: were there findings."""

    findings: tuple[str, ...]


class _Configured:
    """A configured provider as replayed routing sees it: up (what was down is in the trace)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def availability(self) -> Availability:
        return Availability(True)


class _NoLimit:
    """RPM limits are replayed from the trace, not re-counted."""

    def allowed(self, model_id: str, rpm: int) -> bool:
        return True

    def hit(self, model_id: str) -> None:
        return None


class _RecordedClass:
    """Stands in for the request classifier: replayed requests carry its recorded reading in
    their facts, so the router never calls it (and the learned model is not loaded per day)."""

    def classify(self, text: str, turns: int, scan: Any) -> Any:
        raise AssertionError("replayed requests are decided from recorded facts")


class _UnknownComplexity:
    """Asked only when the recorded facts have no tier (the policy in force did not need one):
    a what-if policy that does gets a mid score, and the shape is counted as approximate."""

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.asked = False

    def estimate(self, text: str, turns: int) -> Complexity:
        self.asked = True
        score = self.threshold * 0.75
        return Complexity(score, tier_for(score, self.threshold))


@dataclass(slots=True)
class UseCaseLine:
    requests: int = 0
    baseline_jpy: Decimal = Decimal(0)
    scenario_jpy: Decimal = Decimal(0)
    moved: int = 0
    gaps: int = 0

    @property
    def delta_jpy(self) -> Decimal:
        return self.scenario_jpy - self.baseline_jpy


@dataclass(slots=True)
class ReplayResult:
    scenario: list[str]
    rows: int = 0
    shapes: int = 0
    decisions: int = 0
    approximate: int = 0  # requests decided without recorded facts (older rows) or with a guessed tier
    seconds: float = 0.0
    baseline_jpy: Decimal = Decimal(0)
    scenario_jpy: Decimal = Decimal(0)
    gap_baseline_jpy: Decimal = Decimal(0)  # ledger cost of the requests that have no model after
    tokens: int = 0
    domestic_tokens_before: int = 0
    domestic_tokens_after: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to) → requests
    move_cost: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (from, to) → ¥ delta
    gaps: Counter[tuple[str, str]] = field(default_factory=Counter)  # (requested model, reason) → requests
    alternatives: dict[tuple[str, str], set[str]] = field(default_factory=dict)  # gap → compliant models up
    use_cases: dict[str, UseCaseLine] = field(default_factory=dict)
    use_case_moves: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (use case, from, to)
    unevaluable: list[str] = field(default_factory=list)  # what-if conditions the recorded facts cannot answer

    @property
    def delta_jpy(self) -> Decimal:
        return self.scenario_jpy - self.baseline_jpy

    @property
    def refused(self) -> int:
        return sum(self.gaps.values())

    @property
    def moved(self) -> int:
        return sum(self.moves.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def japan_share(self, after: bool) -> Decimal:
        n = self.domestic_tokens_after if after else self.domestic_tokens_before
        return Decimal(n) / self.tokens if self.tokens else Decimal(0)


def scenario_config(cfg: Config, catalog: Catalog, scenario: Scenario) -> tuple[Config, Catalog]:
    if scenario.policy:
        merged = cfg.model_dump(mode="python")
        merged.update(scenario.policy)
        cfg = Config.model_validate(merged)
        if "models" in scenario.policy:
            catalog = catalog.replace(cfg.models)
    return cfg, scenario.apply_prices(catalog)


def uses_weights(policy: RoutingPolicy) -> bool:
    targets = [*policy.rules, *policy.aliases.values(), *policy.tiers.values()]
    return any(t.objective == "weighted" for t in targets)


def _needles(policy: RoutingPolicy) -> set[str]:
    return {n.lower() for m in [*(r.when for r in policy.rules), *(c.when for c in policy.constraints)]
            for n in m.prompt_contains or ()}


class _Replayer:
    def __init__(self, cfg: Config, catalog: Catalog, fx: FxTable, scenario: Scenario,
                 keys: Mapping[str, tuple[str, ...] | None], served: set[str]) -> None:
        self.cfg, self.catalog, self.fx, self.scenario, self.keys = cfg, catalog, fx, scenario, keys
        self.policy = RoutingPolicy.from_section(cfg.routing)
        self.estimator = _UnknownComplexity(self.policy.threshold)
        # Configured: in the config, or it served a request in the period (so it was configured then).
        self.by_id = {m.id: m for m in catalog}
        names = set(cfg.providers) | {self.by_id[m].provider for m in served if m in self.by_id}
        self.providers: dict[str, _Configured] | None = {n: _Configured(n) for n in sorted(names)}
        # Alternatives named for a gap: models of providers that served traffic in the period.
        self.live = {self.by_id[m].provider for m in served if m in self.by_id}
        self.routers: dict[dt.date, Router] = {}
        self.cache: dict[tuple[Any, ...], tuple[list[str] | None, dict[str, Any], str, bool]] = {}
        # Sizes decide a request only through size conditions, "cheapest" ranking and context
        # windows; without the first two, shapes that fit the same windows decide alike.
        p = self.policy
        whens = [*(r.when for r in p.rules), *(c.when for c in p.constraints)]
        targets = [*p.rules, *p.aliases.values(), *p.tiers.values()]
        self.exact_sizes = (any(m.tokens or m.chars or m.context_needed for m in whens)
                            or any(t.objective == "cheapest" for t in targets))
        self.windows = sorted({m.context_window for m in catalog})
        # A weighted A/B split hashes the request id: only requests routed by one are decided alone
        # (any request may be under a what-if policy that changes the rules).
        self.weighted: set[str] | None = None if scenario.policy and "routing" in scenario.policy else {
            *(f"rule:{r.name}" for r in p.rules if r.objective == "weighted"),
            *(f"alias:{k}" for k, t in p.aliases.items() if t.objective == "weighted"),
            *(f"auto:{k}" for k, t in p.tiers.items() if t.objective == "weighted")}

    def router(self, day: dt.date) -> Router:
        r = self.routers.get(day)
        if r is None:  # cheapest-first ranking uses the prices in force on the request's day
            noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=TOKYO)
            providers = cast("Mapping[str, Provider] | None", self.providers)
            r = self.routers[day] = Router(self.cfg, self.catalog, providers=providers, limiter=_NoLimit(),
                                           estimator=self.estimator, policy=self.policy, clock=ManualClock(noon),
                                           classifier=cast("RequestClassifier", _RecordedClass()))
        return r

    def decide(self, s: Shape) -> tuple[list[str] | None, dict[str, Any], str, bool]:
        """(chain or None, trace, refusal reason, approximate) for the shape, cached by its facts."""
        facts = s.facts
        route = s.route or {}
        approx = facts is None
        if facts is None:  # a row from before facts were recorded: its metadata is all there is
            n = max(s.requests, 1)
            dc = s.data_class or self.policy.unscanned_as.name.lower()
            tokens = s.prompt_tokens // n
            facts = {"class": dc, "chars": tokens, "tokens": tokens, "turns": 1,
                     "max_output": s.completion_tokens // n, **({} if s.data_class else {"unscanned": True})}
        cx = route.get("complexity")
        complexity = (float(cx["score"]), str(cx["tier"])) if isinstance(cx, dict) and "tier" in cx else None
        if self.exact_sizes:
            size_key: Any = None
            fkey = facts
        else:
            need = int(facts.get("tokens", 0)) + int(facts.get("max_output", 0))
            size_key = tuple(need > w for w in self.windows)
            fkey = {k: v for k, v in facts.items() if k not in ("chars", "tokens", "max_output")}
        rid_key = s.request_id if self.weighted is None or route.get("source") in self.weighted else None
        key = (s.day, s.team, s.project, s.key_id, s.use_case, s.requested_model, rid_key,
               orjson.dumps(fkey, option=orjson.OPT_SORT_KEYS), size_key, complexity)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        rid = s.request_id or "replay"
        f = features_from(facts, team=s.team, project=s.project, key_id=s.key_id, use_case=s.use_case,
                          model=s.requested_model, request_id=rid, complexity=complexity)
        principal = Principal(s.key_id, s.team, s.project, allowed_models=self.keys.get(s.key_id))
        ctx = RequestContext(request_id=rid, principal=principal, body={"model": s.requested_model, "messages": []},
                             requested_model=s.requested_model, stream=False, use_case=s.use_case)
        scan = None if facts.get("unscanned") else ReplayScan(tuple(facts.get("labels") or ()))
        trace: dict[str, Any] = {}
        self.estimator.asked = False
        try:
            d = self.router(s.day).decide(ctx, scan, trace=trace, features=f)
            out: tuple[list[str] | None, dict[str, Any], str, bool] = (
                [m.id for m in d.chain], d.trace, "", approx or self.estimator.asked)
        except GatewayError as e:
            out = (None, trace, f"refused: {e.code or e.type}", approx or self.estimator.asked)
        self.cache[key] = out
        return out

    def chain_for(self, s: Shape, chain: list[str], trace: dict[str, Any]) -> tuple[list[str] | None, str]:
        """The decided chain with what happened to this request at the time applied."""
        route = s.route or {}
        bd = route.get("budget_downgrade")
        if isinstance(bd, dict) and bd.get("to"):
            chain_or_gap = self._downgrade(chain, bd, trace, s)
            if isinstance(chain_or_gap, str):
                return None, chain_or_gap
            chain = chain_or_gap
        demoted = set(route.get("demoted") or ())
        if demoted:
            chain = [m for m in chain if m not in demoted] + [m for m in chain if m in demoted]
        gone = {a.get("model") for a in route.get("failed") or () if isinstance(a, dict)}
        gone |= {m for m, why in route.get("rejected") or () if str(why).endswith("rpm limit")}
        return [m for m in chain if m not in gone], ""

    def _downgrade(self, chain: list[str], bd: dict[str, Any], trace: dict[str, Any], s: Shape) -> list[str] | str:
        """The recorded budget downgrade, applied as the budget guard does (finops/budgets/guard.py)."""
        target = self.by_id.get(str(bd["to"]))
        first = self.by_id.get(chain[0]) if chain else None
        if target is None or first is None:
            return f"budget `{bd.get('budget')}` blocks: downgrade target {bd['to']} not in the catalog"
        if target.id == first.id:
            return chain
        allowed = self.keys.get(s.key_id)
        eligible = trace.get("eligible")
        if ((allowed is not None and target.id not in allowed) or (first.domestic and not target.domestic)
                or (isinstance(eligible, list) and target.id not in eligible)):
            return f"budget `{bd.get('budget')}` blocks: downgrade to {target.id} not allowed"
        kept = set(bd.get("kept") or ())
        recorded = set(route_chain(s.route or {}))
        facts = s.facts or {}
        # the output the guard reserved (recorded since reservations use the learned p95), else as before
        tokens = int(facts.get("tokens", 0))
        out = int(bd.get("output_tokens") or 0) or int(facts.get("max_output", 0)) or 4096

        def cap(m: ModelSpec) -> Decimal:
            p = m.price_at(s.day)
            return (tokens * p.input + out * p.output) * (self.fx.rate(p.currency, s.day) or 0)

        fallbacks = [m for m in chain[1:] if m != target.id
                     and (m in kept or (m not in recorded and cap(self.by_id[m]) <= cap(target)))]
        return [target.id, *fallbacks]

    def price(self, model: ModelSpec, s: Shape) -> Decimal:
        p = model.price_at(s.day)
        cost = p.cost(s.prompt_tokens, s.completion_tokens, s.cached_tokens, s.cache_write_tokens)
        ccy = p.currency.upper()
        rate: Decimal | None
        if ccy in self.scenario.fx:
            rate = self.scenario.fx[ccy]
        elif ccy == "JPY":
            rate = Decimal(1)
        elif (s.currency or "").upper() == ccy and s.fx_rate:
            rate = Decimal(s.fx_rate)  # the rate the request was priced at, even if restated since
        else:
            rate = self.fx.rate(ccy, s.day)
        return from_nanos(to_nanos(cost * rate)) if rate is not None else Decimal(0)

    def repriced(self, model: ModelSpec, s: Shape) -> bool:
        sc = self.scenario
        if model.id in sc.price_changes or model.provider in sc.price_changes:
            return True
        if sc.policy and "models" in sc.policy:
            return True
        return bool(sc.fx) and model.price_at(s.day).currency.upper() in sc.fx


def route_chain(route: dict[str, Any]) -> list[str]:
    """Every model the recorded decision named: chosen, failed, demoted, rejected."""
    out = [str(route["chosen"])] if route.get("chosen") else []
    out += [str(a.get("model")) for a in route.get("failed") or () if isinstance(a, dict)]
    out += [str(m) for m in route.get("demoted") or ()]
    return out


def replay(shapes: list[Shape], cfg: Config, catalog: Catalog, fx: FxTable, scenario: Scenario,
           progress: Callable[[int], None] | None = None,
           keys: Mapping[str, tuple[str, ...] | None] | None = None) -> ReplayResult:
    t0 = time.perf_counter()
    cfg2, catalog2 = scenario_config(cfg, catalog, scenario)
    check_names(scenario, cfg2, catalog2)
    rp = _Replayer(cfg2, catalog2, fx, scenario, keys or {}, {s.served_model for s in shapes})
    res = ReplayResult(scenario.describe(), shapes=len(shapes))
    if scenario.policy and "routing" in scenario.policy:
        new = _needles(rp.policy) - _needles(RoutingPolicy.from_section(cfg.routing))
        if new:
            res.unevaluable.append("prompt_contains " + ", ".join(sorted(new)) + ": not in the policy the requests"
                                   " were recorded under; prompt text is not stored, so these match nothing")
    for i, s in enumerate(shapes):
        if progress is not None and i and i % 256 == 0:
            progress(256)
        chain, trace, reason, approx = rp.decide(s)
        if chain is not None:
            chain, reason = rp.chain_for(s, chain, trace)
        chosen: ModelSpec | None = None
        for mid in chain or ():
            m = rp.by_id[mid]
            if not scenario.down(m):
                chosen = m
                break
        if chain is not None and chosen is None and not reason:
            reason = "every model in the chain is down" if chain else "every model in the chain failed"
        uc = res.use_cases.setdefault(s.use_case or "", UseCaseLine())
        res.rows += s.requests
        uc.requests += s.requests
        res.tokens += s.tokens
        if approx:
            res.approximate += s.requests
        before = from_nanos(s.cost_jpy_nanos)
        res.baseline_jpy += before
        uc.baseline_jpy += before
        if s.region in DOMESTIC:
            res.domestic_tokens_before += s.tokens
        if chosen is None:
            gap = (s.requested_model, reason)
            res.gaps[gap] += s.requests
            res.gap_baseline_jpy += before
            uc.gaps += s.requests
            alts = res.alternatives.setdefault(gap, set())
            eligible = trace.get("eligible")
            pool = eligible if isinstance(eligible, list) else [m.id for m in catalog2]
            allowed = rp.keys.get(s.key_id)
            alts.update(m for m in pool if m in rp.by_id and not scenario.down(rp.by_id[m])
                        and rp.by_id[m].provider in rp.live
                        and (allowed is None or m in allowed))
            continue
        unchanged = chosen.id == s.served_model and not rp.repriced(chosen, s)
        after = before if unchanged else rp.price(chosen, s)
        res.scenario_jpy += after
        uc.scenario_jpy += after
        if chosen.domestic:
            res.domestic_tokens_after += s.tokens
        if chosen.id != s.served_model:
            mv = (s.served_model, chosen.id)
            res.moves[mv] += s.requests
            res.move_cost[mv] = res.move_cost.get(mv, Decimal(0)) + after - before
            uc.moved += s.requests
            res.use_case_moves[(s.use_case or "", *mv)] += s.requests
    if progress is not None and shapes:
        progress(len(shapes) - (len(shapes) - 1) // 256 * 256)
    res.decisions = len(rp.cache)
    res.seconds = time.perf_counter() - t0
    return res
