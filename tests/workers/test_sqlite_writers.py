"""Several processes writing one SQLite file, as ``tenbin serve --workers N`` does: the store's
write gate (``<db>-wlock``) serialises their write transactions, the audit chain stays one chain
when entries are sealed before the lock is taken, and the WAL is checkpointed outside the gate."""

from __future__ import annotations

import asyncio
import dataclasses
import fcntl
import multiprocessing
import os
import shutil
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tenbin.auth.keys import generate_key
from tenbin.governance.chain import seal, verify_rows
from tenbin.governance.entries import admin_entry
from tenbin.governance.operator import OPERATOR
from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.store import sqlite as sqlite_store
from tenbin.store.sqlite import SQLiteStore


def _row(i: int, who: str = "a") -> UsageRecord:
    return UsageRecord(request_id=f"{who}-{i}", ts_start=1.0 + i, ts_end=2.0 + i, key_id="k", team="t", project="p",
                       use_case=None, requested_model="m", served_model="m", provider="x", region="JP")


def _entry(n: int, who: str) -> dict[str, Any]:
    return admin_entry(OPERATOR, f"{who}.{n}", ts=float(n))


def _chain(db: Path) -> list[dict[str, Any]]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute("SELECT * FROM audit_log ORDER BY seq")]
    finally:
        con.close()


async def test_a_write_waits_for_the_gate_and_goes_through_once_it_is_released(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = SQLiteStore(str(db))
    await store.migrate()
    fd = os.open(str(db) + "-wlock", os.O_RDWR | os.O_CREAT)  # another process's writer, as the kernel sees it
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        task = asyncio.ensure_future(store.insert_usage([_row(1)]))
        await asyncio.sleep(0.3)
        assert not task.done()
        con = sqlite3.connect(db)  # another reader: the store's own thread is the one waiting
        assert con.execute("SELECT count(*) FROM usage").fetchone() == (0,)
        con.close()
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    await asyncio.wait_for(task, 10)
    assert await store.query("SELECT request_id FROM usage") == [{"request_id": "a-1"}]
    await store.close()


async def test_entries_sealed_before_another_process_appended_are_resealed_onto_its_head(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    a, b = SQLiteStore(str(db)), SQLiteStore(str(db))
    await a.migrate()
    await a.append_audit([_entry(1, "a")], seal)
    loop = asyncio.get_running_loop()
    calls = 0

    def sealing(body: Mapping[str, Any], seq: int, prev: str) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:  # a sealed its first entry against the head it read; b appends before a locks
            asyncio.run_coroutine_threadsafe(b.append_audit([_entry(2, "b"), _entry(3, "b")], seal), loop).result(10)
        return seal(body, seq, prev)

    head = await a.append_audit([_entry(4, "a"), _entry(5, "a")], sealing)
    rows = _chain(db)
    assert [r["action"] for r in rows] == ["a.1", "b.2", "b.3", "a.4", "a.5"]
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert verify_rows(rows) is None
    assert head == (5, rows[-1]["hash"])
    assert calls == 4  # two entries sealed outside the lock, both sealed again onto b's head
    await a.close()
    await b.close()


def _writer(db: str, who: str, batches: int) -> None:
    async def go() -> None:
        store = SQLiteStore(db)
        for i in range(batches):
            await store.insert_usage([_row(i * 4 + j, who) for j in range(4)])
            await store.append_audit([_entry(i * 3 + j, who) for j in range(3)], seal)
        await store.close()

    asyncio.run(go())


async def test_two_processes_writing_ledger_and_audit_lose_nothing_and_keep_one_chain(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = SQLiteStore(str(db))
    await store.migrate()
    await store.close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db), who, 40)) for who in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rows = _chain(db)
    assert len(rows) == 2 * 40 * 3 and [r["seq"] for r in rows] == list(range(1, 241))
    assert verify_rows(rows) is None
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*), count(DISTINCT request_id) FROM usage").fetchone() == (320, 320)
    finally:
        con.close()


def _rows_in_main_file(db: Path, tmp: Path) -> int:
    """Rows a reader of the database file alone sees: what has been checkpointed out of the WAL."""
    copy = tmp / "main-only.db"
    shutil.copyfile(db, copy)
    con = sqlite3.connect(copy)
    try:
        return int(con.execute("SELECT count(*) FROM usage").fetchone()[0])
    finally:
        con.close()


async def test_the_wal_is_checkpointed_after_a_write_at_most_once_a_period(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "t.db"
    store = SQLiteStore(str(db))
    await store.migrate()
    monkeypatch.setattr(sqlite_store, "CHECKPOINT_EVERY_S", 0.0)
    await store.insert_usage([_row(i) for i in range(5)])
    assert _rows_in_main_file(db, tmp_path) == 5
    monkeypatch.setattr(sqlite_store, "CHECKPOINT_EVERY_S", 3600.0)
    await store.insert_usage([_row(i) for i in range(5, 8)])
    assert _rows_in_main_file(db, tmp_path) == 5  # still in the WAL: the last checkpoint was just now
    await store.close()  # the last connection to close folds the WAL back in
    assert _rows_in_main_file(db, tmp_path) == 8


async def test_a_batch_bound_as_multi_row_inserts_stores_what_one_insert_a_row_stores(tmp_path: Path) -> None:
    rows = [dataclasses.replace(_row(i), use_case=None if i % 3 else f"uc-{i}", ttft_ms=None if i % 2 else 1.5 * i,
                                stream=bool(i % 2), route={"rule": "r", "i": i}) for i in range(203)]
    store = SQLiteStore(str(tmp_path / "multi.db"))
    await store.migrate()
    await store.insert_usage(rows)
    await store.insert_usage(rows[:70])  # replayed rows: each stored once
    got = await store.query("SELECT * FROM usage ORDER BY request_id")
    await store.close()
    ref = SQLiteStore(str(tmp_path / "ref.db"))
    await ref.migrate()
    insert = (f"INSERT INTO usage ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
              " ON CONFLICT (request_id) DO NOTHING")
    await ref.executemany(insert, [sqlite_store._usage_row(r) for r in rows])
    want = await ref.query("SELECT * FROM usage ORDER BY request_id")
    await ref.close()
    assert len(got) == 203 and got == want


async def test_a_key_is_read_while_a_write_waits_for_the_gate(tmp_path: Path) -> None:
    """Requests for a key wait on its re-check every 2 s: it must not queue behind a ledger batch
    that is waiting for another worker's transaction."""
    db = tmp_path / "t.db"
    store = SQLiteStore(str(db))
    await store.migrate()
    _, rec = generate_key("t", "p")
    await store.insert_key(rec)
    fd = os.open(str(db) + "-wlock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        blocked = asyncio.ensure_future(store.insert_usage([_row(1)]))
        await asyncio.sleep(0.1)
        got = await asyncio.wait_for(store.get_key(rec.id), 10)
        assert got is not None and got.id == rec.id and not blocked.done()
        assert await asyncio.wait_for(store.count_keys(), 10) == 1
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    await asyncio.wait_for(blocked, 10)
    assert await store.revoke_key(rec.id, 5.0)
    got = await store.get_key(rec.id)  # the reading connection sees the writer's commit at once
    assert got is not None and got.revoked_at == 5.0
    await store.close()
    await store.close()  # twice is harmless, as before
