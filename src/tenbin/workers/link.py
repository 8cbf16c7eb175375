"""The worker's side of the shared state: a ``BudgetLedger`` and a ``RateLimiter`` that ask the
supervisor (:mod:`tenbin.workers.state`) over one unix-socket connection.

One connection per worker, requests multiplexed by id; the supervisor answers each in turn.
When the connection is lost the supervisor is gone, so the limits can no longer be exact: every
call fails (a 503 to the client, never an uncounted admission) and ``on_lost`` tells the worker
to drain and exit — the supervisor that respawns workers is not there to respawn it anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from tenbin.errors import GatewayError
from tenbin.finops.budgets.ledger import Claim, Settled
from tenbin.providers.base import ProviderError
from tenbin.shared.ratelimit import Check, Refusal
from tenbin.workers.protocol import MAX_LINE, decode, encode

log = logging.getLogger("tenbin.workers")


class StateLost(GatewayError):
    def __init__(self) -> None:
        super().__init__("The gateway worker lost its supervisor; retry shortly.", status=503,
                         code="worker_restarting")


class StateLink:
    """Connects lazily on first use (the worker's event loop is not running when it is built)."""

    def __init__(self, path: str, on_lost: Callable[[], None] | None = None) -> None:
        self.path = path
        self.on_lost = on_lost
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._deltas: dict[int, Callable[[str], None]] = {}
        self._next = 0
        self._lock = asyncio.Lock()
        self.lost = False

    async def _connect(self) -> asyncio.StreamWriter:
        async with self._lock:
            if self._writer is None:
                if self.lost:
                    raise StateLost
                reader, self._writer = await asyncio.open_unix_connection(self.path, limit=MAX_LINE)
                self._reader_task = asyncio.get_running_loop().create_task(self._read(reader), name="worker-state")
            return self._writer

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            while line := await reader.readline():
                msg = decode(line)
                i = int(msg["i"])
                if "d" in msg:  # a streamed token of an embedded-engine answer
                    cb = self._deltas.get(i)
                    if cb is not None:
                        cb(str(msg["d"]))
                    continue
                fut = self._pending.pop(i, None)
                self._deltas.pop(i, None)
                if fut is None or fut.done():
                    continue
                if "pe" in msg:  # the engine's ProviderError, as the local engine would raise it
                    kind, message, status, sent = msg["pe"]
                    fut.set_exception(ProviderError(kind, str(message), status=status, sent=bool(sent)))
                elif "e" in msg:
                    fut.set_exception(RuntimeError(f"worker state: {msg['e']}"))
                else:
                    fut.set_result(msg.get("r"))
        except (ConnectionError, ValueError, asyncio.IncompleteReadError):
            pass
        finally:
            self._lose()

    def _lose(self) -> None:
        if self.lost:
            return
        self.lost = True
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(StateLost())
        self._pending.clear()
        if self._writer is not None:
            self._writer.close()
        log.error("workers: lost the supervisor's state socket; this worker drains and exits")
        if self.on_lost is not None:
            self.on_lost()

    async def call(self, op: str, **args: Any) -> Any:
        writer = self._writer if self._writer is not None else await self._connect()
        if self.lost:
            raise StateLost
        self._next += 1
        i = self._next
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[i] = fut
        writer.write(encode({"i": i, "op": op, **args}))
        return await fut

    async def call_stream(self, op: str, on_delta: Callable[[str], None] | None, **args: Any) -> Any:
        """``call``, with ``on_delta`` fed each ``d`` frame before the answer; cancelling it tells
        the supervisor to stop the work (an embedded generation frees its model worker)."""
        writer = self._writer if self._writer is not None else await self._connect()
        if self.lost:
            raise StateLost
        self._next += 1
        i = self._next
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[i] = fut
        if on_delta is not None:
            self._deltas[i] = on_delta
        writer.write(encode({"i": i, "op": op, **args}))
        try:
            return await fut
        except asyncio.CancelledError:
            self._pending.pop(i, None)
            self._deltas.pop(i, None)
            if not self.lost:
                writer.write(encode({"i": 0, "op": "cancel", "id": i}))
            raise

    async def tell(self, op: str, **args: Any) -> None:
        """A message without an answer (``ready``)."""
        writer = self._writer if self._writer is not None else await self._connect()
        writer.write(encode({"i": 0, "op": op, **args}))
        await writer.drain()

    async def aclose(self) -> None:
        self.on_lost = None  # a close we asked for is not a lost supervisor
        self.lost = True
        if self._writer is not None:
            self._writer.close()
        if self._reader_task is not None:
            self._reader_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader_task


def _claims(claims: Sequence[Claim]) -> list[list[Any]]:
    return [[c.bucket, c.amount, c.limit] for c in claims]


class SocketBudgetLedger:
    """Implements :class:`tenbin.finops.budgets.ledger.BudgetLedger` on the supervisor's ledger."""

    def __init__(self, link: StateLink) -> None:
        self.link = link

    async def reserve(self, claims: Sequence[Claim]) -> int | None:
        if not claims:
            return None
        refused = await self.link.call("reserve", c=_claims(claims))
        return None if refused is None else int(refused)

    async def settle(self, claims: Sequence[Claim], actual: int) -> list[Settled]:
        if not claims:
            return []
        out = await self.link.call("settle", c=_claims(claims), a=actual)
        return [Settled(str(b), int(before), int(after)) for b, before, after in out]

    async def release(self, claims: Sequence[Claim]) -> None:
        if claims:
            await self.link.call("release", c=_claims(claims))

    async def seed(self, spent: Mapping[str, int]) -> None:
        if spent:
            await self.link.call("seed", s=dict(spent))

    async def snapshot(self) -> dict[str, tuple[int, int]]:
        out = await self.link.call("snapshot")
        return {str(b): (int(s), int(r)) for b, (s, r) in out.items()}


class SocketRateLimiter:
    """Implements :class:`tenbin.shared.ratelimit.RateLimiter` on the supervisor's windows."""

    def __init__(self, link: StateLink) -> None:
        self.link = link

    async def admit(self, checks: Sequence[Check]) -> Refusal | None:
        if not checks:
            return None
        out = await self.link.call("admit", k=[[c.key, c.limit, c.cost] for c in checks])
        if out is None:
            return None
        key, wait = out
        check = next(c for c in checks if c.key == key)
        return Refusal(check, float(wait))
