"""One Redis connection pool with a short fuse: after an error, stay off Redis for a moment.

Callers never wait longer than ``op_timeout_s`` on Redis, and while it is down they fall back
immediately instead of paying a connect timeout per request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the redis client is an optional extra: imported only when redis: is configured
    import redis.asyncio as aioredis

log = logging.getLogger("tenbin.shared")
T = TypeVar("T")


class RedisDown(Exception):
    pass


class RedisLink:
    def __init__(self, url: str, *, op_timeout_s: float = 0.25, retry_down_s: float = 2.0) -> None:
        try:
            import redis.asyncio as aioredis
            from redis.exceptions import RedisError
        except ImportError as e:
            raise RuntimeError("redis: is configured but the Redis client is not installed: "
                               "pip install 'tenbin[redis]'") from e
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)
        self.client: aioredis.Redis = aioredis.Redis.from_url(
            url, socket_timeout=op_timeout_s, socket_connect_timeout=op_timeout_s, health_check_interval=0)
        self.retry_down_s = retry_down_s
        self._down_until = 0.0
        self.errors = 0

    @property
    def up(self) -> bool:
        return time.monotonic() >= self._down_until

    async def call(self, fn: Callable[[aioredis.Redis], Awaitable[T]]) -> T:
        """Run ``fn`` or raise RedisDown (at once while the fuse is blown)."""
        if not self.up:
            raise RedisDown("redis marked down")
        try:
            return await fn(self.client)
        except self._errors as e:
            self.errors += 1
            if self.up:
                log.error("redis unavailable (%s: %s); degrading for %.1fs", type(e).__name__, e,
                          self.retry_down_s)
            self._down_until = time.monotonic() + self.retry_down_s
            raise RedisDown(str(e)) from None

    def script(self, lua: str) -> Any:
        return self.client.register_script(lua)

    async def aclose(self) -> None:
        await self.client.aclose()
