"""Shared state on the machine's Redis: atomic across clients, expiring, degrading when Redis dies."""

from __future__ import annotations

import asyncio
import time

import pytest

from tenbin.config.schema import BreakerConfig
from tenbin.context import Principal, RequestContext
from tenbin.errors import RateLimited
from tenbin.finops.budgets.ledger import Claim, MemoryBudgetLedger
from tenbin.shared.breakers import SharedBreakers
from tenbin.shared.budget import RedisBudgetLedger
from tenbin.shared.config import RateLimits, SharedConfig
from tenbin.shared.guard import RateLimitGuard
from tenbin.shared.link import RedisLink
from tenbin.shared.ratelimit import Check, MemoryRateLimiter, RedisRateLimiter
from tests.scale.services import REDIS_BASE, dead_port


def link(url: str = REDIS_BASE, op_timeout_s: float = 5.0) -> RedisLink:
    """Generous timeouts: these tests are about atomicity, and a loaded CI box must not turn them
    into tests of the (deliberate) fail-open fallback."""
    return RedisLink(url, op_timeout_s=op_timeout_s, retry_down_s=0.5)


def test_rate_limit_is_global_across_limiters(redis_prefix: str) -> None:
    async def go() -> None:
        links = [link() for _ in range(3)]  # three "replicas"
        limiters = [RedisRateLimiter(lk, redis_prefix, MemoryRateLimiter()) for lk in links]
        checks = [Check("team:sales:rpm", 25, 1)]
        results = await asyncio.gather(*(limiters[i % 3].admit(checks) for i in range(60)))
        admitted = [r for r in results if r is None]
        refused = [r for r in results if r is not None]
        assert len(admitted) == 25 and len(refused) == 35
        assert all(0 < r.retry_after_s <= 60 for r in refused)
        # a different scope is independent
        assert await limiters[0].admit([Check("team:eng:rpm", 25, 1)]) is None
        for lk in links:
            await lk.aclose()

    asyncio.run(go())


def test_all_or_nothing_across_limits(redis_prefix: str) -> None:
    async def go() -> None:
        lk = link()
        lim = RedisRateLimiter(lk, redis_prefix, MemoryRateLimiter())
        assert await lim.admit([Check("k:rpm", 10, 1), Check("k:tpm", 100, 90)]) is None
        r = await lim.admit([Check("k:rpm", 10, 1), Check("k:tpm", 100, 20)])
        assert r is not None and r.check.key == "k:tpm"
        # the refused call counted nothing: rpm has 9 left exactly
        res = [await lim.admit([Check("k:rpm", 10, 1)]) for _ in range(10)]
        assert sum(x is None for x in res) == 9
        await lk.aclose()

    asyncio.run(go())


