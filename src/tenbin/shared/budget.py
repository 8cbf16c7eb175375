"""finops' BudgetLedger on Redis: one set of budget counters for every replica.

Each reservation is a member of a per-bucket sorted set scored by its expiry, with its amount in a
hash; every script first purges expired members (using Redis' own clock), so a replica killed
between reserve and settle stops holding budget after ``reservation_ttl_s``. ``reserve`` checks
every claim and then adds every claim in one script (all or nothing across replicas).

Keys assume one Redis (or a primary with replicas), not Redis Cluster: a script touches several
buckets' keys.

While Redis is down (fail-open), a reservation is held in the in-process fallback ledger and is
settled or released there too, whenever that happens (Redis may be back by then): a reservation
the fallback took but never gave back would pile up until every request got a budget 429, turning
fail-open into fail-closed. A Redis reservation whose settlement cannot reach Redis expires there
by TTL; its spend is counted in the fallback, so the local limit still sees it during the outage.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Mapping, Sequence

from tenbin.finops.budgets.ledger import BudgetLedger, Claim, Settled
from tenbin.shared.link import RedisDown, RedisLink

_LOCAL = "local"  # stands for a reservation held by the fallback ledger (Redis ids are hex)

_PURGE = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function purge(base, now)
  local dead = redis.call('ZRANGEBYSCORE', base .. ':res', '-inf', now)
  for _, id in ipairs(dead) do
    local amt = tonumber(redis.call('HGET', base .. ':amt', id) or '0')
    redis.call('DECRBY', base .. ':reserved', amt)
    redis.call('HDEL', base .. ':amt', id)
    redis.call('ZREM', base .. ':res', id)
  end
end
"""

# KEYS: bucket bases; ARGV: id, ttl_ms, then (amount, limit or -1) per bucket
_RESERVE = _PURGE + """
local now = now_ms()
for i = 1, #KEYS do
  purge(KEYS[i], now)
  local limit = tonumber(ARGV[2 + 2 * i])
  if limit >= 0 then
    local used = tonumber(redis.call('GET', KEYS[i] .. ':spent') or '0')
      + tonumber(redis.call('GET', KEYS[i] .. ':reserved') or '0')
    if used + tonumber(ARGV[1 + 2 * i]) > limit then return i end
  end
end
for i = 1, #KEYS do
  local amt = ARGV[1 + 2 * i]
  redis.call('ZADD', KEYS[i] .. ':res', now + tonumber(ARGV[2]), ARGV[1])
  redis.call('HSET', KEYS[i] .. ':amt', ARGV[1], amt)
  redis.call('INCRBY', KEYS[i] .. ':reserved', amt)
end
return 0
"""

# KEYS: bucket bases; ARGV: id, actual (or -1 to release). Returns spent before per bucket.
_FINISH = _PURGE + """
local now = now_ms()
local out = {}
for i = 1, #KEYS do
  purge(KEYS[i], now)
  local amt = redis.call('HGET', KEYS[i] .. ':amt', ARGV[1])
  if amt then
    redis.call('DECRBY', KEYS[i] .. ':reserved', amt)
    redis.call('HDEL', KEYS[i] .. ':amt', ARGV[1])
    redis.call('ZREM', KEYS[i] .. ':res', ARGV[1])
  end
  local before = tonumber(redis.call('GET', KEYS[i] .. ':spent') or '0')
  if tonumber(ARGV[2]) >= 0 then redis.call('INCRBY', KEYS[i] .. ':spent', ARGV[2]) end
  out[i] = before
end
return out
"""

# KEYS: bucket bases. Returns spent, reserved per bucket after purging.
_SNAPSHOT = _PURGE + """
local now = now_ms()
local out = {}
for i = 1, #KEYS do
  purge(KEYS[i], now)
  out[2 * i - 1] = tonumber(redis.call('GET', KEYS[i] .. ':spent') or '0')
  out[2 * i] = tonumber(redis.call('GET', KEYS[i] .. ':reserved') or '0')
end
return out
"""


