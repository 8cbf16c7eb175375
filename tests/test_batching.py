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
