"""The spool's disk work happens off the event loop, and the durability guarantee still holds.

A slow disk is faked by wrapping ``os.fsync`` (or, on the spool thread only, ``os.write``) with a
sleep, and a replay's chunk reads the same way. The checks that matter are not timings: where the
disk calls ran (never the loop's thread), whether the loop ran at all *while* one was in progress
(a blocking call leaves no chance to), how many fsyncs N concurrent rows took, and what was on disk
when the client had its answer. The only wall-clock bounds are generous ones, explained in place.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tenbin.config.schema import LedgerConfig
from tenbin.ledger import spool as spool_mod
from tenbin.ledger.spool import THREAD_NAME, SegmentReader, Spool
from tenbin.ledger.writer import LedgerWriter
from tenbin.store.sqlite import SQLiteStore
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway
from tests.scale.test_postgres_store import rec
from tests.scale.test_spool import spool_rows

SLOW = 0.3  # seconds one faked disk call takes


@dataclass
class SlowDisk:
    """What the faked slow calls saw: which threads ran them, how many, whether one is running,
    and for each file (inode) the size it had when an fsync of it began (what that fsync covers)."""

    threads: set[int] = field(default_factory=set)
    calls: int = 0
    busy: int = 0
    fsynced: dict[int, int] = field(default_factory=dict)

    def wrap(self, real: Callable[..., Any], *, spool_thread_only: bool = False) -> Callable[..., Any]:
        def slow(fd: int, *a: Any) -> Any:
            if spool_thread_only and threading.current_thread().name != THREAD_NAME:
                return real(fd, *a)
            self.threads.add(threading.get_ident())
            self.calls += 1
            self.busy += 1
            try:
                if real is REAL_FSYNC:
                    st = os.fstat(fd)
                    self.fsynced[st.st_ino] = max(self.fsynced.get(st.st_ino, 0), st.st_size)
                time.sleep(SLOW)
                return real(fd, *a)
            finally:
                self.busy -= 1
        return slow


REAL_FSYNC = os.fsync


@pytest.fixture
def slow_fsync(monkeypatch: pytest.MonkeyPatch) -> SlowDisk:
    disk = SlowDisk()
    monkeypatch.setattr(os, "fsync", disk.wrap(REAL_FSYNC))
    return disk


@pytest.fixture
def slow_write(monkeypatch: pytest.MonkeyPatch) -> SlowDisk:
    disk = SlowDisk()
    monkeypatch.setattr(os, "write", disk.wrap(os.write, spool_thread_only=True))
    return disk


class Ticker:
    """A coroutine that counts its turns, and the turns it got while a slow disk call was running:
    with the call on the loop's thread that count is 0 by construction."""

    def __init__(self, disk: SlowDisk | None = None) -> None:
        self.disk = disk
        self.ticks = 0
        self.ticks_while_busy = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(0.005)
            self.ticks += 1
            if self.disk is not None and self.disk.busy:
                self.ticks_while_busy += 1

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def test_always_fsyncs_off_the_loop_and_groups_concurrent_rows(tmp_path: Path, slow_fsync: SlowDisk) -> None:
    n = 20

    async def go() -> float:
        store = SQLiteStore(str(tmp_path / "ledger.db"))
        await store.migrate()
        w = LedgerWriter(store, LedgerConfig(spool_dir=str(tmp_path / "spool"), spool_fsync="always"))
        w.start()
        loop_thread = threading.get_ident()
        with Ticker(slow_fsync) as ticker:
            t0 = time.perf_counter()
            spooled = [w.record(rec(f"g{i}")) for i in range(n)]  # N requests finishing at once
            await asyncio.gather(*(s for s in spooled if s is not None))
            took = time.perf_counter() - t0
        assert loop_thread not in slow_fsync.threads
        assert ticker.ticks_while_busy > 0  # the loop kept running during an fsync
        await w.close()
        await store.close()
        return took

    took = asyncio.run(go())
    # The 20 rows are recorded in one turn of the loop, and the spool hands them to its thread at
    # the next: one write and one fsync for all of them, not 20 (deterministic, not a timing).
    assert slow_fsync.calls == 1
    assert took < n * SLOW / 2  # ~0.3 s; 20 serial fsyncs would be 6 s (a bound no load reaches)


def test_rows_queued_during_an_fsync_share_the_next_one(tmp_path: Path, slow_fsync: SlowDisk) -> None:
    async def go() -> None:
        s = Spool(tmp_path, "always")
        _, first = s.append(rec("first"))
        while not slow_fsync.busy:  # its fsync has begun
            await asyncio.sleep(0.001)
        later = [s.append(rec(f"later{i}"))[1] for i in range(10)]
        await asyncio.sleep(0.05)
        assert not first.done() and not any(f.done() for f in later)  # none answered before its fsync
        await first
        await asyncio.gather(*later)
        await s.aclose()

    asyncio.run(go())
    assert slow_fsync.calls == 2  # one for the first row, one for the ten queued meanwhile


