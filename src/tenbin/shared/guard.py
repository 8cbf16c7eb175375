"""Rate limits as a BudgetGuard in front of the FinOps guard, so the pipeline needs no new stage:
a refused request never reserves budget, and is recorded in the ledger as a 429 like any error."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from tenbin.context import RequestContext
from tenbin.errors import RateLimited
from tenbin.routing.decision import Decision
from tenbin.shared.config import RateLimits
from tenbin.shared.ratelimit import RateLimiter, checks_for

if TYPE_CHECKING:  # it implements gateway/hooks.py's protocol structurally; gateway/runtime imports shared/
    from tenbin.gateway.hooks import BudgetGuard, Reservation


class RateLimitGuard:
    def __init__(self, limiter: RateLimiter, limits: RateLimits, inner: BudgetGuard) -> None:
        self.limiter, self.limits, self.inner = limiter, limits, inner
        self.refused = 0

    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, Reservation | None]:
        checks = checks_for(self.limits, ctx)
        if checks:
            refusal = await self.limiter.admit(checks)
            if refusal is not None:
                self.refused += 1
                scope, _, unit = refusal.check.key.rpartition(":")
                wait = max(1, math.ceil(refusal.retry_after_s))
                raise RateLimited(
                    f"Rate limit reached for {scope.split(':', 1)[0]} ({unit.upper()} {refusal.check.limit}"
                    f" per minute). Retry after {wait}s.",
                    headers={"Retry-After": str(wait)})
        return await self.inner.reserve(ctx, decision)
