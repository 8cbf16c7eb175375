"""What budgets tell people: threshold crossings and actions (a downgrade or a block).

A threshold is announced once per (bucket, threshold): a log event, a row in ``budget_alerts``
and, when the rule names one, a webhook POST to exactly that URL (never anywhere else). The row is
written first and the webhook is sent only by the writer whose insert won, so restarts and
replicas never resend. A budget added mid-period announces the thresholds its spend has already
passed, each once, like any other crossing.

An action is announced when it starts in a bucket (the first downgraded or blocked request of the
period): a warning, a ``budget_actions`` row with since-when, and the webhook. Every later request
it touches is logged at info and counted; the counts and the latest time reach the row on each
``flush`` (the FinOps refresh), not per request. Runs off the request path.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import aiohttp
import orjson

from tenbin.clock import SYSTEM, Clock
from tenbin.finops.budgets.rules import Compiled, split_bucket
from tenbin.ledger.record import from_nanos
from tenbin.store.base import Store

log = logging.getLogger("tenbin.finops.budget")
ACTION_KINDS = ("downgrade", "block")
RECENT_S = 32 * 86400  # the longest budget period (a month) and a day: actions older than this are history


def yen(nanos: int) -> str:
    return str(from_nanos(nanos).quantize(Decimal("0.01")))


@dataclass(slots=True)
class ActionState:
    """A budget acting in one bucket: since when, the latest request, how many, the first facts."""

    budget: str
    bucket: str
    kind: str
    since: float
    last: float
    count: int
    detail: dict[str, Any] = field(default_factory=dict)


class Alerter:
    def __init__(self, store: Store | None, clock: Clock = SYSTEM) -> None:
        self.store = store
        self.clock = clock
        self.sent: set[tuple[str, int]] = set()
        self.actions: dict[tuple[str, str], ActionState] = {}
        self.events: list[dict[str, Any]] = []  # recent events, newest last (bounded)
        self._unsaved: dict[tuple[str, str], int] = {}  # requests counted since the last flush
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self) -> None:
        if self.store is None:
            return
        rows = await self.store.query("SELECT bucket, threshold FROM budget_alerts")
        self.sent = {(r["bucket"], int(r["threshold"])) for r in rows}
        recent = self.clock.now().timestamp() - RECENT_S  # older actions belong to periods that are over
        for r in await self.store.query(
                "SELECT bucket, kind, budget, since_ts, last_ts, count, detail FROM budget_actions WHERE last_ts >= ?",
                (recent,)):
            self.actions[(r["bucket"], r["kind"])] = ActionState(
                r["budget"], r["bucket"], r["kind"], float(r["since_ts"]), float(r["last_ts"]), int(r["count"]),
                orjson.loads(r["detail"]))

    # ---- thresholds -------------------------------------------------------------------------
    def crossed(self, c: Compiled, bucket: str, before: int, after: int) -> None:
        for t in c.rule.thresholds:
            level = c.limit_nanos * t // 100
            if before < level <= after:
                self.fire(c, bucket, t, after, "threshold")

    def passed(self, c: Compiled, bucket: str, spent: int) -> None:
        """Thresholds the bucket's spend is already past when its budget appears (added or changed
        mid-period, or at start): each is announced once, as a crossing would have been."""
        for t in c.rule.thresholds:
            if spent >= c.limit_nanos * t // 100:
                self.fire(c, bucket, t, spent, "threshold", note="already passed when the budget was added")

    def fire(self, c: Compiled, bucket: str, threshold: int, spent: int, kind: str, note: str | None = None) -> None:
        if (bucket, threshold) in self.sent:
            return
        self.sent.add((bucket, threshold))
        name, subject, key = split_bucket(bucket)
        event = {
            "event": "budget_alert", "kind": kind, "budget": name, "scope": c.rule.scope, "subject": subject,
            "period": key, "threshold_pct": threshold, "action": c.rule.action,
            "spent_jpy": yen(spent), "limit_jpy": str(c.rule.limit_jpy), "ts": self.clock.now().timestamp(),
        }
        if note:
            event["note"] = note
        self._remember(event)
        log.warning("budget %s (%s %s, %s) reached %d%%: ¥%s of ¥%s%s", name, c.rule.scope, subject, key,
                    threshold, event["spent_jpy"], event["limit_jpy"], f" ({note})" if note else "")
        self._spawn(self._announce(
            c, event, "INSERT INTO budget_alerts (budget, bucket, threshold, spent_jpy_nanos, ts)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (budget, bucket, threshold) DO NOTHING",
            (name, bucket, threshold, spent, event["ts"])))

    # ---- actions ----------------------------------------------------------------------------
    def action(self, c: Compiled, bucket: str, kind: str, facts: dict[str, Any], request_id: str) -> ActionState:
        """A request downgraded or blocked by ``c`` in ``bucket``; ``facts`` are JSON-ready."""
        now = self.clock.now().timestamp()
        name, subject, key = split_bucket(bucket)
        state = self.actions.get((bucket, kind))
        if state is not None:
            state.count += 1
            state.last = max(state.last, now)
            self._unsaved[(bucket, kind)] = self._unsaved.get((bucket, kind), 0) + 1
            log.info("budget %s (%s %s, %s) %s request %s", name, c.rule.scope, subject, key,
                     "downgraded" if kind == "downgrade" else "blocked", request_id)
            return state
        state = self.actions[(bucket, kind)] = ActionState(name, bucket, kind, now, now, 1, facts)
        event = {"event": "budget_action", "kind": kind, "budget": name, "scope": c.rule.scope, "subject": subject,
                 "period": key, "since": now, "limit_jpy": str(c.rule.limit_jpy), "request_id": request_id, **facts,
                 "ts": now}
        self._remember(event)
        verb = (f"started downgrading {facts.get('from')} → {facts.get('to')}" if kind == "downgrade"
                else "started blocking requests")
        log.warning("budget %s (%s %s, %s) %s: ¥%s of ¥%s spent, ¥%s held, request %s reserves ¥%s",
                    name, c.rule.scope, subject, key, verb, facts.get("spent_jpy"), c.rule.limit_jpy,
                    facts.get("reserved_jpy"), request_id, facts.get("reservation_jpy"))
        self._spawn(self._announce(
            c, event, "INSERT INTO budget_actions (bucket, kind, budget, since_ts, last_ts, count, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (bucket, kind) DO NOTHING",
            (bucket, kind, name, now, now, 1, orjson.dumps(facts).decode()), recount=(bucket, kind)))
        return state

    async def flush(self) -> None:
        """Add the requests counted since the last flush to the stored rows (several replicas add
        their own counts to the same row)."""
        await self.drain()  # the rows being inserted exist before they are updated
        pending, self._unsaved = self._unsaved, {}
        if self.store is None or not pending:
            return
        rows = [(n, self.actions[k].last, self.actions[k].last, k[0], k[1]) for k, n in pending.items()]
        try:
            await self.store.executemany(
                "UPDATE budget_actions SET count = count + ?, last_ts = CASE WHEN last_ts < ? THEN ? ELSE last_ts END"
                " WHERE bucket = ? AND kind = ?", rows)
        except Exception as e:  # an alert must never break serving; the counts are retried next flush
            log.error("could not store budget action counts: %s", type(e).__name__)
            for k, n in pending.items():
                self._unsaved[k] = self._unsaved.get(k, 0) + n

    # ---- delivery ---------------------------------------------------------------------------
    def _remember(self, event: dict[str, Any]) -> None:
        self.events = [*self.events[-999:], event]

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _announce(self, c: Compiled, event: dict[str, Any], sql: str, params: tuple[Any, ...],
                        recount: tuple[str, str] | None = None) -> None:
        """Store the event; POST it only if this process's row is the one stored (exactly once).
        An action another replica announced first is counted on that row instead (``recount``)."""
        first = True
        if self.store is not None:
            try:
                first = await self.store.execute(sql, params) > 0
            except Exception as e:  # an alert must never break serving
                log.error("could not store budget event: %s", type(e).__name__)
        if not first and recount is not None:
            self._unsaved[recount] = self._unsaved.get(recount, 0) + 1
        if first and c.rule.webhook:
            await self._post(c.rule.webhook, event)

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
