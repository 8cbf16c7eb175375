"""Exact-match response cache (opt-in): the same request from the same team, answered once.

Only non-streamed requests whose data class the config allows (PUBLIC and INTERNAL by default; a
PERSONAL or CONFIDENTIAL answer is never cached unless ``shared.cache.classes`` lists it) and only
when the privacy stage classified the request (unknown class: not cached). The key hashes the team,
the model chain and the body as sent upstream, so teams never see each other's answers. A hit costs
nothing: the ledger row has zero tokens and ``"cache": "hit"`` in its route trace.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from tenbin.context import RequestContext, Usage
from tenbin.providers.base import ChatResult
from tenbin.routing.decision import Decision
from tenbin.shared.config import CacheConfig
from tenbin.shared.link import RedisDown, RedisLink

_SKIP = frozenset({"stream", "stream_options", "user", "metadata"})
LOCAL_ENTRIES = 2048


class ResponseCache:
    def __init__(self, cfg: CacheConfig, prefix: str, link: RedisLink | None) -> None:
        """Redis when configured (shared by replicas), else a small in-process LRU."""
        self.cfg, self.prefix, self.link = cfg, prefix + "cache:", link
        self._classes = {c.upper() for c in cfg.classes}
        self._local: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.hits = self.misses = 0

    def key(self, ctx: RequestContext, decision: Decision, body: dict[str, Any]) -> str | None:
        cls = decision.trace.get("data_class")
        if ctx.stream or not isinstance(cls, str) or cls.upper() not in self._classes:
            return None
        material = {"team": ctx.principal.team, "chain": [m.id for m in decision.chain],
                    "body": {k: v for k, v in body.items() if k not in _SKIP}}
        return hashlib.sha256(orjson.dumps(material, option=orjson.OPT_SORT_KEYS)).hexdigest()

    async def _get(self, key: str) -> bytes | None:
        if self.link is not None:
            try:
                got = await self.link.call(lambda r: r.get(self.prefix + key))
                return got.encode() if isinstance(got, str) else got
            except RedisDown:
                pass
        hit = self._local.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    async def _put(self, key: str, data: bytes) -> None:
        if self.link is not None:
            try:
                await self.link.call(lambda r: r.set(self.prefix + key, data, px=int(self.cfg.ttl_s * 1000)))
                return
            except RedisDown:
                pass
        self._local[key] = (time.monotonic() + self.cfg.ttl_s, data)
        self._local.move_to_end(key)
        while len(self._local) > LOCAL_ENTRIES:
            self._local.popitem(last=False)

    async def complete(self, ctx: RequestContext, decision: Decision, body: dict[str, Any],
                       call: Callable[[], Awaitable[tuple[Any, ChatResult]]],
                       served: Callable[[], Any]) -> tuple[Any, ChatResult]:
        """``call`` runs the provider chain; ``served`` builds the Served value for a hit."""
        key = self.key(ctx, decision, body)
        if key is not None:
            data = await self._get(key)
            if data is not None:
                self.hits += 1
                decision.trace["cache"] = "hit"
                return served(), ChatResult(response=orjson.loads(data), usage=Usage())
            self.misses += 1
        out = await call()
        if key is not None:
            data = orjson.dumps(out[1].response)
            if len(data) <= self.cfg.max_bytes:
                await self._put(key, data)
        return out
