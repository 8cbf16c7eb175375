"""Run real servers (the gateway and fake upstreams) on loopback in a background event loop, so
tests can drive them with ordinary synchronous clients (the real ``openai`` SDK, LangChain, httpx).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from tenbin.api.app import create_app
from tenbin.api.server import AppRunner
from tenbin.clock import SYSTEM, Clock
from tenbin.config.loader import build_config
from tenbin.gateway.runtime import Runtime, build_runtime

T = TypeVar("T")


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="test-loop")
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@dataclass
class GatewayHandle:
    url: str
    runtime: Runtime
    runner: web.AppRunner
    lt: LoopThread

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def stop(self) -> None:
        self.lt.run(self.runner.cleanup())

    def flush(self) -> None:
        self.lt.run(self.runtime.ledger.flush())

    def rows(self, where: str = "1=1", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        self.flush()
        return self.lt.run(self.runtime.store.query(f"SELECT * FROM usage WHERE {where} ORDER BY ts_start", params))


def start_gateway(lt: LoopThread, cfg: dict[str, Any], tmp: Path, env: dict[str, str] | None = None,
                  clock: Clock = SYSTEM) -> GatewayHandle:
    """``clock``: a ``ManualClock`` pins the gateway's "now" (request times, Tokyo days, budget
    periods, breaker cooldowns) so a test does not depend on the date or race a timer."""
    cfg = dict(cfg)
    cfg.setdefault("store", f"sqlite:///{tmp / 'tenbin.db'}")
    config = build_config(cfg, env=env or {})
    runtime = build_runtime(config, clock=clock)
    app = create_app(runtime)

    async def go() -> tuple[web.AppRunner, int]:
        runner = AppRunner(app, access_log=None, handler_cancellation=True)  # as `tenbin serve` runs it
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    runner, port = lt.run(go())
    return GatewayHandle(f"http://127.0.0.1:{port}", runtime, runner, lt)
