"""The embedded engine shared by every HTTP worker: the supervisor runs each ``llamacpp``
provider's engine (its model-loading processes) once, and the workers reach it over the state
socket, so N workers load the model once, not N times, and ``max_concurrency`` bounds the whole
server rather than each worker.

:class:`RemoteEngine` is what a worker's ``LlamaCppProvider`` holds instead of its own
``providers.embedded.supervisor.Supervisor``: the same ``generate``/``snapshot``/``disabled``
surface, with the snapshot refreshed from the supervisor every ``POLL_S`` (``/healthz`` and
``/v1/models`` read it; a request always asks the real engine).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from tenbin.providers.base import ProviderError
from tenbin.workers.link import StateLink, StateLost

log = logging.getLogger("tenbin.workers")

POLL_S = 0.5


class RemoteEngine:
    def __init__(self, link: StateLink, name: str) -> None:
        self.link = link
        self.name = name
        self._snap: dict[str, Any] = {"state": "starting", "crashes": 0, "reason": None, "workers": [],
                                      "busy": 0, "waiting": 0, "shared": True}
        self._poll: asyncio.Task[None] | None = None

    def snapshot(self) -> dict[str, Any]:
        return self._snap

    @property
    def disabled(self) -> bool:
        return self._snap.get("state") == "disabled"

    @property
    def reason(self) -> str | None:
        r = self._snap.get("reason")
        return None if r is None else str(r)

    def start(self) -> None:
        if self._poll is None:
            self._poll = asyncio.get_running_loop().create_task(self._refresh(), name=f"engine-{self.name}")

    async def _refresh(self) -> None:
        while True:
            with contextlib.suppress(StateLost, RuntimeError):
                self._snap = {**await self.link.call("engine", p=self.name), "shared": True}
            await asyncio.sleep(POLL_S)

    async def generate(self, body: dict[str, Any], stream: bool,
                       on_delta: Callable[[str], None] | None = None, op: str = "gen") -> dict[str, Any]:
        try:
            out: dict[str, Any] = await self.link.call_stream(
                "gen", on_delta, p=self.name, body=body, stream=stream, kind=op)
        except StateLost:
            raise ProviderError("unavailable", f"{self.name}: the gateway's supervisor is gone", sent=False) from None
        return out

    async def aclose(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poll
