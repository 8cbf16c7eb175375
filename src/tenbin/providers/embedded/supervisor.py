"""Starts, feeds, watches and respawns the worker processes of one embedded model.

Each worker holds one loaded model and serves one request at a time (a llama.cpp context is not
thread-safe), so ``max_concurrency`` workers serve that many requests at once and up to
``max_queue`` more wait for one. When a worker dies — a native crash, an OOM kill, or our own
kill after ``hang_timeout_s`` of silence — its request fails with ``engine_crashed`` or
``engine_hung`` (the pipeline then falls back when no byte was sent, and counts it on the
model's breaker), one log line says what happened, and the worker is respawned with backoff.
A worker that dies before it is ready ``max_start_failures`` times in a row, or whose model
cannot load at all, disables the engine with a reason that ``/healthz`` and ``/v1/models`` show.

On CPUs where llama.cpp's weight-repacking buffer types are known to crash (AMX: see issue 10,
``ggml_backend_amx_mul_mat`` in llama-cpp-python 0.3.36) the model is loaded without them; a
worker that crashes in its start-up self-test is respawned without them too.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import logging
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import ProviderError
from tenbin.providers.embedded.protocol import MAX_LINE, decode, encode

log = logging.getLogger("tenbin.providers.embedded")

EngineState = Literal["stopped", "starting", "ready", "crashed", "disabled"]
AMX_FLAGS = frozenset({"amx_tile", "amx_int8", "amx_bf16"})
MAX_BACKOFF_S = 30.0


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    try:
        for line in cpuinfo.read_text().splitlines():
            if line.startswith(("flags", "Features")):
                return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def choose_extra_buffer_types(setting: str, flags: frozenset[str]) -> tuple[bool, str]:
    """Whether to load with llama.cpp's extra (weight-repacking) buffer types, and why."""
    if setting == "on":
        return True, "forced on by providers.<name>.extra_buffer_types"
    if setting == "off":
        return False, "forced off by providers.<name>.extra_buffer_types"
    amx = sorted(flags & AMX_FLAGS)
    if amx:
        return False, f"off: this CPU has {', '.join(amx)}, where llama.cpp's AMX repacking path is known to crash"
    return True, "on (default)"


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "is still running"
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


class WorkerDied(Exception):
    pass