class RedisBudgetLedger:
    """Implements :class:`tenbin.finops.budgets.ledger.BudgetLedger`.

    The protocol passes the same claims to ``settle``/``release`` as to ``reserve`` without a
    handle, so reservation ids are remembered here per claim tuple (FIFO among identical ones:
    identical claims are interchangeable)."""

    def __init__(self, link: RedisLink, prefix: str, ttl_s: float, fallback: BudgetLedger,
                 fail_open: bool = True) -> None:
        self.link, self.prefix, self.ttl_ms = link, prefix, int(ttl_s * 1000)
        self.fallback, self.fail_open = fallback, fail_open
        self._reserve, self._finish = link.script(_RESERVE), link.script(_FINISH)
        self._snap = link.script(_SNAPSHOT)
        self._ids: dict[tuple[tuple[str, int], ...], list[str]] = {}
        self.degraded = 0

    def _base(self, bucket: str) -> str:
        return f"{self.prefix}budget:{bucket}"

    @staticmethod
    def _sig(claims: Sequence[Claim]) -> tuple[tuple[str, int], ...]:
        return tuple((c.bucket, c.amount) for c in claims)

    async def reserve(self, claims: Sequence[Claim]) -> int | None:
        if not claims:
            return None
        rid = secrets.token_hex(8)
        keys = [self._base(c.bucket) for c in claims]
        args: list[object] = [rid, self.ttl_ms]
        for c in claims:
            args += [c.amount, -1 if c.limit is None else c.limit]
        try:
            refused = int(await self.link.call(lambda r: self._reserve(keys=keys, args=args, client=r)))
        except RedisDown:
            self.degraded += 1
            if not self.fail_open:
                return 0
            local = await self.fallback.reserve(claims)
            if local is None:
                self._ids.setdefault(self._sig(claims), []).append(_LOCAL)
            return local
        if refused:
            return refused - 1
        with contextlib.suppress(RedisDown):  # only feeds snapshot(); the reservation itself holds
            await self.link.call(lambda r: r.sadd(f"{self.prefix}budget:buckets", *[c.bucket for c in claims]))
        self._ids.setdefault(self._sig(claims), []).append(rid)
        return None

    async def _end(self, claims: Sequence[Claim], actual: int) -> list[int]:
        """Finish a reservation where it was taken; ``actual`` < 0 releases it."""
        ids = self._ids.get(self._sig(claims))
        rid = ids.pop(0) if ids else "-"  # unknown: just count the spend
        if ids == []:
            self._ids.pop(self._sig(claims), None)
        if rid == _LOCAL:
            return await self._end_local(claims, actual)
        keys = [self._base(c.bucket) for c in claims]
        try:
            return [int(x) for x in await self.link.call(
                lambda r: self._finish(keys=keys, args=[rid, actual], client=r))]
        except RedisDown:
            self.degraded += 1  # the Redis reservation expires by TTL; the usage table stays the truth
            # nothing was reserved locally: count the spend only, without touching local reservations
            return await self._end_local([Claim(c.bucket, 0, c.limit) for c in claims], actual)

    async def _end_local(self, claims: Sequence[Claim], actual: int) -> list[int]:
        if actual < 0:
            await self.fallback.release(claims)
            return [0 for _ in claims]
        return [s.before for s in await self.fallback.settle(claims, actual)]

    async def settle(self, claims: Sequence[Claim], actual: int) -> list[Settled]:
        before = await self._end(claims, actual)
        return [Settled(c.bucket, b, b + actual) for c, b in zip(claims, before, strict=True)]

    async def release(self, claims: Sequence[Claim]) -> None:
        await self._end(claims, -1)

    async def seed(self, spent: Mapping[str, int]) -> None:
        """Set only buckets no replica has yet (SETNX): another replica may already be counting."""
        if not spent:
            return

        async def go(r: object) -> None:
            pipe = self.link.client.pipeline(transaction=True)
            for b, n in spent.items():
                pipe.setnx(self._base(b) + ":spent", n)
            pipe.sadd(f"{self.prefix}budget:buckets", *spent)
            await pipe.execute()

        try:
            await self.link.call(go)
        except RedisDown:
            await self.fallback.seed(spent)

    async def snapshot(self) -> dict[str, tuple[int, int]]:
        try:
            buckets = sorted(b.decode() if isinstance(b, bytes) else b for b in await self.link.call(
                lambda r: r.smembers(f"{self.prefix}budget:buckets")))
            if not buckets:
                return {}
            keys = [self._base(b) for b in buckets]
            flat = await self.link.call(lambda r: self._snap(keys=keys, args=[], client=r))
        except RedisDown:
            return await self.fallback.snapshot()
        return {b: (int(flat[2 * i]), int(flat[2 * i + 1])) for i, b in enumerate(buckets)}