def test_interval_writes_go_on_during_the_group_fsync(tmp_path: Path, slow_fsync: SlowDisk) -> None:
    async def go() -> None:
        s = Spool(tmp_path, "interval")
        _, first = s.append(rec("before"))
        await first
        sync = asyncio.get_running_loop().create_task(s.sync())
        while not slow_fsync.busy:  # the group fsync has begun (on a worker thread)
            await asyncio.sleep(0.001)
        _, during = s.append(rec("during"))
        await during
        assert slow_fsync.busy and not sync.done()  # written while the fsync was still running
        await sync
        await s.aclose()

    asyncio.run(go())
    assert [r.request_id for r in Spool.read(next(tmp_path.glob("seg-*.jsonl")))] == ["before", "during"]


def test_a_cancelled_waiter_loses_no_row(tmp_path: Path, slow_fsync: SlowDisk) -> None:
    async def go() -> None:
        s = Spool(tmp_path, "always")
        _, spooled = s.append(rec("gone"))

        async def request() -> None:
            await spooled

        task = asyncio.get_running_loop().create_task(request())
        await asyncio.sleep(0)
        task.cancel()  # the client left while the row was being fsynced
        await s.aclose()

    asyncio.run(go())
    assert [r.request_id for r in Spool.read(next(tmp_path.glob("seg-*.jsonl")))] == ["gone"]


def test_rotation_and_acks_across_one_group_append(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spool_mod, "ROTATE_ROWS", 4)

    async def go() -> None:
        s = Spool(tmp_path, "always")
        appended = [s.append(rec(f"r{i}")) for i in range(10)]
        await asyncio.gather(*(f for _, f in appended))
        segs = [seg for seg, _ in appended]
        assert segs == [1] * 4 + [2] * 4 + [3] * 2
        assert sorted(p.name for p in tmp_path.glob("seg-*")) == [f"seg-{i:012d}.jsonl" for i in (1, 2, 3)]
        s.ack(1, 4)
        s.ack(3, 2)  # the live segment, fully stored: the next row starts segment 4
        seg, f = s.append(rec("r10"))
        await f
        assert seg == 4
        assert sorted(p.name for p in tmp_path.glob("seg-*")) == [f"seg-{i:012d}.jsonl" for i in (2, 4)]
        await s.aclose()

    asyncio.run(go())
    s = Spool(tmp_path)
    assert [r.request_id for p in s.leftover() for r in Spool.read(p)] == ["r4", "r5", "r6", "r7", "r10"]
    s.close()


def test_replay_of_a_large_spool_reads_off_the_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spool = tmp_path / "spool"
    n = 12_000
    spool_rows(spool, [rec(f"x{i:05d}", cost=i) for i in range(n)], fsync="never")
    assert (spool / "seg-000000000001.jsonl").stat().st_size > 3 * spool_mod.READ_CHUNK
    disk = SlowDisk()
    fill = SegmentReader._fill

    def slow_fill(self: SegmentReader) -> None:  # every chunk read from a slow disk
        disk.threads.add(threading.get_ident())
        disk.calls += 1
        disk.busy += 1
        try:
            time.sleep(SLOW)
            fill(self)
        finally:
            disk.busy -= 1

    monkeypatch.setattr(SegmentReader, "_fill", slow_fill)

    async def go() -> int:
        store = SQLiteStore(str(tmp_path / "ledger.db"))
        await store.migrate()
        w = LedgerWriter(store, LedgerConfig(spool_dir=str(spool), batch_size=500))
        with Ticker(disk) as ticker:
            w.start()
            await w.wait_replayed()
        assert threading.get_ident() not in disk.threads
        assert ticker.ticks_while_busy > 0
        await w.close()
        got = await store.query("SELECT count(*) AS n, sum(cost_jpy_nanos) AS s FROM usage")
        await store.close()
        assert int(got[0]["s"]) == n * (n - 1) // 2
        return int(got[0]["n"])

    assert asyncio.run(go()) == n
    assert disk.calls >= 4  # read in chunks, not at once
    assert list(spool.glob("seg-*.jsonl")) == []


# ---- the guarantee, through the real HTTP app -------------------------------------------------

def _gateway_cfg(upstream: str, spool: Path, fsync: str) -> dict[str, Any]:
    # No flush while the test looks: a row the store has taken is acknowledged and its segment
    # deleted, and the test could not tell that from a row never spooled.
    return {"providers": {"fake": openai_provider(upstream)}, "models": [fake_model("gpt-4o", "fake")],
            "default_model": "gpt-4o",
            "ledger": {"spool_dir": str(spool), "spool_fsync": fsync, "flush_interval_s": 60}}


