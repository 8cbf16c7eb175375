"""The supervisor's side of the shared state: one budget ledger and one rate limiter for every
worker, so limits are exact across workers on one machine without Redis.

Both are the in-process implementations replicas use without Redis (``MemoryBudgetLedger``,
``MemoryRateLimiter``): each operation runs without awaiting, so on the supervisor's one event
loop it is atomic across workers — the same guarantee the Redis scripts give replicas. A
worker's reservations are remembered per connection: when a worker dies (its connection closes)
they are released at once, where a Redis reservation would wait for its TTL.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from tenbin.finops.budgets.ledger import Claim, MemoryBudgetLedger
from tenbin.providers.base import ProviderError
from tenbin.shared.ratelimit import Check, MemoryRateLimiter
from tenbin.workers.protocol import MAX_LINE, decode, encode

log = logging.getLogger("tenbin.workers")

Sig = tuple[tuple[str, int, int | None], ...]
OnReady = Callable[[dict[str, Any]], None]


class Engine(Protocol):
    """What the supervisor needs of an embedded engine (providers.embedded.supervisor.Supervisor)."""

    def snapshot(self) -> dict[str, Any]: ...

    async def generate(self, body: dict[str, Any], stream: bool,
                       on_delta: Callable[[str], None] | None = None, op: str = "gen") -> dict[str, Any]: ...


def claims_of(raw: list[list[Any]]) -> list[Claim]:
    return [Claim(str(b), int(a), None if lim is None else int(lim)) for b, a, lim in raw]


class StateServer:
    """Serves ``reserve``/``settle``/``release``/``seed``/``snapshot`` and ``admit`` on a unix socket."""

    def __init__(self, path: str, on_ready: OnReady | None = None,
                 engines: Mapping[str, Engine] | None = None, on_reload: OnReady | None = None) -> None:
        self.path = path
        self.on_reload = on_reload  # a worker reloaded its config through the admin API
        self.engines = dict(engines or {})  # embedded providers' engines, run here once for all workers
        self.ledger = MemoryBudgetLedger()
        self.limiter = MemoryRateLimiter()
        self.on_ready = on_ready
        self._server: asyncio.AbstractServer | None = None
        self.released_on_exit = 0  # reservations freed because their worker's connection closed

    async def start(self) -> None:
        self._server = await asyncio.start_unix_server(self._serve, self.path, limit=MAX_LINE)
        os.chmod(self.path, 0o600)  # only this user's processes may spend budget through it

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held: collections.Counter[Sig] = collections.Counter()  # this worker's open reservations
        gens: dict[int, asyncio.Task[None]] = {}  # this worker's embedded generations, by request id
        try:
            while line := await reader.readline():
                msg = decode(line)
                i = int(msg.get("i", 0))
                if msg.get("op") == "gen":  # long-running: its own task, answered when it ends
                    gens[i] = asyncio.get_running_loop().create_task(self._gen(writer, i, msg, gens))
                    continue
                if msg.get("op") == "cancel":
                    task = gens.get(int(msg["id"]))
                    if task is not None:
                        task.cancel()
                    continue
                try:
                    result = await self._handle(msg, held)
                except Exception as e:  # a malformed frame is the worker's bug: answer it, keep serving
                    log.exception("workers: state request %s failed", msg.get("op"))
                    if i:
                        writer.write(encode({"i": i, "e": f"{type(e).__name__}: {e}"}))
                    continue
                if i:
                    writer.write(encode({"i": i, "r": result}))
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            for task in list(gens.values()):
                task.cancel()
            for sig, n in held.items():  # the worker is gone: what it held is nobody's now
                claims = [Claim(b, a, lim) for b, a, lim in sig]
                for _ in range(n):
                    await self.ledger.release(claims)
                    self.released_on_exit += 1
            writer.close()

    async def _handle(self, msg: dict[str, Any], held: collections.Counter[Sig]) -> Any:
        op = msg["op"]
        if op == "admit":
            refusal = await self.limiter.admit([Check(str(k), int(lim), int(c)) for k, lim, c in msg["k"]])
            return None if refusal is None else [refusal.check.key, refusal.retry_after_s]
        if op == "reserve":
            claims = claims_of(msg["c"])
            refused = await self.ledger.reserve(claims)
            if refused is None:
                held[_sig(claims)] += 1
            return refused
        if op in ("settle", "release"):
            claims = claims_of(msg["c"])
            sig = _sig(claims)
            if held[sig] > 0:
                held[sig] -= 1
                if not held[sig]:
                    del held[sig]
            if op == "release":
                await self.ledger.release(claims)
                return None
            return [[s.bucket, s.before, s.after] for s in await self.ledger.settle(claims, int(msg["a"]))]
        if op == "seed":  # only buckets nobody counts yet: another worker may already be counting
            have = await self.ledger.snapshot()
            await self.ledger.seed({b: int(n) for b, n in msg["s"].items() if b not in have})
            return None
        if op == "snapshot":
            return {b: [s, r] for b, (s, r) in (await self.ledger.snapshot()).items()}
        if op == "engine":
            engine = self.engines.get(str(msg["p"]))
            return {"state": "stopped", "reason": "not run by the supervisor"} if engine is None else engine.snapshot()
        if op == "reload":
            if self.on_reload is not None:
                self.on_reload(msg)
            return None
        if op == "ready":
            if self.on_ready is not None:
                self.on_ready(msg)
            return None
        raise ValueError(f"unknown op {op!r}")


    async def _gen(self, writer: asyncio.StreamWriter, i: int, msg: dict[str, Any],
                   gens: dict[int, asyncio.Task[None]]) -> None:
        engine = self.engines.get(str(msg["p"]))
        try:
            if engine is None:
                raise ProviderError("unavailable", f"{msg['p']}: no embedded engine in the supervisor", sent=False)
            on_delta = (lambda text: writer.write(encode({"i": i, "d": text}))) if msg.get("stream") else None
            out = await engine.generate(msg["body"], bool(msg.get("stream")), on_delta, op=str(msg.get("kind", "gen")))
            writer.write(encode({"i": i, "r": out}))
        except ProviderError as e:
            writer.write(encode({"i": i, "pe": [e.kind, e.message, e.status, e.sent]}))
        except asyncio.CancelledError:
            pass  # the client left (or its worker died): the engine has told its model worker to stop
        except Exception as e:
            log.exception("workers: embedded generation failed")
            writer.write(encode({"i": i, "pe": ["server", f"{type(e).__name__}: {e}", None, True]}))
        finally:
            gens.pop(i, None)


def _sig(claims: list[Claim]) -> Sig:
    return tuple((c.bucket, c.amount, c.limit) for c in claims)
