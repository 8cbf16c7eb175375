"""Budget threshold alerts: one log event per (bucket, threshold), an optional webhook POST to
the URL the rule names (never anywhere else), and a row in ``budget_alerts`` so restarts do not
resend. Runs off the request path."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Any

import aiohttp

from tenbin.clock import SYSTEM, Clock
from tenbin.finops.budgets.rules import Compiled, split_bucket
from tenbin.ledger.record import from_nanos
from tenbin.store.base import Store

log = logging.getLogger("tenbin.finops.budget")


class Alerter:
    def __init__(self, store: Store | None, clock: Clock = SYSTEM) -> None:
        self.store = store
        self.clock = clock
        self.sent: set[tuple[str, int]] = set()
        self.events: list[dict[str, Any]] = []  # recent events, newest last (bounded)
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        if self.store is not None:
            rows = await self.store.query("SELECT bucket, threshold FROM budget_alerts")
            self.sent = {(r["bucket"], int(r["threshold"])) for r in rows}

    def crossed(self, c: Compiled, bucket: str, before: int, after: int) -> None:
        for t in c.rule.thresholds:
            level = c.limit_nanos * t // 100
            if before < level <= after:
                self.fire(c, bucket, t, after, "threshold")

    def fire(self, c: Compiled, bucket: str, threshold: int, spent: int, kind: str) -> None:
        if (bucket, threshold) in self.sent:
            return
        self.sent.add((bucket, threshold))
        name, subject, key = split_bucket(bucket)
        event = {
            "event": "budget_alert", "kind": kind, "budget": name, "scope": c.rule.scope, "subject": subject,
            "period": key, "threshold_pct": threshold, "action": c.rule.action,
            "spent_jpy": str(from_nanos(spent).quantize(Decimal("0.01"))),
            "limit_jpy": str(c.rule.limit_jpy), "ts": self.clock.now().timestamp(),
        }
        self.events = [*self.events[-999:], event]
        log.warning("budget %s (%s %s, %s) reached %d%%: ¥%s of ¥%s", name, c.rule.scope, subject, key,
                    threshold, event["spent_jpy"], event["limit_jpy"])
        self._spawn(self._persist(bucket, name, threshold, spent))
        if c.rule.webhook:
            self._spawn(self._post(c.rule.webhook, event))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _persist(self, bucket: str, name: str, threshold: int, spent: int) -> None:
        if self.store is None:
            return
        try:
            await self.store.execute(
                "INSERT INTO budget_alerts (budget, bucket, threshold, spent_jpy_nanos, ts) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (budget, bucket, threshold) DO NOTHING",
                (name, bucket, threshold, spent, self.clock.now().timestamp()))
        except Exception as e:  # an alert must never break serving
            log.error("could not store budget alert: %s", type(e).__name__)

    @staticmethod
    async def _post(url: str, event: dict[str, Any]) -> None:
        try:
            timeout = aiohttp.ClientTimeout(total=5)
            async with aiohttp.ClientSession(timeout=timeout) as s, s.post(url, json=event) as r:
                if r.status >= 300:
                    log.error("budget webhook answered HTTP %d", r.status)
        except Exception as e:
            log.error("budget webhook failed: %s", type(e).__name__)

    async def drain(self) -> None:
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
