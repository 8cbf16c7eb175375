"""FinOps inside a running gateway: the Pricer with store-backed FX rates, the budget guard, and a
background refresh so ``tenbin fx set`` / ``tenbin budgets set`` take effect without a restart
(one query per refresh, never one per request)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from tenbin.catalog.catalog import Catalog
from tenbin.clock import SYSTEM, Clock
from tenbin.finops.budgets.alerts import Alerter
from tenbin.finops.budgets.guard import LedgerGuard
from tenbin.finops.budgets.ledger import BudgetLedger, MemoryBudgetLedger
from tenbin.finops.budgets.rules import compile_rules, merge, spend_so_far, stored_rules
from tenbin.finops.config import BudgetRule, FinOpsConfig
from tenbin.finops.fxstore import load_table
from tenbin.finops.pricing import Pricer
from tenbin.store.base import Store

log = logging.getLogger("tenbin.finops")


class FinOps:
    def __init__(self, cfg: FinOpsConfig, catalog: Catalog, store: Store,
                 ledger: BudgetLedger | None = None, clock: Clock = SYSTEM) -> None:
        self.cfg, self.catalog, self.store, self.clock = cfg, catalog, store, clock
        self.pricer = Pricer()
        self.alerter = Alerter(store, clock)
        self.guard = LedgerGuard(ledger or MemoryBudgetLedger(), self.pricer, catalog, self.alerter, [],
                                 cfg.default_max_output_tokens)
        self._rules: list[BudgetRule] = []
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

    async def refresh(self) -> None:
        self.pricer.fx = await load_table(self.store)  # swap, never mutate: in-flight pricing is stable
        rules = merge(self.cfg.budgets, await stored_rules(self.store))
        known = {r.name: r for r in self._rules}
        fresh = [r for r in rules if known.get(r.name) != r]
        if fresh:  # new rules start from the spend already in the usage table
            have = await self.guard.ledger.snapshot()
            spent = await spend_so_far(self.store, fresh, self.clock.now().timestamp())
            seed = {b: n for b, n in spent.items() if b not in have}
            await self.guard.ledger.seed(seed)
        self._rules = rules
        self.guard.set_rules(compile_rules(rules))

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