def _on_disk(spool: Path, request_id: str, disk: SlowDisk, fsynced: bool) -> bool:
    """Is the row of ``request_id`` in a segment file (and, with ``fsynced``, inside the part of
    it an fsync had begun on)?"""
    for path in spool.glob("seg-*.jsonl"):
        data = path.read_bytes()
        at = data.find(orjson.dumps(request_id))
        if at < 0:
            continue
        end = data.index(b"\n", at) + 1
        return not fsynced or end <= disk.fsynced.get(path.stat().st_ino, 0)
    return False


@pytest.fixture
def gateway(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[Callable[[str], Any]]:
    started = []

    def make(fsync: str) -> Any:
        gw = start_gateway(lt, _gateway_cfg(fake_openai.url, tmp_path / "spool", fsync), tmp_path,
                           {"FAKE_KEY": "sk-fake"})
        started.append(gw)
        return gw

    yield make
    for gw in started:
        gw.stop()


@pytest.mark.parametrize("fsync", ["always", "interval"])
@pytest.mark.parametrize("stream", [False, True])
def test_the_row_is_on_disk_when_the_client_has_the_answer(
        gateway: Callable[[str], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsync: str,
        stream: bool) -> None:
    """``always``: fsync is slow, and the row must lie inside what an fsync covered; ``interval``:
    the spool thread's write is slow, and the row must be in the file. An answer that did not wait
    for the spool would reach the client 0.3 s before either holds."""
    disk = SlowDisk()
    if fsync == "always":
        monkeypatch.setattr(os, "fsync", disk.wrap(REAL_FSYNC))
    else:
        monkeypatch.setattr(os, "write", disk.wrap(os.write, spool_thread_only=True))
    gw = gateway(fsync)
    spool = tmp_path / "spool"
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}], "stream": stream}
    with httpx.Client(timeout=10) as client:
        for _ in range(3):
            if not stream:
                r = client.post(f"{gw.base_url}/chat/completions", json=body, headers={"authorization": "Bearer local"})
                assert r.status_code == 200, r.text
                assert _on_disk(spool, r.headers["x-tenbin-request-id"], disk, fsync == "always")
                continue
            with client.stream("POST", f"{gw.base_url}/chat/completions", json=body,
                               headers={"authorization": "Bearer local"}) as r:
                assert r.status_code == 200
                rid = r.headers["x-tenbin-request-id"]
                lines = []
                for line in r.iter_lines():
                    lines.append(line)
                    if line == "data: [DONE]":  # the stream's last bytes: the row must be there now
                        assert _on_disk(spool, rid, disk, fsync == "always")
                assert "data: [DONE]" in lines
    assert disk.calls >= 3 and threading.get_ident() not in disk.threads
    assert gw.runtime.ledger.spool is not None and gw.runtime.ledger.spool.errors == 0


def test_a_refusal_is_spooled_before_it_is_answered(
        gateway: Callable[[str], Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk = SlowDisk()
    monkeypatch.setattr(os, "fsync", disk.wrap(REAL_FSYNC))
    gw = gateway("always")
    r = httpx.post(f"{gw.base_url}/chat/completions", content=b"{not json", timeout=10,
                   headers={"authorization": "Bearer local", "content-type": "application/json"})
    assert r.status_code == 400
    rid = r.headers["x-tenbin-request-id"]
    assert _on_disk(tmp_path / "spool", rid, disk, fsynced=True)


def test_a_spool_that_cannot_write_is_counted_on_healthz(
        gateway: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """A full disk under ``ledger.spool_dir``: the request is not answered as if its row were safe,
    and ``/healthz`` counts the failed spool writes, where an operator's probe looks."""
    real = os.write

    def full(fd: int, data: Any) -> int:
        if threading.current_thread().name == THREAD_NAME:
            raise OSError(28, "No space left on device")
        return real(fd, data)

    gw = gateway("interval")
    with httpx.Client(timeout=10) as client:
        first = client.get(f"{gw.url}/healthz").json()
        assert first["ledger_spool_errors"] == 0, first
        body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
        with monkeypatch.context() as disk_full:
            disk_full.setattr(os, "write", full)
            r = client.post(f"{gw.base_url}/chat/completions", json=body, headers={"authorization": "Bearer local"})
        assert r.status_code == 500 and r.json()["error"]["type"] == "server_error", r.text
        assert "space" not in r.text  # the OSError stays in the log
        assert client.get(f"{gw.url}/healthz").json()["ledger_spool_errors"] == 1
