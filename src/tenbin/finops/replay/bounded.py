"""The what-if replay as a bounded read inside a running gateway (the console's vendor-risk page).

It is ``tenbin simulate``: the same scenario checks, the same request shapes, FX table and key
allow-lists, the same :func:`~tenbin.finops.replay.simulate.replay` — only limited, because a page
request must not hold a worker for minutes: at most one period of ``MAX_DAYS`` Tokyo days, at most
``max_shapes`` request shapes, and ``seconds`` of replay (checked between batches of 256 shapes),
run in a worker thread so the gateway's event loop keeps serving. A team's view replays that
team's requests only. Anything larger is for the CLI, which has no such limits.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from tenbin.catalog.catalog import Catalog
from tenbin.config.schema import Config
from tenbin.finops.fxstore import load_table
from tenbin.finops.periods import Period
from tenbin.finops.replay.scenario import Scenario, check_names
from tenbin.finops.replay.shapes import load_key_models, load_shapes
from tenbin.finops.replay.simulate import ReplayResult, replay, scenario_config, uses_weights
from tenbin.routing.schema import RoutingPolicy
from tenbin.store.base import Store

MAX_DAYS = 31


class ReplayTooLarge(Exception):
    """The replay would exceed a bound; the message says which and points at the CLI."""


@dataclass(frozen=True, slots=True)
class Bounds:
    max_shapes: int = 200_000
    seconds: float = 20.0


async def bounded_replay(store: Store, cfg: Config, catalog: Catalog, scenario: Scenario, period: Period,
                         team: str | None = None, bounds: Bounds = Bounds()) -> ReplayResult:
    """Replay ``period`` (``team``'s requests only, when given) under ``scenario``. Raises
    ``ValueError`` for a scenario naming nothing known, ``ReplayTooLarge`` past a bound."""
    days = len(period.days())
    if days > MAX_DAYS:
        raise ReplayTooLarge(f"{period.label} is {days} days; the console replays at most {MAX_DAYS} "
                             "(use `tenbin simulate --period` for longer)")
    cfg2, catalog2 = scenario_config(cfg, catalog, scenario)  # refused before the ledger is read
    check_names(scenario, cfg2, catalog2)
    per_request = uses_weights(RoutingPolicy.from_section(cfg.routing)) or uses_weights(
        RoutingPolicy.from_section(cfg2.routing))
    shapes = await load_shapes(store, period, per_request=per_request)
    if team is not None:
        shapes = [s for s in shapes if s.team == team]
    if len(shapes) > bounds.max_shapes:
        raise ReplayTooLarge(f"{len(shapes):,} request shapes in {period.label}; the console replays at most "
                             f"{bounds.max_shapes:,} (use `tenbin simulate`)")
    fx, keys = await load_table(store), await load_key_models(store)
    deadline = time.monotonic() + bounds.seconds

    def progress(_: int) -> None:
        if time.monotonic() > deadline:
            raise ReplayTooLarge(f"the replay of {period.label} took more than {bounds.seconds:g} s "
                                 "(use `tenbin simulate`)")

    return await asyncio.to_thread(replay, shapes, cfg, catalog, fx, scenario, progress, keys=keys)
