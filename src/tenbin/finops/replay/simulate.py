"""Replay request shapes through the routing with a scenario applied.

The router is the real one (``tenbin.routing.Router``) called with a metadata-only context built
here: the ledger has token counts, data class, team, key, use case and the requested model but no
prompt text, so the prompt is a neutral filler of the right token length. Decisions are cached by
routing-relevant shape, so a month of ledger rows costs a few thousand ``decide`` calls.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.config.schema import Config
from tenbin.context import Principal, RequestContext, Usage
from tenbin.errors import GatewayError
from tenbin.finops.fx import FxTable, restated
from tenbin.finops.pricing import Pricer
from tenbin.finops.replay.scenario import Scenario
from tenbin.finops.replay.shapes import Shape
from tenbin.ledger.record import from_nanos
from tenbin.privacy.classes import DataClass
from tenbin.routing.router import Router

DOMESTIC = ("JP", "on-prem")
FILLER = "〇"  # one token per character in every tokenizer we price, and matches no routing keyword


@dataclass(frozen=True, slots=True)
class ReplayScan:
    """The part of a privacy scan routing reads, rebuilt from the ledger's data class."""

    data_class: DataClass
    classes: frozenset[DataClass]
    findings: tuple[Any, ...] = ()


def _bucket(n: int) -> int:
    """Round a token count down to a quarter-octave step (at most 20% below): routing cares about
    size classes, not exact counts, and rounding down never invents a context-window overflow for
    requests the ledger shows were served."""
    if n <= 0:
        return 0
    base = 1 << (n.bit_length() - 1)
    step = max(base // 4, 1)
    return base + (n - base) // step * step


def synthetic_request(shape: Shape) -> tuple[RequestContext, ReplayScan | None]:
    prompt = _bucket(shape.prompt_tokens // max(shape.requests, 1))
    out = _bucket(shape.completion_tokens // max(shape.requests, 1))
    body: dict[str, Any] = {"model": shape.requested_model,
                            "messages": [{"role": "user", "content": FILLER * min(prompt, 400_000)}]}
    if out:
        body["max_tokens"] = out
    ctx = RequestContext(request_id="replay", principal=Principal(shape.key_id, shape.team, shape.project),
                         body=body, requested_model=shape.requested_model, stream=False, use_case=shape.use_case)
    scan = None
    if shape.data_class is not None:
        raw = shape.data_class
        dc = DataClass(int(raw)) if raw.lstrip("-").isdigit() else DataClass[raw.upper()]
        scan = ReplayScan(dc, frozenset({dc}))
    return ctx, scan


@dataclass(slots=True)
class ReplayResult:
    scenario: list[str]
    rows: int = 0
    shapes: int = 0
    decisions: int = 0
    seconds: float = 0.0
    baseline_jpy: Decimal = Decimal(0)
    scenario_jpy: Decimal = Decimal(0)
    tokens: int = 0
    domestic_tokens_before: int = 0
    domestic_tokens_after: int = 0
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)  # (from, to) → requests
    move_cost: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (from, to) → ¥ delta
    gaps: Counter[tuple[str, str]] = field(default_factory=Counter)  # (requested model, reason) → requests

    @property
    def delta_jpy(self) -> Decimal:
        return self.scenario_jpy - self.baseline_jpy

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


def replay(shapes: list[Shape], cfg: Config, catalog: Catalog, fx: FxTable, scenario: Scenario,
           progress: Callable[[int], None] | None = None) -> ReplayResult:
    t0 = time.perf_counter()
    cfg2, catalog2 = scenario_config(cfg, catalog, scenario)
    router = Router(cfg2, catalog2)
    pricer = Pricer(restated(fx, scenario.fx) if scenario.fx else fx)
    res = ReplayResult(scenario.describe(), shapes=len(shapes))
    cache: dict[tuple[Any, ...], tuple[ModelSpec | None, str]] = {}
    for i, s in enumerate(shapes):
        if progress is not None and i and i % 256 == 0:
            progress(256)
        key = (s.team, s.project, s.key_id, s.use_case, s.requested_model, s.data_class,
               _bucket(s.prompt_tokens // max(s.requests, 1)), _bucket(s.completion_tokens // max(s.requests, 1)))
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = _decide(router, s, scenario)
        chosen, reason = hit
        res.rows += s.requests
        res.tokens += s.tokens
        before = from_nanos(s.cost_jpy_nanos)
        res.baseline_jpy += before
        if s.region in DOMESTIC:
            res.domestic_tokens_before += s.tokens
        if chosen is None:
            res.gaps[(s.requested_model, reason)] += s.requests
            continue
        usage = Usage(s.prompt_tokens, s.completion_tokens, s.cached_tokens, True)
        after = from_nanos(pricer.price(chosen, usage, s.day).cost_jpy_nanos)
        res.scenario_jpy += after
        if chosen.domestic:
            res.domestic_tokens_after += s.tokens
        if chosen.id != s.served_model:
            mv = (s.served_model, chosen.id)
            res.moves[mv] += s.requests
            res.move_cost[mv] = res.move_cost.get(mv, Decimal(0)) + after - before
    if progress is not None and shapes:
        progress(len(shapes) - (len(shapes) - 1) // 256 * 256)
    res.decisions = len(cache)
    res.seconds = time.perf_counter() - t0
    return res


def _decide(router: Router, s: Shape, scenario: Scenario) -> tuple[ModelSpec | None, str]:
    ctx, scan = synthetic_request(s)
    try:
        decision = router.decide(ctx, scan)
    except GatewayError as e:
        return None, f"refused: {e.code or e.type}"
    for m in decision.chain:
        if not scenario.down(m):
            return m, ""
    return None, "every model in the chain is down"