def test_rate_limit_guard_raises_openai_429_with_retry_after(redis_prefix: str) -> None:
    class Inner:
        async def reserve(self, ctx: RequestContext, decision: object) -> tuple[object, None]:
            return decision, None

    async def go() -> None:
        lk = link()
        limits = SharedConfig.from_section({"rate_limits": {"per_key": {"rpm": 2}}}).rate_limits
        limiter = RedisRateLimiter(lk, redis_prefix, MemoryRateLimiter())
        g = RateLimitGuard(limiter, limits, Inner())  # type: ignore[arg-type]
        ctx = RequestContext(request_id="r", principal=Principal("k1", "t", "p"),
                             body={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                             requested_model="m", stream=False)
        for _ in range(2):
            await g.reserve(ctx, None)  # type: ignore[arg-type]
        with pytest.raises(RateLimited) as e:
            await g.reserve(ctx, None)  # type: ignore[arg-type]
        assert e.value.status == 429 and int(e.value.headers["Retry-After"]) >= 1
        assert "RPM 2" in e.value.message
        await lk.aclose()

    asyncio.run(go())


def test_config_errors_name_the_field() -> None:
    with pytest.raises(ValueError, match=r"shared\.rate_limits\.per_key\.rpm"):
        SharedConfig.from_section({"rate_limits": {"per_key": {"rpm": 0}}})
    assert RateLimits().per_key is None


def test_budget_reserve_is_atomic_across_replicas(redis_prefix: str) -> None:
    async def go() -> None:
        ledgers = [RedisBudgetLedger(link(), redis_prefix, 30, MemoryBudgetLedger()) for _ in range(3)]
        claim = [Claim("sales|sales|2026-11", 10, 95)]
        got = await asyncio.gather(*(ledgers[i % 3].reserve(claim) for i in range(30)))
        assert sum(g is None for g in got) == 9  # 9 × 10 ≤ 95 < 10 × 10
        snap = await ledgers[0].snapshot()
        assert snap["sales|sales|2026-11"] == (0, 90)
        # settle one (actual 7) and release one, from the replicas that reserved them
        winners = [ledgers[i % 3] for i, g in enumerate(got) if g is None]
        s = await winners[0].settle(claim, 7)
        assert s[0].before == 0 and s[0].after == 7
        await winners[1].release(claim)
        assert (await ledgers[2].snapshot())["sales|sales|2026-11"] == (7, 70)
        # seeding never overwrites a bucket another replica already counts
        await ledgers[1].seed({"sales|sales|2026-11": 1000, "new|x|2026-11": 5})
        snap = await ledgers[1].snapshot()
        assert snap["sales|sales|2026-11"][0] == 7 and snap["new|x|2026-11"] == (5, 0)
        for lg in ledgers:
            await lg.link.aclose()

    asyncio.run(go())


def test_reservations_of_a_dead_replica_expire(redis_prefix: str) -> None:
    async def go() -> None:
        dead = RedisBudgetLedger(link(), redis_prefix, 0.3, MemoryBudgetLedger())
        alive = RedisBudgetLedger(link(), redis_prefix, 30, MemoryBudgetLedger())
        claim = [Claim("b|t|p", 60, 100)]
        assert await dead.reserve(claim) is None
        await dead.link.aclose()  # "kill -9": never settles
        assert await alive.reserve(claim) == 0  # 60 + 60 > 100 while the dead one holds
        t0 = time.monotonic()
        while await alive.reserve(claim) is not None:  # Redis' own clock ends the dead reservation
            assert time.monotonic() - t0 < 5, "the dead replica's reservation never expired"
            await asyncio.sleep(0.02)
        assert (await alive.snapshot())["b|t|p"] == (0, 60)
        await alive.link.aclose()

    asyncio.run(go())


def test_redis_down_degrades_fast_to_local_state() -> None:
    async def go() -> None:
        lk = link(f"redis://127.0.0.1:{dead_port()}/0", op_timeout_s=0.5)
        lim = RedisRateLimiter(lk, "x:", MemoryRateLimiter())
        t = time.perf_counter()
        res = [await lim.admit([Check("k:rpm", 3, 1)]) for _ in range(5)]
        assert sum(r is None for r in res) == 3  # the local fallback still limits
        ledger = RedisBudgetLedger(lk, "x:", 30, MemoryBudgetLedger())
        assert await ledger.reserve([Claim("b", 1, 10)]) is None
        await ledger.settle([Claim("b", 1, 10)], 1)
        assert time.perf_counter() - t < 1.0 and lk.errors >= 1
        closed = RedisRateLimiter(lk, "x:", MemoryRateLimiter(), fail_open=False)
        assert await closed.admit([Check("k:rpm", 3, 1)]) is not None
        await lk.aclose()

    asyncio.run(go())


def test_breaker_opened_on_one_replica_opens_on_the_others(redis_prefix: str) -> None:
    async def go() -> None:
        cfg = BreakerConfig(failure_threshold=2, cooldown_s=5)
        a = SharedBreakers(cfg, link(), redis_prefix, 0.05)
        b = SharedBreakers(cfg, link(), redis_prefix, 0.05)
        b.start()
        assert b.get("gpt-4o").allow()
        a.get("gpt-4o").failure()
        a.get("gpt-4o").failure()
        assert a.snapshot()["gpt-4o"] == "open"
        for _ in range(40):
            await asyncio.sleep(0.05)
            if b.snapshot().get("gpt-4o") == "open":
                break
        assert b.snapshot()["gpt-4o"] == "open" and not b.get("gpt-4o").allow()
        assert time.monotonic() - b.get("gpt-4o").opened_at < 1.5  # remaining cooldown carried over
        await b.stop()
        await a.link.aclose()
        await b.link.aclose()

    asyncio.run(go())
