"""Batched, non-blocking ledger writes.

``record()`` only appends to an in-memory buffer: the request path never waits on the database.
A background task flushes every ``flush_interval_s`` or ``batch_size`` rows. ``close()`` drains
the buffer, so every request whose response was sent is persisted on a clean shutdown. If the
store is down, rows stay buffered (bounded by ``max_buffer``) and are retried; when the buffer is
full the oldest rows are kept, new ones are counted as dropped and an error is logged loudly.

With ``spool_dir`` set, every row is also handed to a write-ahead spool (ledger/spool.py), whose
thread writes it off the event loop; ``record()`` then returns the future of that write, which the
request's finish awaits before the client has its answer, so rows survive ``kill -9``. A row
dropped from the full memory buffer stays in the spool and is written at the next start. See
docs/durability.md.

A row the store refuses for its content (a lone surrogate SQLite cannot encode, a NUL PostgreSQL
refuses) no longer stops the ledger: the batch is split to find it (tenbin.batching), the original
is kept in the ``quarantine`` table with the reason (tenbin.quarantine), and a repaired copy (NUL
and surrogates as U+FFFD, strings cut to ``storable.REPAIR_MAX``) is stored in ``usage`` under the
same request_id, so the request is still billed and counted. ``quarantined`` counts them
(``/healthz``: ``ledger_quarantined``). The spool keeps the repaired copy of a row that JSON cannot
encode, so such a row no longer fails its request.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from tenbin import quarantine as qt
from tenbin.batching import BatchWriter
from tenbin.config.schema import LedgerConfig
from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.ledger.spool import SegmentReader, Spool
from tenbin.storable import REPAIR_MAX, scrub_value

if TYPE_CHECKING:  # store/ imports the record it writes; the writer only calls the store it is given
    from tenbin.store.base import Store

log = logging.getLogger("tenbin.ledger")


def repaired(rec: UsageRecord) -> UsageRecord:
    """``rec`` with every string storable (NUL and surrogates as U+FFFD, at most REPAIR_MAX chars)."""
    changes = {}
    for c in COLUMNS:
        v = getattr(rec, c)
        if isinstance(v, (str, dict)):
            changes[c] = scrub_value(v, REPAIR_MAX)
    return dataclasses.replace(rec, **changes)


class LedgerWriter(BatchWriter[UsageRecord]):
    def __init__(self, store: Store, cfg: LedgerConfig) -> None:
        super().__init__("ledger", log, batch_size=cfg.batch_size, flush_interval_s=cfg.flush_interval_s,
                         max_buffer=cfg.max_buffer)
        self.store = store
        self.cfg = cfg
        self._segs: deque[int] = deque()  # spool segment of each buffered row (0: not spooled)
        self.spool = Spool(Path(cfg.spool_dir), cfg.spool_fsync) if cfg.spool_dir else None
        self.observers: list[Callable[[UsageRecord], None]] = []
        self.recovered = 0
        self._replay_task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None and self.spool is not None and self.spool.leftover():
            self._replay_task = asyncio.get_running_loop().create_task(self._replay(), name="ledger-replay")
        super().start()

    def record(self, rec: UsageRecord) -> asyncio.Future[None] | None:
        """Spool (if configured) and buffer one row; a row the full buffer refuses stays in the spool.
        Observers (metrics) see every row here, the one place every request's outcome passes.

        Without a spool: None, nothing to wait for. With one: the future of the row's spool write
        (in the page cache; with ``spool_fsync: always`` fsynced), which the caller awaits before
        the client has its answer. The row is queued and buffered before this returns, so a caller
        cancelled while it waits loses nothing."""
        for observe in self.observers:
            try:
                observe(rec)
            except Exception:  # a metrics bug must never cost a ledger row
                log.exception("ledger observer %r failed", observe)
        if self.spool is None:
            if self.push(rec):
                self._segs.append(0)
            return None
        seg, spooled = self._spool(self.spool, rec)
        if self.push(rec):
            self._segs.append(seg)
        return spooled

    @staticmethod
    def _spool(spool: Spool, rec: UsageRecord) -> tuple[int, asyncio.Future[None]]:
        try:
            return spool.append(rec)
        except (TypeError, ValueError):  # JSON cannot hold a lone surrogate: spool the repaired copy
            log.warning("ledger: row %s spooled as its repaired copy (a string JSON cannot encode)",
                        rec.request_id.encode("ascii", "backslashreplace").decode())
            return spool.append(repaired(rec))

    async def _replay(self) -> None:
        """Stream a previous run's spool into the store, retrying until the store takes it. The
        files are read (in chunks) and deleted on a worker thread: a spool of many segments on a
        slow disk must not hold the loop that serves the requests meanwhile."""
        assert self.spool is not None
        for path in self.spool.leftover():
            reader = SegmentReader(path)
            while batch := await asyncio.to_thread(reader.take, self.cfg.batch_size):
                await self._insert_until_stored(batch)
            await asyncio.to_thread(path.unlink, missing_ok=True)
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
                await self.write_isolating(batch, lambda _: None)  # a refused row is quarantined, not retried
                self.recovered += len(batch)
                return
            except Exception as e:  # the store is down: the rows stay on disk meanwhile
                log.error("ledger replay failed (%s); retrying in %.1fs", type(e).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def write(self, batch: list[UsageRecord]) -> None:
        await self.store.insert_usage(batch)

    def is_content_error(self, exc: Exception) -> bool:
        return self.store.is_content_error(exc)

    def item_id(self, item: UsageRecord) -> str:
        return f"row {item.request_id}"

    async def quarantine(self, item: UsageRecord, exc: Exception) -> bool:
        """Keep the refused row; store its repaired copy when repairing changes anything."""
        fixed = repaired(item)
        fixable = fixed != item
        key = await qt.put(self.store, "ledger", fixed.request_id, qt.reason(exc),
                                   item.as_dict(), repaired=fixable)
        if not fixable:
            return False
        try:
            await self.store.insert_usage([fixed])
        except Exception as e:
            if not self.store.is_content_error(e):
                raise
            await qt.unrepaired(self.store, key)
            return False
        return True

    def stored(self, batch: list[UsageRecord]) -> None:
        for _ in batch:
            seg = self._segs.popleft()
            if seg and self.spool is not None:
                self.spool.ack(seg)

    async def tick(self) -> None:
        if self.spool is not None:
            await self.spool.sync()

    async def close(self, timeout: float = 30.0) -> None:
        if self._replay_task is not None:  # unfinished segments stay on disk for the next start
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._replay_task, timeout)
            self._replay_task = None
        await super().close(timeout)
        spool, self.spool = self.spool, None  # a row recorded from now on is buffered only
        if spool is not None:
            await spool.aclose()
