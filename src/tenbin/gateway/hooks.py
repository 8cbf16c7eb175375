"""Seams where FinOps budgets, the governance audit and the shared response cache plug into the
pipeline.

The pipeline only knows these small protocols; the default implementations do nothing (or, for the
cache, are absent), so the core runs alone and each package can be read and tested on its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Protocol

from tenbin.context import RequestContext
from tenbin.ledger.record import UsageRecord
from tenbin.providers.base import ChatResult
from tenbin.routing.decision import Decision


class Reservation(Protocol):
    async def settle(self, cost_jpy: Decimal) -> None: ...

    async def release(self) -> None: ...


class BudgetGuard(Protocol):
    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, Reservation | None]:
        """Reserve the request's maximum cost; may raise BudgetExceeded or return a downgraded decision."""
        ...


class AnswerTap:
    """Incremental SHA-256 and UTF-8 size of the answer text as the client receives it (message
    contents in choice order; for streams, deltas in arrival order), so the audit can prove what
    was answered without storing it. Keeps the text only when the sink retains raw answers."""

    __slots__ = ("_h", "_parts", "size")

    def __init__(self, keep: bool = False) -> None:
        self._h = hashlib.sha256()
        self.size = 0
        self._parts: list[str] | None = [] if keep else None

    def feed(self, text: str) -> None:
        data = text.encode()
        self._h.update(data)
        self.size += len(data)
        if self._parts is not None:
            self._parts.append(text)

    def feed_choices(self, obj: dict[str, Any], key: str) -> None:
        """Feed ``choices[*][key].content`` (key: "message" for completions, "delta" for chunks)."""
        for choice in obj.get("choices") or ():
            content = (choice.get(key) or {}).get("content")
            if isinstance(content, str) and content:
                self.feed(content)

    def hexdigest(self) -> str:
        return self._h.hexdigest()

    @property
    def text(self) -> str:
        return "".join(self._parts or ())


class AuditSink(Protocol):
    keeps_raw: bool  # True when the sink stores raw text (the pipeline then keeps the answer)

    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        """Append one audit entry for a model request (non-blocking)."""
        ...


class AnswerCache(Protocol):
    """An exact-match answer cache in front of the provider chain (``shared.cache.ResponseCache``,
    opt-in: the pipeline runs without one)."""

    async def complete(self, ctx: RequestContext, decision: Decision, body: dict[str, Any],
                       call: Callable[[], Awaitable[tuple[Any, ChatResult]]],
                       served: Callable[[], Any]) -> tuple[Any, ChatResult]:
        """The cached answer for ``body`` when there is one (``served()`` names what served it),
        else ``call()`` — the provider chain — whose answer it may keep."""
        ...


class NoBudget:
    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, Reservation | None]:
        return decision, None


class NoAudit:
    keeps_raw = False

    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        return None
