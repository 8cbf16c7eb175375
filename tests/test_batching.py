"""The shared batch writer: order kept across store outages, bounded buffer, drain on close."""

from __future__ import annotations

import asyncio
import logging

from tenbin.batching import BatchWriter


class Flaky(BatchWriter[int]):
    def __init__(self, max_buffer: int = 100) -> None:
        super().__init__("test", logging.getLogger("test"), batch_size=3, flush_interval_s=0.01,
                         max_buffer=max_buffer)
        self.down = False
        self.stored_items: list[int] = []
        self.acked: list[int] = []
        self.refused = asyncio.Event()  # set when a write met the store down

    async def write(self, batch: list[int]) -> None:
        if self.down:
            self.refused.set()
            raise ConnectionError("store down")
        self.stored_items.extend(batch)

    def stored(self, batch: list[int]) -> None:
        self.acked.extend(batch)


async def test_order_survives_an_outage_and_close_drains() -> None:
    w = Flaky()
    w.start()
    w.down = True
    for i in range(10):
        w.push(i)
    await asyncio.wait_for(w.refused.wait(), 5)  # the background flush has met the outage
    assert w.stored_items == [] and w.pending == 10 and w.store_errors >= 1
    w.down = False
    for i in range(10, 12):
        w.push(i)
    await w.close()
    assert w.stored_items == list(range(12)) == w.acked and w.pending == 0


async def test_full_buffer_refuses_and_counts() -> None:
    w = Flaky(max_buffer=2)
    assert w.push(1) and w.push(2) and not w.push(3)
    assert w.dropped == 1
    await w.close()
    assert w.stored_items == [1, 2]


async def test_concurrent_flushes_write_each_item_once() -> None:
    w = Flaky()
    for i in range(9):
        w.push(i)
    await asyncio.gather(w.flush(), w.flush(), w.flush())
    assert w.stored_items == list(range(9))


class Picky(Flaky):
    """Refuses any batch holding a negative item (a content error), like a store refusing a NUL."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.held: list[int] = []
        self.quarantine_down = False
        self.down_after: int | None = None  # the store goes down after this many writes

    async def write(self, batch: list[int]) -> None:
        self.writes += 1
        if self.down_after is not None and self.writes > self.down_after:
            raise ConnectionError("store down")
        if any(i < 0 for i in batch):
            raise ValueError("refused")
        await super().write(batch)

    def is_content_error(self, exc: Exception) -> bool:
        return isinstance(exc, ValueError)

    async def quarantine(self, item: int, exc: Exception) -> bool:
        if self.quarantine_down:
            raise ConnectionError("store down")
        self.held.append(item)
        return False


async def test_refused_items_are_isolated_and_the_rest_written_in_order() -> None:
    w = Picky()
    items = [0, 1, -2, 3, 4, 5, -6, 7, 8]
    for i in items:
        w.push(i)
    assert await w.flush()
    assert w.stored_items == [0, 1, 3, 4, 5, 7, 8] and w.held == [-2, -6]
    assert w.acked == items and w.pending == 0  # quarantined items are acknowledged too (spool)
    assert (w.quarantined, w.repaired, w.store_errors) == (2, 0, 0)


async def test_a_store_that_goes_down_while_isolating_keeps_exactly_the_untaken_items() -> None:
    w = Picky()
    w.batch_size = 8
    for i in [0, 1, 2, 3, -4, 5, 6, 7]:
        w.push(i)
    w.down_after = 2  # the whole batch fails (content), its first half is written, then the store dies
    assert not await w.flush()
    assert w.stored_items == [0, 1, 2, 3] and w.pending == 4 and w.store_errors == 1
    w.down_after = None
    assert await w.flush()
    assert w.stored_items == [0, 1, 2, 3, 5, 6, 7] and w.held == [-4] and w.acked == [0, 1, 2, 3, -4, 5, 6, 7]


async def test_a_quarantine_that_cannot_be_written_is_retried_like_an_outage() -> None:
    w = Picky()
    w.quarantine_down = True
    for i in [1, -2, 3]:
        w.push(i)
    assert not await w.flush()
    assert w.held == [] and w.pending == 2 and w.stored_items == [1]  # -2 and 3 wait; nothing lost
    w.quarantine_down = False
    assert await w.flush()
    assert w.stored_items == [1, 3] and w.held == [-2] and w.quarantined == 1


async def test_without_a_content_classifier_every_failure_is_an_outage() -> None:
    w = Flaky()

    async def refuse(batch: list[int]) -> None:
        raise ValueError("refused")

    w.write = refuse  # type: ignore[method-assign]
    w.push(1)
    assert not await w.flush() and w.pending == 1 and w.quarantined == 0


async def test_close_does_not_wait_on_a_refused_batch() -> None:
    w = Picky()
    w.start()
    for i in range(20):
        w.push(-i if i == 7 else i)
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await w.close(timeout=5)
    assert loop.time() - t0 < 1 and w.pending == 0 and w.held == [-7] and len(w.stored_items) == 19


class Gated(Flaky):
    """Each write waits for ``gate``: items pushed meanwhile arrive while a round is writing."""

    def __init__(self) -> None:
        super().__init__()
        self.flush_interval_s = 3600.0  # only a full batch (batch_size 3) wakes the background round
        self.gate = asyncio.Event()
        self.writing = asyncio.Event()
        self.batches: list[list[int]] = []

    async def write(self, batch: list[int]) -> None:
        self.writing.set()
        await self.gate.wait()
        self.batches.append(list(batch))
        await super().write(batch)


async def test_a_background_round_writes_what_was_buffered_when_it_began() -> None:
    # Items that come while a round writes wait for the next round, so at saturation a round is a
    # full batch rather than whatever arrived during the previous write (a few rows at a time).
    w = Gated()
    w.start()
    for i in range(3):
        w.push(i)  # a full batch: wakes the round
    await asyncio.wait_for(w.writing.wait(), 5)
    w.push(3)
    w.push(4)
    w.gate.set()
    for _ in range(20):
        await asyncio.sleep(0)
    assert w.batches == [[0, 1, 2]] and w.pending == 2 and w.written == 3 and w.accepted == 5
    w.push(5)  # the next full batch wakes the next round
    for _ in range(20):
        await asyncio.sleep(0)
    assert w.batches == [[0, 1, 2], [3, 4, 5]]
    w.push(6)
    await w.close()  # close and manual flushes still drain everything
    assert w.batches[-1] == [6] and w.stored_items == list(range(7)) and w.pending == 0
