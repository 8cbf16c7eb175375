"""A bounded in-memory buffer flushed in batches by a background task.

The ledger and the audit log both must never make a request wait on the database, must keep
their order while the store is down, and must drain on a clean shutdown. That shared mechanism
lives here; each writer supplies ``write(batch)`` and, optionally, what happens after a batch
is stored (``stored``) and after each flush round (``after_flush``).

A batch can fail for two reasons, told apart by the writer's ``is_content_error`` (which asks the
store): the store is down (keep every item, retry the same batch next round), or the store refused
what one or more rows hold (a lone surrogate, a NUL, a value the schema refuses). Retrying the
latter can never succeed and used to stop the writer for good, so the batch is split in halves
until the refused rows are found; the rest are written in order and each refused row goes to the
writer's ``quarantine`` (tenbin.quarantine), counted in ``quarantined`` and logged at ERROR.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def _ascii(s: str, limit: int = 300) -> str:
    out = s.encode("ascii", "backslashreplace").decode("ascii")
    return out if len(out) <= limit else out[:limit] + "…"


class BatchWriter(Generic[T]):
    def __init__(self, name: str, log: logging.Logger, *, batch_size: int, flush_interval_s: float,
                 max_buffer: int) -> None:
        self.name = name
        self.log = log
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_buffer = max_buffer
        self._buf: deque[T] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._flush_lock: asyncio.Lock | None = None
        self._writing = 0  # the oldest items, being written now (still buffered until taken)
        self.dropped = 0
        self.written = 0  # items the store took, quarantined ones included
        self.accepted = 0  # items ever buffered: the k-th (from 1) is stored once written >= k
        self.store_errors = 0
        self.quarantined = 0
        self.repaired = 0  # quarantined items whose repaired copy was stored in their place

    # ---- what a writer supplies -----------------------------------------------------------
    async def write(self, batch: list[T]) -> None:
        raise NotImplementedError

    def stored(self, batch: list[T]) -> None:
        """Called once a batch is durable in the store (e.g. to acknowledge a spool)."""

    async def after_flush(self) -> bool:
        """Called after each flush round (a background round may leave items that came while it
        wrote: compare ``written`` with ``accepted`` for what is stored); False reports a failure."""
        return True

    async def tick(self) -> None:
        """Called once per background round, after the flush (e.g. a group fsync)."""

    def is_content_error(self, exc: Exception) -> bool:
        """True when ``write`` failed because of what the batch holds, not because the store is
        down. The default never splits a batch: every failure is retried whole."""
        return False

    async def quarantine(self, item: T, exc: Exception) -> bool:
        """Keep one item the store refused (``exc`` says why) somewhere durable; True when a
        repaired copy was stored in its place. Raise when the store is down (retried later)."""
        raise exc

    def item_id(self, item: T) -> str:
        """How the log names an item."""
        return "?"

    # ---- buffering ------------------------------------------------------------------------
    def push(self, item: T) -> bool:
        """Buffer one item; False (counted and logged) when the buffer is full."""
        if len(self._buf) >= self.max_buffer:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                self.log.error("%s buffer full (%d): %d not buffered so far", self.name, len(self._buf),
                               self.dropped)
            return False
        self._buf.append(item)
        self.accepted += 1
        if len(self._buf) - self._writing >= self.batch_size:  # a full batch besides the one in flight
            self._wake.set()
        return True

    @property
    def pending(self) -> int:
        return len(self._buf)

    # ---- flushing -------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"{self.name}-writer")

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.flush_interval_s)
            self._wake.clear()
            # Only what was buffered when the round began: the items that come while it writes wait
            # for the next round (flush_interval_s, or batch_size of them). Chasing them made a round
            # of ~50 rows every ~30 ms at saturation, where the store thread's cost is mostly per
            # statement and per GIL hand-back (bench/gateway_overhead/README.md, "Fuller batches
            # for the store thread").
            await self.flush(self.pending)
            await self.tick()
            if self._closing and not self._buf:
                return

    async def flush(self, limit: int | None = None) -> bool:
        """Write everything buffered, in order; False if the store failed (items kept for retry).
        ``limit``: at most this many of the oldest items (the background round's, below).

        Serialised: a manual flush (shutdown, tests, admin reads) may overlap the background one,
        and two flushers would write the same batch twice.
        """
        if self._flush_lock is None:
            self._flush_lock = asyncio.Lock()
        async with self._flush_lock:
            budget = math.inf if limit is None else limit  # a manual flush: until the buffer is empty
            while self._buf and budget > 0:
                n = int(min(self.batch_size, len(self._buf), budget))
                batch = [self._buf[i] for i in range(n)]
                budget -= n
                self._writing = n
                try:
                    await self.write_isolating(batch, self._taken)
                except Exception as e:  # the store is down: keep the items, try again later
                    self.store_errors += 1
                    if self.store_errors == 1 or self.store_errors % 50 == 0:
                        self.log.error("%s write failed (%s); %d buffered", self.name, type(e).__name__,
                                       len(self._buf))
                    return False
                finally:
                    self._writing = 0
            return await self.after_flush()

    def _taken(self, items: list[T]) -> None:
        """``items`` (the oldest buffered, in order) are in the store or in quarantine."""
        for _ in items:
            self._buf.popleft()
        self.written += len(items)
        self.stored(items)

    async def write_isolating(self, batch: list[T], taken: Callable[[list[T]], None]) -> None:
        """Write ``batch``; if the store refuses it for its content, bisect it to find the refused
        items, quarantine those and write the rest, keeping the order. ``taken(items)`` is called for
        every run of items stored or quarantined, in order, as soon as it is, so a store that goes
        down halfway leaves exactly the untaken items to retry. Raises when the store is down.

        k refused items in a batch of n cost about 2·k·log2(n) extra writes."""
        try:
            await self.write(batch)
        except Exception as e:
            if not self.is_content_error(e):
                raise
            if len(batch) > 1:
                mid = len(batch) // 2
                await self.write_isolating(batch[:mid], taken)
                await self.write_isolating(batch[mid:], taken)
                return
            repaired = await self.quarantine(batch[0], e)
            self.quarantined += 1
            self.repaired += repaired
            self.log.error("%s: the store refused %s (%s: %s); quarantined%s (%d so far)", self.name,
                           _ascii(self.item_id(batch[0])), type(e).__name__, _ascii(str(e)),
                           ", a repaired copy was stored" if repaired else ", not stored", self.quarantined)
        taken(batch)

    async def close(self, timeout: float = 30.0) -> None:
        """Drain the buffer (bounded by ``timeout``) and stop the background task."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout)
            except TimeoutError:
                self._task.cancel()
                self.log.error("%s: %d items could not be written before shutdown", self.name, len(self._buf))
            self._task = None
        else:
            await self.flush()
