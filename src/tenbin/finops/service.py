"""FinOps inside a running gateway: the Pricer with store-backed FX rates, the budget guard, and a
background refresh so ``tenbin fx set`` / ``tenbin budgets set`` take effect without a restart
(one query per refresh, never one per request). The refresh also stores the budget action counts
and, every ``estimate_refresh_s``, re-learns the output-token percentiles reservations use."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from tenbin.catalog.catalog import Catalog
from tenbin.clock import SYSTEM, Clock
from tenbin.finops.budgets.alerts import Alerter
from tenbin.finops.budgets.estimate import recent_outputs
from tenbin.finops.budgets.guard import LedgerGuard
from tenbin.finops.budgets.ledger import BudgetLedger, MemoryBudgetLedger
from tenbin.finops.budgets.rules import Compiled, compile_rules, merge, spend_so_far, split_bucket, stored_rules
from tenbin.finops.budgets.status import status_rows, stored_events
from tenbin.finops.config import BudgetRule, FinOpsConfig
from tenbin.finops.fxstore import load_table
from tenbin.finops.pricing import Pricer
from tenbin.store.base import Store

log = logging.getLogger("tenbin.finops")


@dataclass(frozen=True, slots=True)
class Prepared:
    """A refresh read but not yet in force (``FinOps.prepare`` → ``apply``)."""

    fx: Any  # the FX table load_table returns
    rules: list[BudgetRule]
    compiled: list[Compiled]
    passed: list[tuple[Compiled, str, int]]  # (budget, bucket, spend) past thresholds to announce


class FinOps:
    def __init__(self, cfg: FinOpsConfig, catalog: Catalog, store: Store,
                 ledger: BudgetLedger | None = None, clock: Clock = SYSTEM) -> None:
        self.cfg, self.catalog, self.store, self.clock = cfg, catalog, store, clock
        self.pricer = Pricer()
        self.alerter = Alerter(store, clock)
        self.guard = LedgerGuard(ledger or MemoryBudgetLedger(), self.pricer, catalog, self.alerter, [],
                                 cfg.default_max_output_tokens)
        self._rules: list[BudgetRule] = []
        self._learned_at: float | None = None  # monotonic time of the last percentile refresh
        self._task: asyncio.Task[None] | None = None
        for r in cfg.budgets:
            self._check_rule(r)

    def _check_rule(self, r: BudgetRule) -> None:
        if r.downgrade_to and r.downgrade_to not in self.catalog:
            raise ValueError(f"finops.budgets.{r.name}.downgrade_to: unknown model {r.downgrade_to!r}")

    async def start(self) -> None:
        await self.alerter.load()
        await self.refresh()
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="finops-refresh")

    @property
    def rules(self) -> list[BudgetRule]:
        """Every budget in force: config ones, then those stored with ``tenbin budgets set``."""
        return self._rules

    def config_budget(self, name: str) -> bool:
        return any(r.name == name for r in self.cfg.budgets)

    async def prepare(self, cfg: FinOpsConfig | None = None, catalog: Catalog | None = None) -> Prepared:
        """Everything a refresh reads (FX table, config and stored budgets, the spend new budgets
        start from), without changing what requests see: ``apply`` swaps it in without awaiting,
        so a config reload can swap budgets and FX in the same instant as the policy."""
        cfg, catalog = cfg or self.cfg, catalog or self.catalog
        fx = await load_table(self.store)
        rules = merge(cfg.budgets, await stored_rules(self.store))
        known = {r.name: r for r in self._rules}
        fresh = [r for r in rules if known.get(r.name) != r]
        for r in fresh:  # said once per new or changed rule, not on every refresh
            if r.downgrade_to and r.downgrade_to not in catalog:
                log.error("budget %s: downgrade_to %r is not in the catalog; it will block instead",
                          r.name, r.downgrade_to)
        compiled = compile_rules(rules)
        passed: list[tuple[Compiled, str, int]] = []
        if fresh:  # new rules start from the spend already in the usage table
            have = await self.guard.ledger.snapshot()
            spent = await spend_so_far(self.store, fresh, self.clock.now().timestamp())
            # seeding buckets no rule in force uses yet changes nothing a request sees
            await self.guard.ledger.seed({b: n for b, n in spent.items() if b not in have})
            by_name = {c.rule.name: c for c in compiled}
            for b, n in spent.items():
                c = by_name.get(split_bucket(b)[0])
                if c is not None:
                    passed.append((c, b, max(n, have.get(b, (0, 0))[0])))
        return Prepared(fx, rules, compiled, passed)

    def apply(self, p: Prepared) -> None:
        self.pricer.fx = p.fx  # swap, never mutate: in-flight pricing is stable
        self._rules = p.rules
        self.guard.set_rules(p.compiled)

    async def announce(self, p: Prepared) -> None:
        """After ``apply``: thresholds already passed when a budget appears are sent once."""
        for c, bucket, spent in p.passed:
            self.alerter.passed(c, bucket, spent)
        await self.alerter.flush()
        if self._learned_at is None or time.monotonic() - self._learned_at >= self.cfg.estimate_refresh_s:
            await self.learn()

    async def refresh(self) -> None:
        p = await self.prepare()
        self.apply(p)
        await self.announce(p)

    async def status(self, team: str | None = None) -> list[dict[str, Any]]:
        """Every budget's standing this period (``budgets.status``), from the live counters (settled
        and held) and the stored events of every replica."""
        await self.alerter.flush()
        now = self.clock.now().timestamp()
        alerts, actions = await stored_events(self.store, now)
        return status_rows(self._rules, {r.name for r in self.cfg.budgets}, await self.guard.ledger.snapshot(),
                           alerts, actions, now, team)

    async def learn(self) -> None:
        """Re-learn the per-use-case p95 of output tokens from the ledger's recent answers."""
        self.guard.estimator.learn(await recent_outputs(self.store, self.clock.now().timestamp()))
        self._learned_at = time.monotonic()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.cfg.refresh_s)
            try:
                await self.refresh()
            except Exception as e:  # keep serving on the last good rates and rules
                log.error("finops refresh failed: %s", e)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.alerter.drain()
