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

from tenbin.batching import BatchWriter
from tenbin.config.schema import LedgerConfig
from tenbin.ledger.record import UsageRecord
from tenbin.ledger.spool import Spool
from tenbin.store.base import Store

log = logging.getLogger("tenbin.ledger")


class LedgerWriter(BatchWriter[UsageRecord]):
    def __init__(self, store: Store, cfg: LedgerConfig) -> None:
        super().__init__("ledger", log, batch_size=cfg.batch_size, flush_interval_s=cfg.flush_interval_s,
                         max_buffer=cfg.max_buffer)
        self.store = store
        self.cfg = cfg
        self._segs: deque[int] = deque()  # spool segment of each buffered row (0: not spooled)
        self.spool = Spool(Path(cfg.spool_dir), cfg.spool_fsync) if cfg.spool_dir else None
        self.recovered = 0
        self._replay_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.spool is not None and self.spool.leftover():
            self._replay_task = asyncio.get_running_loop().create_task(self._replay(), name="ledger-replay")
        super().start()

    def record(self, rec: UsageRecord) -> None:
        """Spool (if configured) and buffer one row; a row the full buffer refuses stays in the spool."""
        seg = self.spool.append(rec) if self.spool is not None else 0
        if self.push(rec):
            self._segs.append(seg)

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

    async def write(self, batch: list[UsageRecord]) -> None:
        await self.store.insert_usage(batch)

    def stored(self, batch: list[UsageRecord]) -> None:
        for _ in batch:
            seg = self._segs.popleft()
            if seg and self.spool is not None:
                self.spool.ack(seg)

    async def tick(self) -> None:
        if self.spool is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.spool.sync)

    async def close(self, timeout: float = 30.0) -> None:
        if self._replay_task is not None:  # unfinished segments stay on disk for the next start
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._replay_task, timeout)
            self._replay_task = None
        await super().close(timeout)
        if self.spool is not None:
            self.spool.close()
