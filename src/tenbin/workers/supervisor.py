"""The process that owns the port: runs N HTTP workers on it, replaces a worker that dies, and
drains them all on SIGTERM/SIGINT.

Each worker binds the port itself with ``SO_REUSEPORT``, so the kernel spreads connections
evenly across the workers' accept queues; the supervisor holds one more socket bound to the same
port (never listening: the kernel only hands connections to listening sockets), which picks the
port for ``--port 0`` and keeps it reserved while a worker restarts. Measured against the other
way — one listening socket bound here and inherited by every worker (``--listen shared``) — a
shared accept queue let whichever worker woke first take most of a burst of keep-alive
connections (uvloop accepts in a loop), so two workers served about what one did; with
``SO_REUSEPORT`` they served more than twice as much (docs/deployment.md, "Workers"). The price:
connections still queued at a worker that dies are reset instead of waiting for another worker.

The first worker starts alone and the others once it is ready: it migrates the store, and two
processes migrating one SQLite file at once would race. A worker that exits before it is ready
on the first start stops the whole server with its exit code (a config error is not fixed by
respawning); after that, a worker that dies is respawned with backoff (0 s, then 1 s doubling to
30 s while it keeps dying within 10 s of starting).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenbin.workers.protocol import COUNT_ENV, FD_ENV, INDEX_ENV, STATE_ENV
from tenbin.workers.state import StateServer

if TYPE_CHECKING:
    from tenbin.providers.llamacpp import LlamaCppProvider

log = logging.getLogger("tenbin.workers")

STABLE_S = 10.0  # a worker that lived this long before dying is respawned at once
MAX_BACKOFF_S = 30.0
STOP_GRACE_S = 75.0  # aiohttp drains for up to 60 s (shutdown_timeout); then the ledger flushes


def bind(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A socket bound to host:port. ``reuse_port``: the port's reservation, beside which every
    worker binds its own listening socket; else the one listening socket every worker inherits."""
    family, kind, proto, _, addr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                      flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if family == socket.AF_INET6:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind(addr)
    if not reuse_port:
        sock.listen(1024)
        sock.set_inheritable(True)
    return sock


@dataclass
class Slot:
    index: int
    proc: asyncio.subprocess.Process | None = None
    started: float = 0.0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    failures: int = 0
    restarts: int = 0