class Worker:
    """One worker process, the reader of its frames, and the request queues waiting on it."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.pid = proc.pid
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[None] = loop.create_future()
        self.exited: asyncio.Future[int] = loop.create_future()
        self.fatal: str | None = None
        self.killed_for: str | None = None
        self.jobs: dict[int, asyncio.Queue[dict[str, Any] | None]] = {}
        # Seconds from the worker writing a token frame to this reader decoding it (recent ones).
        self.frame_latency: collections.deque[float] = collections.deque(maxlen=4096)
        self._reader = asyncio.ensure_future(self._read())

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    @property
    def alive(self) -> bool:
        return not self.exited.done() and self.killed_for is None

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while line := await self.proc.stdout.readline():
                msg = decode(line)
                op = msg["op"]
                if op == "ready":
                    self.ready.set_result(None)
                elif op == "fatal":
                    self.fatal = str(msg.get("message"))
                elif (q := self.jobs.get(int(msg.get("id", -1)))) is not None:
                    if "t" in msg:
                        self.frame_latency.append(time.monotonic() - float(msg["t"]))
                    q.put_nowait(msg)
        except (ValueError, OSError) as e:  # a corrupt frame: the worker cannot be trusted any more
            log.error("embedded worker pid %d sent a bad frame (%s); killing it", self.pid, e)
            self.kill("bad frame")
        finally:
            # The pipe closes when the process dies, a moment before it can be reaped; a worker
            # that closed it and lives on is broken and is killed.
            try:
                rc = await asyncio.wait_for(asyncio.shield(self.proc.wait()), 5.0)
            except TimeoutError:
                self.kill("closed its pipe but did not exit")
                rc = await asyncio.shield(self.proc.wait())
            for q in self.jobs.values():
                q.put_nowait(None)
            if not self.ready.done():
                self.ready.set_exception(WorkerDied(rc))
                self.ready.exception()  # retrieved here, so an unobserved failure is not logged twice
            if not self.exited.done():
                self.exited.set_result(rc)

    def send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        if self.proc.stdin.is_closing():
            return
        with contextlib.suppress(OSError):  # a dead worker is reported by the reader, not here
            self.proc.stdin.write(encode(msg))

    def kill(self, why: str) -> None:
        self.killed_for = self.killed_for or why
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()


class Supervisor:
    def __init__(self, name: str, path: str, cfg: ProviderConfig, *, flags: frozenset[str] | None = None) -> None:
        self.name = name
        self.path = path
        self.cfg = cfg
        self.extra_buffer_types, self.extra_buffer_types_why = choose_extra_buffer_types(
            cfg.extra_buffer_types, cpu_flags() if flags is None else flags)
        self.state: EngineState = "stopped"
        self.crashes = 0
        self.start_failures = 0
        self.reason: str | None = None
        self._idle: list[Worker] = []
        self._live: set[Worker] = set()
        self._cond: asyncio.Condition | None = None
        self._slots: list[asyncio.Task[None]] = []
        self._waiting = 0
        self._ids = itertools.count(1)
        self._stopping = False
        self._drains: set[asyncio.Task[None]] = set()

    # ---- state ----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "state": self.state, "crashes": self.crashes, "reason": self.reason,
            "workers": sorted(w.pid for w in self._live), "busy": len(self._live) - len(self._idle),
            "waiting": self._waiting, "extra_buffer_types": self.extra_buffer_types,
        }

    @property
    def disabled(self) -> bool:
        return self.state == "disabled"

    async def _set(self, state: EngineState, reason: str | None = None) -> None:
        self.state = state
        if reason is not None:
            self.reason = reason
        assert self._cond is not None
        async with self._cond:
            self._cond.notify_all()

    # ---- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        if self._slots or self.disabled or self._stopping:
            return
        self._cond = asyncio.Condition()
        self.state = "starting"
        log.info("embedded engine %s: starting %d worker(s) for %s; extra buffer types %s", self.name,
                 self.cfg.max_concurrency, self.path, self.extra_buffer_types_why)
        self._slots = [asyncio.ensure_future(self._slot()) for _ in range(self.cfg.max_concurrency)]

    async def _spawn(self) -> Worker:
        opts = {"path": self.path, "n_ctx": self.cfg.n_ctx, "n_threads": self.cfg.n_threads,
                "seed": self.cfg.seed, "extra_buffer_types": self.extra_buffer_types,
                "embedding": self.cfg.embedding}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tenbin.providers.embedded.worker", encode(opts).decode().strip(),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=MAX_LINE)
        return Worker(proc)

    async def _slot(self) -> None:
        """Keep one worker alive: spawn, wait until ready, serve until it dies, respawn."""
        backoff = self.cfg.respawn_backoff_s
        while not self._stopping:
            spawned = time.monotonic()
            w = await self._spawn()
            self._live.add(w)
            try:
                await asyncio.wait_for(asyncio.shield(w.ready), self.cfg.start_timeout_s)
            except (WorkerDied, TimeoutError):
                if not w.exited.done():
                    w.kill("start timed out")
                rc = await asyncio.shield(w.exited)
                self._live.discard(w)
                if self._stopping:
                    return
                if w.fatal:
                    log.error("embedded engine %s: disabled: %s (model %s)", self.name, w.fatal, self.path)
                    await self._set("disabled", w.fatal)
                    return
                self.start_failures += 1
                detail = (describe_exit(rc) if w.killed_for is None
                          else f"did not start within {self.cfg.start_timeout_s:g} s")
                log.error("embedded engine %s: worker pid %d %s during start-up (model %s), %d of %d",
                          self.name, w.pid, detail, self.path, self.start_failures, self.cfg.max_start_failures)
                if rc < 0 and self.extra_buffer_types and self.cfg.extra_buffer_types == "auto":
                    self.extra_buffer_types = False
                    self.extra_buffer_types_why = "off: a worker crashed in its start-up self-test with them on"
                    log.warning("embedded engine %s: retrying with llama.cpp extra buffer types off", self.name)
                if self.start_failures >= self.cfg.max_start_failures:
                    await self._set("disabled", f"worker crashed on start {self.start_failures} times (last: {detail})")
                    return
                await self._set("crashed")
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            self.start_failures = 0
            backoff = self.cfg.respawn_backoff_s
            log.info("embedded engine %s: worker pid %d ready in %.1f s (self-test passed; extra buffer types %s)",
                     self.name, w.pid, time.monotonic() - spawned, "on" if self.extra_buffer_types else "off")
            assert self._cond is not None
            async with self._cond:
                self._idle.append(w)
                self.state = "ready"
                self._cond.notify_all()
            rc = await asyncio.shield(w.exited)
            self._live.discard(w)
            if w in self._idle:
                self._idle.remove(w)
            if self._stopping:
                return
            self.crashes += 1
            why = f"killed by the supervisor ({w.killed_for})" if w.killed_for else describe_exit(rc)
            log.error("embedded engine %s: worker pid %d %s (model %s); crash %d, respawning in %.1f s",
                      self.name, w.pid, why, self.path, self.crashes, backoff)
            if not self._idle:
                await self._set("crashed", f"worker {why}")
            await asyncio.sleep(backoff)

    async def aclose(self) -> None:
        self._stopping = True
        for t in self._slots:
            t.cancel()
        for w in list(self._live):
            if not w.ready.done():  # still loading: nothing to finish, do not wait for the load
                w.kill("gateway stopping")
            if w.proc.stdin is not None:
                w.proc.stdin.close()
            try:
                await asyncio.wait_for(asyncio.shield(w.exited), 2.0)
            except TimeoutError:
                w.kill("gateway stopping")
                await asyncio.shield(w.exited)
        for t in self._slots:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._live.clear()
        self.state = "stopped"

    # ---- requests -------------------------------------------------------------------------
    async def _acquire(self) -> Worker:
        self.start()
        assert self._cond is not None
        if not self._idle and self._waiting >= self.cfg.max_queue:
            raise ProviderError("unavailable", f"{self.name}: local model queue is full")
        self._waiting += 1
        try:
            async with self._cond:
                try:
                    await asyncio.wait_for(self._cond.wait_for(lambda: bool(self._idle) or self.disabled),
                                           self.cfg.start_timeout_s)
                except TimeoutError:
                    raise ProviderError("unavailable", f"{self.name}: no local model worker became free "
                                        f"within {self.cfg.start_timeout_s:g} s ({self.state})") from None
                if self.disabled:
                    raise ProviderError("unavailable", f"{self.name}: embedded engine disabled: {self.reason}")
                return self._idle.pop()
        finally:
            self._waiting -= 1

    async def _release(self, w: Worker) -> None:
        assert self._cond is not None
        async with self._cond:
            if w.alive and w not in self._idle:
                self._idle.append(w)
                self._cond.notify()

    async def generate(self, body: dict[str, Any], stream: bool,
                       on_delta: Callable[[str], None] | None = None, op: str = "gen") -> dict[str, Any]:
        """Run one request on a free worker; returns the worker's ``done`` frame. ``op``: ``gen``
        (a chat answer) or ``embed`` (vectors, from a worker started in embedding mode)."""
        if self.disabled:
            raise ProviderError("unavailable", f"{self.name}: embedded engine disabled: {self.reason}")
        w = await self._acquire()
        jid = next(self._ids)
        q: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        w.jobs[jid] = q
        w.send({"op": op, "id": jid, "body": body, "stream": stream})
        settled = False
        try:
            while True:
                try:
                    msg = await asyncio.wait_for(q.get(), self.cfg.hang_timeout_s)
                except TimeoutError:
                    w.kill(f"no output for {self.cfg.hang_timeout_s:g} s")
                    raise ProviderError("engine_hung", f"{self.name}: the local model gave no output for "
                                        f"{self.cfg.hang_timeout_s:g} s; its worker was killed") from None
                if msg is None:
                    raise ProviderError("engine_crashed", f"{self.name}: the local model's worker "
                                        f"{describe_exit(w.returncode)} while answering")
                if msg["op"] == "delta":
                    if on_delta is not None:
                        on_delta(str(msg["text"]))
                    continue
                settled = True
                if msg["op"] == "error":
                    status = int(msg.get("status") or 500)
                    raise ProviderError("bad_request" if status < 500 else "server", str(msg.get("message")),
                                        status=status)
                return msg
        except asyncio.CancelledError:
            if not settled:
                w.send({"op": "cancel", "id": jid})
            raise
        finally:
            if settled or not w.alive:
                w.jobs.pop(jid, None)
                await self._release(w)
            else:  # cancelled mid-generation: the worker is busy until it confirms
                task = asyncio.ensure_future(self._drain(w, jid, q))
                self._drains.add(task)
                task.add_done_callback(self._drains.discard)

    async def _drain(self, w: Worker, jid: int, q: asyncio.Queue[dict[str, Any] | None]) -> None:
        try:
            while True:
                try:
                    msg = await asyncio.wait_for(q.get(), self.cfg.hang_timeout_s)
                except TimeoutError:
                    w.kill(f"no output for {self.cfg.hang_timeout_s:g} s after a cancel")
                    return
                if msg is None or msg["op"] in ("done", "error"):
                    return
        finally:
            w.jobs.pop(jid, None)
            await self._release(w)
