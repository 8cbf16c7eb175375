"""The ledger's write-ahead spool: rows survive kill -9 and replay exactly once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tenbin.config.schema import LedgerConfig
from tenbin.ledger.record import UsageRecord
from tenbin.ledger.spool import Spool, SpoolLocked
from tenbin.ledger.writer import LedgerWriter
from tenbin.store.postgres import PostgresStore
from tenbin.store.sqlite import SQLiteStore
from tests.scale.test_postgres_store import rec

CHILD = textwrap.dedent("""
    import asyncio, os, signal, sys, time
    from tenbin.config.schema import LedgerConfig
    from tenbin.ledger.record import UsageRecord
    from tenbin.ledger.writer import LedgerWriter
    from tenbin.store.postgres import PostgresStore

    async def main():
        w = LedgerWriter(PostgresStore(sys.argv[2]), LedgerConfig(spool_dir=sys.argv[1], flush_interval_s=0.05))
        await w.store.migrate()
        w.start()
        spooled = []
        for i in range(500):
            spooled.append(w.record(UsageRecord(
                request_id=f"c{i}", ts_start=time.time(), ts_end=time.time(), key_id="k", team="t", project="p",
                use_case=None, requested_model="m", served_model="m", provider="f", region="US", cost_jpy_nanos=i)))
            if i == 300:
                while w.written == 0:  # let a flush land, so some rows are both stored and spooled
                    await asyncio.sleep(0.01)
        await asyncio.gather(*spooled)  # what a request awaits before its client has the answer
        print("recorded", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    asyncio.run(main())
""")


def test_spool_is_single_owner(tmp_path: Path) -> None:
    s = Spool(tmp_path)
    with pytest.raises(SpoolLocked, match="another process"):
        Spool(tmp_path)
    s.close()
    Spool(tmp_path).close()


def spool_rows(directory: Path, rows: list[UsageRecord], fsync: str = "interval") -> None:
    """A spool a crashed process left: ``rows`` written, none acknowledged."""
    async def go() -> None:
        s = Spool(directory, fsync)
        await asyncio.gather(*(s.append(r)[1] for r in rows))
        await s.aclose()

    asyncio.run(go())


def test_acked_segments_are_deleted_and_torn_lines_skipped(tmp_path: Path) -> None:
    async def go() -> None:
        s = Spool(tmp_path)
        seg, a = s.append(rec("a"))
        _, b = s.append(rec("b"))
        await asyncio.gather(a, b)
        assert s.unacked == 2 and len(list(tmp_path.glob("seg-*"))) == 1
        s.ack(seg, 2)
        seg_c, c = s.append(rec("c"))
        await c  # the thread deletes a fully stored segment before it writes what was queued after
        assert seg_c != seg and [p.name for p in tmp_path.glob("seg-*")] == [f"seg-{seg_c:012d}.jsonl"]
        await s.aclose()

    asyncio.run(go())
    (tmp_path / "seg-000000000099.jsonl").write_bytes(b'{"request_id": "torn", "ts_')
    s = Spool(tmp_path)
    assert [r.request_id for p in s.leftover() for r in Spool.read(p)] == ["c"]
    s.close()


def test_kill_9_loses_no_row_and_doubles_none(tmp_path: Path, pg: str) -> None:
    spool = tmp_path / "spool"
    out = subprocess.run([sys.executable, "-c", CHILD, str(spool), pg], capture_output=True, timeout=60,
                         text=True)
    assert out.returncode == -9 and "recorded" in out.stdout, out.stderr

    async def replay() -> list[dict[str, object]]:
        store = PostgresStore(pg)
        before = await store.query("SELECT count(*) AS n FROM usage")
        assert 0 < int(before[0]["n"]) < 500  # the crash really cut the writer off mid-way
        w = LedgerWriter(store, LedgerConfig(spool_dir=str(spool), flush_interval_s=0.05))
        w.start()
        await w.wait_replayed()
        assert 0 < w.recovered <= 500  # unacknowledged segments only; already stored rows are ignored
        await w.close()
        rows = await store.query("SELECT request_id, cost_jpy_nanos FROM usage ORDER BY cost_jpy_nanos")
        await store.close()
        return rows

    rows = asyncio.run(replay())
    assert [r["request_id"] for r in rows] == [f"c{i}" for i in range(500)]
    assert list(spool.glob("seg-*")) == []


class CountingWriter(LedgerWriter):
    """The real writer; records each batch it hands the store, and fails one of them on cue."""

    def __init__(self, store: SQLiteStore, cfg: LedgerConfig, fail_call: int | None = None) -> None:
        super().__init__(store, cfg)
        self.batches: list[list[str]] = []
        self.fail_call = fail_call

    async def write(self, batch: list[UsageRecord]) -> None:
        if len(self.batches) + 1 == self.fail_call:
            self.fail_call = None
            self.batches.append([])
            raise ConnectionError("store down for one write")
        self.batches.append([r.request_id for r in batch])
        await super().write(batch)


def test_replay_larger_than_one_batch_stores_every_row_once_in_order(tmp_path: Path) -> None:
    """95 spooled rows over two segments, replayed in batches of 10 (the last one partial), with a
    store failure on the 4th write and 15 rows a previous flush had already stored."""
    spool = tmp_path / "spool"
    rows = [rec(f"r{i:03d}", cost=i) for i in range(95)]
    spool_rows(spool, rows[:60])
    spool_rows(spool, rows[60:])  # a restart that crashed again: its rows go to a segment of their own
    assert len(list(spool.glob("seg-*.jsonl"))) == 2

    async def go() -> tuple[CountingWriter, list[dict[str, object]]]:
        store = SQLiteStore(str(tmp_path / "ledger.db"))
        await store.migrate()
        await store.insert_usage(rows[:15])
        w = CountingWriter(store, LedgerConfig(spool_dir=str(spool), batch_size=10, flush_interval_s=0.01),
                           fail_call=4)
        w.start()
        await w.wait_replayed()
        await w.close()
        stored = await store.query("SELECT request_id, cost_jpy_nanos FROM usage ORDER BY cost_jpy_nanos")
        await store.close()
        return w, stored

    w, stored = asyncio.run(go())
    assert [r["request_id"] for r in stored] == [f"r{i:03d}" for i in range(95)]  # each once, none lost
    assert [r["cost_jpy_nanos"] for r in stored] == list(range(95))
    ids = [f"r{i:03d}" for i in range(95)]
    # segment 1: 60 rows → 6 batches (the 4th retried after the failure); segment 2: 35 → 10, 10, 10, 5
    expected = [ids[0:10], ids[10:20], ids[20:30], [], ids[30:40], ids[40:50], ids[50:60],
                ids[60:70], ids[70:80], ids[80:90], ids[90:95]]
    assert w.batches == expected
    assert w.recovered == 95 and list(spool.glob("seg-*.jsonl")) == []
