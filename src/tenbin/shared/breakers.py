"""Circuit breakers whose *open* state is shared by every replica.

The pipeline asks breakers synchronously on the hot path, so Redis is never consulted per
request: when a local breaker opens, it publishes ``open until`` (a key with the cooldown as TTL);
a background task reads all published states every ``breaker_sync_s`` and opens local breakers to
match. A vendor that fails on one replica is skipped by all of them within one sync interval,
and each replica still runs its own half-open trial when the cooldown ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import BreakerConfig
from tenbin.providers.resilience import Breaker, Breakers
from tenbin.shared.link import RedisDown, RedisLink

log = logging.getLogger("tenbin.shared")


class SharedBreaker(Breaker):
    owner: SharedBreakers | None = None
    model: str = ""

    def failure(self) -> None:
        was = self._state
        super().failure()
        if self._state == "open" and was != "open" and self.owner is not None:
            self.owner.published(self.model)


class SharedBreakers(Breakers):
    def __init__(self, cfg: BreakerConfig, link: RedisLink, prefix: str, sync_s: float,
                 clock: Clock = SYSTEM) -> None:
        super().__init__(cfg, clock)
        self.link, self.key, self.sync_s = link, f"{prefix}breaker:", sync_s
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def get(self, model_id: str) -> Breaker:
        b = self._by_model.get(model_id)
        if b is None:
            sb = SharedBreaker(self.cfg.failure_threshold, self.cfg.cooldown_s, clock=self.clock)
            sb.owner, sb.model = self, model_id
            b = self._by_model[model_id] = sb
        return b

    def published(self, model_id: str) -> None:
        """Fire and forget: the request path never waits on Redis."""
        ms = int(self.cfg.cooldown_s * 1000)

        async def go() -> None:
            with contextlib.suppress(RedisDown):
                await self.link.call(lambda r: r.set(self.key + model_id, "open", px=ms))

        t = asyncio.get_running_loop().create_task(go())
        self._pending.add(t)
        t.add_done_callback(self._pending.discard)

    async def sync(self) -> None:
        """Open local breakers that another replica opened (remaining cooldown from the key's TTL)."""
        async def fetch(r: Any) -> tuple[list[bytes], list[Any]]:
            keys = [k async for k in r.scan_iter(match=self.key + "*", count=200)]
            if not keys:
                return [], []
            pipe = r.pipeline(transaction=False)
            for k in keys:
                pipe.pttl(k)
            return keys, await pipe.execute()

        try:
            keys, ttls = await self.link.call(fetch)
        except RedisDown:
            return
        now = self.clock.monotonic()
        for k, ttl in zip(keys, ttls, strict=True):
            if not isinstance(ttl, int) or ttl <= 0:
                continue
            b = self.get(k.decode().removeprefix(self.key))
            if b.state(now) == "closed":
                b._state = "open"
                b.opened_at = now - (self.cfg.cooldown_s - ttl / 1000)
                b.trial_in_flight = False

    def start(self) -> None:
        async def loop() -> None:
            while True:
                await self.sync()
                await asyncio.sleep(self.sync_s)

        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(loop(), name="breaker-sync")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
