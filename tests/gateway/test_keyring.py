"""The key cache's refresh: one store read per key at a time, however many requests find it stale."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tenbin.auth.keys import KeyRing
from tenbin.clock import ManualClock
from tenbin.errors import Unauthorized
from tenbin.store.base import KeyRecord
from tenbin.store.sqlite import SQLiteStore

pytestmark = pytest.mark.asyncio


class CountingStore(SQLiteStore):
    """The real SQLite store; it only counts the key reads and can hold them until released."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.reads = 0
        self.gate: asyncio.Event | None = None

    async def get_key(self, key_id: str) -> KeyRecord | None:
        self.reads += 1
        if self.gate is not None:
            await self.gate.wait()
        return await super().get_key(key_id)


async def _ring(tmp_path: Path) -> tuple[CountingStore, KeyRing, ManualClock]:
    store = CountingStore(str(tmp_path / "t.db"))
    await store.migrate()
    clock = ManualClock("2026-11-20T09:00:00Z")
    return store, KeyRing(store, ttl_s=2.0, clock=clock), clock


async def test_requests_finding_a_stale_key_together_share_one_store_read(tmp_path: Path) -> None:
    store, ring, clock = await _ring(tmp_path)
    try:
        key, rec = await ring.create("t", "p")
        await ring.authenticate(key)
        assert store.reads == 1
        clock.advance(2.5)  # stale for every request now
        store.gate = asyncio.Event()
        waiting = [asyncio.ensure_future(ring.authenticate(key)) for _ in range(16)]
        await asyncio.sleep(0.05)
        store.gate.set()
        got = await asyncio.gather(*waiting)
        assert store.reads == 2 and {p.key_id for p in got} == {rec.id}
        await ring.authenticate(key)  # fresh again: no read
        assert store.reads == 2
    finally:
        await store.close()


async def test_a_client_leaving_does_not_cancel_the_read_others_wait_for(tmp_path: Path) -> None:
    store, ring, clock = await _ring(tmp_path)
    try:
        key, _ = await ring.create("t", "p")
        clock.advance(10)
        store.gate = asyncio.Event()
        gone = asyncio.ensure_future(ring.authenticate(key))
        stays = asyncio.ensure_future(ring.authenticate(key))
        await asyncio.sleep(0.05)
        gone.cancel()
        store.gate.set()
        assert (await stays).team == "t" and gone.cancelled() and store.reads == 1
    finally:
        await store.close()


async def test_an_unknown_key_is_refused_for_every_waiter_and_read_again_next_time(tmp_path: Path) -> None:
    store, ring, _clock = await _ring(tmp_path)
    try:
        store.gate = asyncio.Event()
        waiting = [asyncio.ensure_future(ring.authenticate("tb-nosuchkey-secret")) for _ in range(4)]
        await asyncio.sleep(0.05)
        store.gate.set()
        results = await asyncio.gather(*waiting, return_exceptions=True)
        assert all(isinstance(r, Unauthorized) for r in results) and store.reads == 1
        with pytest.raises(Unauthorized):
            await ring.authenticate("tb-nosuchkey-secret")
        assert store.reads == 2  # a refusal is not cached: the key may be created meanwhile
    finally:
        await store.close()


async def test_a_key_in_use_is_read_again_ahead_of_time_without_a_request_waiting(tmp_path: Path) -> None:
    store, ring, clock = await _ring(tmp_path)
    try:
        key, rec = await ring.create("t", "p")
        await ring.authenticate(key)
        clock.advance(1.5)  # past half the ttl, not past the ttl
        store.gate = asyncio.Event()  # the store's thread is busy: a read now would wait
        got = await asyncio.wait_for(ring.authenticate(key), 1.0)  # served at once all the same
        await asyncio.wait_for(ring.authenticate(key), 1.0)
        assert got.key_id == rec.id and store.reads == 2  # one read started for both, in the background
        store.gate.set()
        await asyncio.sleep(0.05)
        clock.advance(1.0)  # 2.5 s after the first read, 1.0 s after the one ahead of time
        await asyncio.wait_for(ring.authenticate(key), 1.0)
        assert store.reads == 2
    finally:
        await store.close()


async def test_past_the_ttl_a_request_still_waits_for_the_store(tmp_path: Path) -> None:
    store, ring, clock = await _ring(tmp_path)
    try:
        key, _ = await ring.create("t", "p")
        await ring.authenticate(key)
        clock.advance(2.5)
        store.gate = asyncio.Event()
        waiting = asyncio.ensure_future(ring.authenticate(key))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # never served from a check older than ttl_s
        store.gate.set()
        assert (await waiting).team == "t"
    finally:
        await store.close()


async def test_a_revocation_the_early_read_finds_refuses_the_next_request(tmp_path: Path) -> None:
    store, ring, clock = await _ring(tmp_path)
    try:
        key, rec = await ring.create("t", "p")
        await ring.authenticate(key)
        assert await store.revoke_key(rec.id, 1.0)  # by another replica or the CLI: this ring's cache is not told
        clock.advance(1.5)
        assert (await ring.authenticate(key)).key_id == rec.id  # its check is 1.5 s old: still within ttl_s
        await asyncio.sleep(0.05)  # the read started ahead of time sees the revocation
        with pytest.raises(Unauthorized):
            await ring.authenticate(key)
    finally:
        await store.close()
