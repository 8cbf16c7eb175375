"""RPM/TPM limits per API key and per team, the same numbers across every replica.

A sliding window approximated by two fixed one-minute buckets (the previous minute weighted by how
much of it still overlaps the window): O(1) per check, at most a few percent off a true sliding
log, and one Lua call checks and counts every applicable limit atomically (all or nothing). TPM
counts an *estimate* of prompt tokens at admission (characters / 2), not the vendor's count.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tenbin.context import RequestContext
from tenbin.shared.config import RateLimits
from tenbin.shared.link import RedisDown, RedisLink

log = logging.getLogger("tenbin.shared")
WINDOW_MS = 60_000

_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local w = math.floor(now / 60000)
local elapsed = now - w * 60000
local n = #KEYS
for i = 1, n do
  local limit, cost = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  local cur = tonumber(redis.call('GET', KEYS[i] .. ':' .. w) or '0')
  local prev = tonumber(redis.call('GET', KEYS[i] .. ':' .. (w - 1)) or '0')
  local est = prev * (60000 - elapsed) / 60000 + cur
  if est + cost > limit then
    local wait = 60000 - elapsed
    if cur + cost <= limit and prev > 0 then
      wait = math.ceil(60000 * (1 - (limit - cur - cost) / prev)) - elapsed
    end
    return {i, math.max(wait, 1)}
  end
end
for i = 1, n do
  local k = KEYS[i] .. ':' .. w
  redis.call('INCRBY', k, ARGV[2 * i])
  redis.call('PEXPIRE', k, 120000)
end
return {0, 0}
"""


@dataclass(frozen=True, slots=True)
class Check:
    key: str  # counter name, e.g. "key:<id>:rpm"
    limit: int
    cost: int


@dataclass(frozen=True, slots=True)
class Refusal:
    check: Check
    retry_after_s: float


class RateLimiter(Protocol):
    async def admit(self, checks: Sequence[Check]) -> Refusal | None: ...


def estimate_tokens(ctx: RequestContext) -> int:
    chars = 0
    for m in ctx.body.get("messages") or ():
        c = m.get("content") if isinstance(m, dict) else None
        if isinstance(c, str):
            chars += len(c)
        elif isinstance(c, list):
            chars += sum(len(str(p.get("text", ""))) for p in c if isinstance(p, dict))
    return max(1, chars // 2)


def checks_for(limits: RateLimits, ctx: RequestContext) -> list[Check]:
    out: list[Check] = []
    tokens = 0
    scopes = []
    if limits.per_key is not None:
        scopes.append((f"key:{ctx.principal.key_id}", limits.per_key))
    team = limits.teams.get(ctx.principal.team)
    if team is not None:
        scopes.append((f"team:{ctx.principal.team}", team))
    for name, lim in scopes:
        if lim.rpm is not None:
            out.append(Check(f"{name}:rpm", lim.rpm, 1))
        if lim.tpm is not None:
            tokens = tokens or estimate_tokens(ctx)
            out.append(Check(f"{name}:tpm", lim.tpm, tokens))
    return out


class MemoryRateLimiter:
    """The same algorithm in-process: used without Redis, and while Redis is down."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}

    async def admit(self, checks: Sequence[Check]) -> Refusal | None:
        now = int(time.time() * 1000)
        w, elapsed = divmod(now, WINDOW_MS)
        for c in checks:
            cur = self._counts.get((c.key, w), 0)
            prev = self._counts.get((c.key, w - 1), 0)
            if prev * (WINDOW_MS - elapsed) / WINDOW_MS + cur + c.cost > c.limit:
                wait = WINDOW_MS - elapsed
                if cur + c.cost <= c.limit and prev > 0:
                    wait = math.ceil(WINDOW_MS * (1 - (c.limit - cur - c.cost) / prev)) - elapsed
                return Refusal(c, max(wait, 1) / 1000)
        for c in checks:
            self._counts[(c.key, w)] = self._counts.get((c.key, w), 0) + c.cost
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= w - 1}
        return None


class RedisRateLimiter:
    def __init__(self, link: RedisLink, prefix: str, fallback: RateLimiter, fail_open: bool = True) -> None:
        self.link, self.prefix, self.fallback, self.fail_open = link, prefix, fallback, fail_open
        self._script = link.script(_LUA)

    async def admit(self, checks: Sequence[Check]) -> Refusal | None:
        if not checks:
            return None
        keys = [f"{self.prefix}rl:{c.key}" for c in checks]
        args = [x for c in checks for x in (c.limit, c.cost)]
        try:
            idx, wait_ms = await self.link.call(lambda r: self._script(keys=keys, args=args, client=r))
        except RedisDown:
            if self.fail_open:
                return await self.fallback.admit(checks)  # per-replica limits until Redis returns
            return Refusal(checks[0], self.link.retry_down_s)
        return Refusal(checks[int(idx) - 1], int(wait_ms) / 1000) if int(idx) else None
