"""Batched, non-blocking ledger writes.

``record()`` only appends to an in-memory buffer: the request path never waits on the database.
A background task flushes every ``flush_interval_s`` or ``batch_size`` rows. ``close()`` drains
the buffer, so every request whose response was sent is persisted on a clean shutdown. If the
store is down, rows stay buffered (bounded by ``max_buffer``) and are retried; when the buffer is
full the oldest rows are kept, new ones are counted as dropped and an error is logged loudly.

With ``spool_dir`` set, every row is first appended to a write-ahead spool (ledger/spool.py) before
``record()`` returns, so rows survive ``kill -9``; a row dropped from the full memory buffer stays in
the spool and is written at the next start. See docs/durability.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from pathlib import Path

from tenbin.config.schema import LedgerConfig
from tenbin.ledger.record import UsageRecord
from tenbin.ledger.spool import Spool
from tenbin.store.base import Store

log = logging.getLogger("tenbin.ledger")


class LedgerWriter:
    def __init__(self, store: Store, cfg: LedgerConfig) -> None:
        self.store = store
        self.cfg = cfg
        self._buf: deque[UsageRecord] = deque()
        self._segs: deque[int] = deque()  # spool segment of each buffered row (0: not spooled)
        self.spool = Spool(Path(cfg.spool_dir), cfg.spool_fsync) if cfg.spool_dir else None
        self.recovered = 0
        self._replay_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._flush_lock: asyncio.Lock | None = None
        self.dropped = 0
        self.written = 0
        self.store_errors = 0

    def start(self) -> None:
        if self._task is None:
            if self.spool is not None and self.spool.leftover():
                self._replay_task = asyncio.get_running_loop().create_task(self._replay(), name="ledger-replay")
            self._task = asyncio.get_running_loop().create_task(self._run(), name="ledger-writer")

    def record(self, rec: UsageRecord) -> None:
        seg = self.spool.append(rec) if self.spool is not None else 0
        if len(self._buf) >= self.cfg.max_buffer:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("ledger buffer full (%d rows): %d rows not buffered so far (kept in the spool if"
                          " ledger.spool_dir is set)", len(self._buf), self.dropped)
            return
        self._buf.append(rec)
        self._segs.append(seg)
        if len(self._buf) >= self.cfg.batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._buf)

    async def _replay(self) -> None:
        """Stream a previous run's spool into the store, retrying until the store takes it."""
        assert self.spool is not None
        for path in self.spool.leftover():
            batch: list[UsageRecord] = []
            for rec in self.spool.read(path):
                batch.append(rec)
                if len(batch) >= self.cfg.batch_size:
                    await self._insert_until_stored(batch)
                    batch = []
            if batch:
                await self._insert_until_stored(batch)
            path.unlink(missing_ok=True)
        if self.recovered:
            log.warning("ledger: replayed %d rows from the spool of a previous run", self.recovered)

    async def wait_replayed(self) -> None:
        """For tests and health checks: return once a previous run's spool is in the store."""
        if self._replay_task is not None:
            await asyncio.shield(self._replay_task)

    async def _insert_until_stored(self, batch: list[UsageRecord]) -> None:
        delay = self.cfg.flush_interval_s
        while True:
            try:
                await self.store.insert_usage(batch)
                self.recovered += len(batch)
                return
            except Exception as e:  # the store is down: the rows stay on disk meanwhile
                log.error("ledger replay failed (%s); retrying in %.1fs", type(e).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.cfg.flush_interval_s)
            self._wake.clear()
            await self.flush()
            if self.spool is not None:
                await asyncio.get_running_loop().run_in_executor(None, self.spool.sync)
            if self._closing and not self._buf:
                return

    async def flush(self) -> bool:
        """Write everything buffered; False if the store failed (rows are kept for the next try).

        Serialised: a manual flush (shutdown, tests, admin reads) may overlap the background one,
        and two flushers would write and pop the same batch twice.
        """
        if self._flush_lock is None:
            self._flush_lock = asyncio.Lock()
        async with self._flush_lock:
            return await self._flush()

    async def _flush(self) -> bool:
        while self._buf:
            batch = [self._buf[i] for i in range(min(self.cfg.batch_size, len(self._buf)))]
            try:
                await self.store.insert_usage(batch)
            except Exception as e:  # the store is down: keep rows, try again later
                self.store_errors += 1
                if self.store_errors == 1 or self.store_errors % 50 == 0:
                    log.error("ledger write failed (%s); %d rows buffered", type(e).__name__, len(self._buf))
                return False
            for _ in batch:
                self._buf.popleft()
                seg = self._segs.popleft()
                if seg and self.spool is not None:
                    self.spool.ack(seg)
            self.written += len(batch)
        return True

    async def close(self, timeout: float = 30.0) -> None:
        if self._replay_task is not None:  # unfinished segments stay on disk for the next start
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._replay_task, timeout)
            self._replay_task = None
        self._closing = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout)
            except TimeoutError:
                self._task.cancel()
                log.error("ledger: %d rows could not be written before shutdown", len(self._buf))
            self._task = None
        else:
            await self.flush()
        if self.spool is not None:
            self.spool.close()
