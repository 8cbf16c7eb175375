"""Build the shared-state parts for a runtime: Redis-backed when ``redis:`` is set, else in-process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import Config
from tenbin.finops.budgets.ledger import BudgetLedger, MemoryBudgetLedger
from tenbin.providers.resilience import Breakers
from tenbin.shared.breakers import SharedBreakers
from tenbin.shared.budget import RedisBudgetLedger
from tenbin.shared.cache import ResponseCache
from tenbin.shared.config import SharedConfig
from tenbin.shared.guard import RateLimitGuard
from tenbin.shared.link import RedisLink
from tenbin.shared.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter

if TYPE_CHECKING:  # gateway/runtime wires shared/ in: shared/ names the hook protocol only as a type
    from tenbin.gateway.hooks import BudgetGuard
    from tenbin.workers.link import StateLink


@dataclass
class Shared:
    cfg: SharedConfig
    link: RedisLink | None
    limiter: RateLimiter
    budget_ledger: BudgetLedger
    breakers: Breakers
    cache: ResponseCache | None = None
    state: StateLink | None = None  # ``serve --workers``: the supervisor holding budgets and rate limits

    def guard(self, inner: BudgetGuard) -> BudgetGuard:
        """Wrap the budget guard with rate limits (a no-op wrapper when none are configured)."""
        limits = self.cfg.rate_limits
        if limits.per_key is None and not limits.teams:
            return inner
        return RateLimitGuard(self.limiter, limits, inner)

    def start(self) -> None:
        if isinstance(self.breakers, SharedBreakers):
            self.breakers.start()

    async def stop(self) -> None:
        if isinstance(self.breakers, SharedBreakers):
            await self.breakers.stop()
        if self.link is not None:
            await self.link.aclose()
        if self.state is not None:
            await self.state.aclose()


def build_shared(cfg: Config, clock: Clock = SYSTEM, state: StateLink | None = None) -> Shared:
    """``state``: this process is one of ``tenbin serve --workers``; without Redis its budgets and
    rate limits are the supervisor's (one set for every worker), not this process's own."""
    sc = SharedConfig.from_section(cfg.shared)
    memory_limiter: RateLimiter = MemoryRateLimiter()
    memory_ledger: BudgetLedger = MemoryBudgetLedger()
    if not cfg.redis:
        cache = ResponseCache(sc.cache, sc.prefix, None) if sc.cache.enabled else None
        if state is not None:
            from tenbin.workers.link import SocketBudgetLedger, SocketRateLimiter

            memory_limiter, memory_ledger = SocketRateLimiter(state), SocketBudgetLedger(state)
        return Shared(sc, None, memory_limiter, memory_ledger, Breakers(cfg.breaker, clock), cache, state)
    link = RedisLink(cfg.redis, op_timeout_s=sc.op_timeout_s, retry_down_s=sc.retry_down_s)
    fail_open = sc.on_redis_error == "open"
    breakers: Breakers = (SharedBreakers(cfg.breaker, link, sc.prefix, sc.breaker_sync_s, clock)
                          if sc.share_breakers else Breakers(cfg.breaker, clock))
    return Shared(
        sc, link, RedisRateLimiter(link, sc.prefix, memory_limiter, fail_open),
        RedisBudgetLedger(link, sc.prefix, sc.reservation_ttl_s, memory_ledger, fail_open), breakers,
        ResponseCache(sc.cache, sc.prefix, link) if sc.cache.enabled else None, state)