class Supervisor:
    def __init__(self, n: int, argv: list[str], sock: socket.socket | None,
                 announce: Callable[[str], None], engines: Mapping[str, LlamaCppProvider] | None = None) -> None:
        self.n = n
        self.argv = argv  # the worker's command line (the same ``tenbin serve``, one worker)
        self.sock = sock  # the listening socket to hand down; None: each worker binds with SO_REUSEPORT
        self.announce = announce
        self.slots = [Slot(i) for i in range(n)]
        self.stopping = asyncio.Event()
        self.summary: str | None = None
        self._dir = tempfile.mkdtemp(prefix="tenbin-workers-")
        self.engines = dict(engines or {})  # embedded providers: their model workers run once, here
        self.state = StateServer(os.path.join(self._dir, "state.sock"), self._ready,
                                 {name: p.engine for name, p in self.engines.items()}, self._reloaded)
        self._watchers: set[asyncio.Task[None]] = set()

    def _ready(self, msg: dict[str, Any]) -> None:
        slot = self.slots[int(msg["index"])]
        if slot.proc is not None and slot.proc.pid == int(msg["pid"]):
            slot.ready.set()
            if self.summary is None:
                self.summary = str(msg.get("summary") or "")

    def _reloaded(self, msg: dict[str, Any]) -> None:
        """POST /admin/config/reload reached one worker: the others re-read the file (SIGHUP), so
        every worker routes by the same policy."""
        for s in self.slots:
            if s.proc is not None and s.proc.returncode is None and s.proc.pid != int(msg["pid"]):
                with contextlib.suppress(ProcessLookupError):
                    s.proc.send_signal(signal.SIGHUP)

    async def _spawn(self, slot: Slot) -> None:
        env = {**os.environ, STATE_ENV: self.state.path, INDEX_ENV: str(slot.index), COUNT_ENV: str(self.n)}
        fds: tuple[int, ...] = ()
        if self.sock is not None:
            env[FD_ENV] = str(self.sock.fileno())
            fds = (self.sock.fileno(),)
        slot.ready = asyncio.Event()
        slot.proc = await asyncio.create_subprocess_exec(*self.argv, env=env, pass_fds=fds)
        slot.started = time.monotonic()
        task = asyncio.get_running_loop().create_task(self._watch(slot, slot.proc), name=f"worker-{slot.index}")
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    async def _watch(self, slot: Slot, proc: asyncio.subprocess.Process) -> None:
        code = await proc.wait()
        if self.stopping.is_set() or (not slot.ready.is_set() and slot.restarts == 0):
            return  # stopping, or a first start that failed: run() decides
        lived = time.monotonic() - slot.started
        slot.failures = 0 if lived >= STABLE_S else slot.failures + 1
        delay = 0.0 if slot.failures == 0 else min(MAX_BACKOFF_S, 2.0 ** (slot.failures - 1))
        log.warning("workers: worker %d (pid %d) %s after %.0f s; respawning%s", slot.index, proc.pid,
                    _exit_text(code), lived, f" in {delay:g} s" if delay else "")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), delay)
        if not self.stopping.is_set():
            slot.restarts += 1
            await self._spawn(slot)

    async def _first_start(self, slots: list[Slot]) -> int | None:
        """Wait until every slot is ready; the exit code of one that died first, if any."""
        for s in slots:
            await self._spawn(s)
        for s in slots:
            assert s.proc is not None
            ready = asyncio.ensure_future(s.ready.wait())
            died = asyncio.ensure_future(s.proc.wait())
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({ready, died, stop}, return_when=asyncio.FIRST_COMPLETED)
            for f in (ready, died, stop):
                f.cancel()
            if self.stopping.is_set():
                return 0
            if not s.ready.is_set():
                return s.proc.returncode or 1
        return None

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._stop)
        loop.add_signal_handler(signal.SIGHUP, lambda: self._signal_all(signal.SIGHUP))  # each reloads
        await self.state.start()
        for p in self.engines.values():
            await p.start()  # loads in the background, as in one process; workers see its state
        try:
            failed = await self._first_start(self.slots[:1])  # the first migrates the store alone
            if failed is None:
                failed = await self._first_start(self.slots[1:])
            if failed is not None:
                return failed
            self.announce(self._summary_text())
            await self.stopping.wait()
            return 0
        finally:
            self.stopping.set()
            await self._stop_all()
            for p in self.engines.values():
                await p.aclose()
            await self.state.close()
            shutil.rmtree(self._dir, ignore_errors=True)

    def _summary_text(self) -> str:
        pids = ", ".join(str(s.proc.pid) for s in self.slots if s.proc is not None)
        how = "one shared listening socket" if self.sock is not None else "SO_REUSEPORT"
        return (f"{self.summary or ''}\n  workers      {self.n} HTTP workers (pids {pids}) on {how}; "
                f"budgets and rate limits held by the supervisor (pid {os.getpid()})")

    def _stop(self) -> None:
        if self.stopping.is_set():  # a second Ctrl-C: do not wait for the drain
            self._signal_all(signal.SIGKILL)
        self.stopping.set()

    def _signal_all(self, sig: signal.Signals) -> None:
        for s in self.slots:
            if s.proc is not None and s.proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    s.proc.send_signal(sig)

    async def _stop_all(self) -> None:
        """SIGTERM every worker (each stops accepting, finishes its requests, flushes its ledger
        and audit) and wait; SIGKILL whatever is still running after ``STOP_GRACE_S``."""
        self._signal_all(signal.SIGTERM)
        procs = [s.proc for s in self.slots if s.proc is not None]
        try:
            await asyncio.wait_for(asyncio.gather(*(p.wait() for p in procs)), STOP_GRACE_S)
        except TimeoutError:
            log.error("workers: a worker did not drain in %g s; killing it", STOP_GRACE_S)
            self._signal_all(signal.SIGKILL)
            await asyncio.gather(*(p.wait() for p in procs))
        for t in list(self._watchers):
            t.cancel()


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def worker_argv(config: str | None, host: str, port: int, log_level: str, listen_mode: str) -> list[str]:
    """The command line of one worker: this same ``tenbin serve``, as one worker."""
    argv = [sys.executable, "-c", "from tenbin.cli.main import main; main()", "serve",
            "--host", host, "--port", str(port), "--log-level", log_level, "--workers", "1",
            "--listen", listen_mode]
    if config is not None:
        argv += ["--config", config]
    return argv
