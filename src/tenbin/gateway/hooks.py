"""Seams where FinOps budgets and the governance audit plug into the pipeline.

The pipeline only knows these small protocols; the default implementations do nothing, so the
core runs alone and each package can be read and tested on its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from tenbin.context import RequestContext
from tenbin.ledger.record import UsageRecord
from tenbin.routing.decision import Decision


class Reservation(Protocol):
    async def settle(self, cost_jpy: Decimal) -> None: ...

    async def release(self) -> None: ...


class BudgetGuard(Protocol):
    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, Reservation | None]:
        """Reserve the request's maximum cost; may raise BudgetExceeded or return a downgraded decision."""
        ...


class AuditSink(Protocol):
    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        """Append one audit entry for a model request (non-blocking)."""
        ...


class NoBudget:
    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, Reservation | None]:
        return decision, None


class NoAudit:
    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        return None
