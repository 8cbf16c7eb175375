"""Ledger poison (issue 11): one request whose strings a store cannot hold must not stop the ledger
or the audit log, for SQLite (a raw ``\\xff`` header byte, which aiohttp hands over as the lone
surrogate ``\\udcff``) and PostgreSQL (a NUL in ``metadata.use_case``).

Measured with these runs on e9fe499 (before the fix): SQLite 3 of 22 rows reached the ledger and 3
of 22 the audit log, 19 stayed pending, stopping took 60.0 s (both writers waited out their 30 s
close timeout on a batch retried for ever); with a spool the poisoned request itself got a 500 and
left no row; PostgreSQL 0 of 22 and 0 of 22, stop 60.0 s. After: 22 of 22 and 22 of 22 on both, the
chain verifies, stop ~2 s (the same as a clean stop). The edge (api/edge.py) now refuses such
strings with a 400, so these tests switch it off to play a string the edge does not know about:
the writers must isolate the bad row on their own.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tenbin.api import edge
from tenbin.catalog.catalog import load_catalog
from tenbin.config.schema import LedgerConfig
from tenbin.context import Principal
from tenbin.governance import AuditWriter, GovernanceConfig
from tenbin.governance.verify import verify_store
from tenbin.ledger.writer import LedgerWriter
from tenbin.store.base import Store
from tenbin.store.postgres import PostgresStore
from tenbin.store.sqlite import SQLiteStore
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, gov_config
from tests.harness import LoopThread, start_gateway
from tests.scale.test_postgres_store import rec
from tests.scale.test_spool import spool_rows

N = 21  # good requests; the poisoned one is sent in the middle of them
FAST = {"flush_interval_s": 0.05}


@dataclass
class Outcome:
    statuses: list[int]
    poisoned_id: str
    health: dict[str, Any]
    stop_s: float
    usage: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    quarantine: list[dict[str, Any]]
    verified: int
    chain_ok: bool


def _no_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edge, "check_headers", lambda request: None)
    monkeypatch.setattr(edge, "check_chat", lambda request, body: None)


def _settle(gw: Any, timeout: float = 5.0) -> None:
    """Wait for both background writers to empty their buffers (never, if a batch is stuck)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gw.runtime.ledger.pending == 0 and gw.runtime.audit.pending == 0:
            time.sleep(0.2)  # the last batch popped may still be committing
            return
        time.sleep(0.05)


def run_poisoned(lt: LoopThread, fake: FakeOpenAI, tmp: Path, store: str, poison: dict[str, Any],
                 reopen: Store, **cfg: Any) -> Outcome:
    gw = start_gateway(lt, gov_config(fake.url, store=store, ledger={**FAST, **cfg.pop("ledger", {})},
                                      governance=FAST, **cfg), tmp, ENV)
    statuses: list[int] = []
    poisoned_id = ""
    with httpx.Client(base_url=gw.url, timeout=10) as c:
        for i in range(N + 1):
            body: dict[str, Any] = {"model": "gpt-4o", "messages": [{"role": "user", "content": f"hello {i}"}]}
            headers: dict[str, Any] = {"x-tenbin-use-case": f"uc-{i}"}
            if i == N // 2:
                headers = dict(poison.get("headers", {}))
                body.update(poison.get("body", {}))
            r = c.post("/v1/chat/completions", content=orjson.dumps(body),
                       headers={"content-type": "application/json", **headers})
            statuses.append(r.status_code)
            if i == N // 2:
                poisoned_id = r.headers.get("x-tenbin-request-id", "")
        _settle(gw)
        health = c.get("/healthz").json()
    t0 = time.monotonic()
    gw.stop()
    stop_s = time.monotonic() - t0

    async def read() -> tuple[list[dict[str, Any]], ...]:
        try:
            usage = await reopen.query("SELECT * FROM usage ORDER BY ts_start")
            # the request entries (the chain also starts with the config in force, config.load)
            audit = await reopen.query("SELECT * FROM audit_log WHERE action <> 'config.load' ORDER BY seq")
            quarantine = await reopen.query("SELECT * FROM quarantine ORDER BY kind")
            res = await verify_store(reopen)
            return usage, audit, quarantine, [{"checked": res.checked, "ok": res.ok}]
        finally:
            await reopen.close()

    usage, audit, quarantine, (v,) = lt.run(read())
    return Outcome(statuses, poisoned_id, health, stop_s, usage, audit, quarantine, v["checked"], v["ok"])


def check(o: Outcome, bad_use_case: str, escaped: str) -> None:
    # every request was answered (with a spool, the poisoned row used to fail its request with a 500)
    assert o.statuses == [200] * (N + 1) and o.poisoned_id
    # every other request's row and audit entry is written, and the poisoned one's repaired copy too
    assert len(o.usage) == N + 1 and len(o.audit) == N + 1
    assert {r["use_case"] for r in o.usage if r["request_id"] != o.poisoned_id} == {f"uc-{i}" for i in range(N + 1)
                                                                                    if i != N // 2}
    row = next(r for r in o.usage if r["request_id"] == o.poisoned_id)
    assert row["use_case"] == bad_use_case and row["status"] == 200 and row["cost_jpy_nanos"] > 0
    # the chain verifies end to end; the repaired entry sits in request order and says it was quarantined
    assert o.chain_ok and o.verified == N + 2  # the requests' entries and config.load
    assert [r["request_id"] for r in o.audit] == [r["request_id"] for r in o.usage]
    marked = [r for r in o.audit if r["detail"] and "quarantined" in r["detail"]]
    assert [r["request_id"] for r in marked] == [o.poisoned_id] and marked[0]["use_case"] == bad_use_case
    # the originals are kept, with the reason, one per writer
    assert [(q["kind"], q["ref"], q["repaired"]) for q in o.quarantine] == [
        ("audit", o.poisoned_id, 1), ("ledger", o.poisoned_id, 1)]
    assert all(escaped in q["payload"] and q["reason"] for q in o.quarantine)
    assert orjson.loads(marked[0]["detail"])["quarantined"]["digest"] == o.quarantine[0]["digest"]
    # the alarm, and a prompt stop (it was ~60 s)
    h = o.health
    assert (h["ledger_quarantined"], h["audit_quarantined"], h["ledger_pending"]) == (1, 1, 0)
    assert o.stop_s < 5.0


def test_a_non_utf8_header_byte_does_not_stop_the_sqlite_ledger(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_edge(monkeypatch)
    db = tmp_path / "poison.db"
    o = run_poisoned(lt, fake_openai, tmp_path, f"sqlite:///{db}", {"headers": {"x-tenbin-use-case": b"\xff"}},
                     SQLiteStore(str(db)), ledger={"spool_dir": str(tmp_path / "spool")})
    check(o, "\ufffd", "\\udcff")
    assert not list((tmp_path / "spool").glob("seg-*.jsonl"))  # every spooled row acknowledged


def test_a_nul_in_the_use_case_does_not_stop_the_postgres_ledger(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path, pg: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_edge(monkeypatch)
    o = run_poisoned(lt, fake_openai, tmp_path, pg, {"body": {"metadata": {"use_case": "a\u0000b"}}},
                     PostgresStore(pg))
    check(o, "a\ufffdb", "\\u0000")


def test_the_edge_refuses_both_before_anything_is_stored(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path, pg: str) -> None:
    """With the edge on (the default), the same two requests get OpenAI-shaped 400s, the vendor is
    not called, and nothing reaches quarantine."""
    gw = start_gateway(lt, gov_config(fake_openai.url, store=pg, ledger=FAST, governance=FAST), tmp_path, ENV)
    try:
        with httpx.Client(base_url=gw.url, timeout=10) as c:
            body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
            r1 = c.post("/v1/chat/completions", json=body, headers={"x-tenbin-use-case": b"\xff"})
            r2 = c.post("/v1/chat/completions", json={**body, "metadata": {"use_case": "a\u0000b"}})
            r3 = c.post("/v1/chat/completions", json=body, headers={"x-tenbin-use-case": "ok"})
            _settle(gw)
            health = c.get("/healthz").json()
        assert (r1.status_code, r2.status_code, r3.status_code) == (400, 400, 200)
        assert r1.json()["error"]["param"] == "x-tenbin-use-case"
        assert r2.json()["error"] == {"message": r2.json()["error"]["message"], "type": "invalid_request_error",
                                      "param": "metadata.use_case", "code": "invalid_value"}
        assert len(fake_openai.requests) == 1
        assert (health["ledger_quarantined"], health["audit_quarantined"]) == (0, 0)
        assert lt.run(gw.runtime.store.query("SELECT count(*) AS n FROM quarantine"))[0]["n"] == 0
    finally:
        gw.stop()


# ---- the writers on their own, against the real stores -------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return "sqlite"
    return str(request.getfixturevalue("pg"))


def _open(store_url: str, tmp: Path) -> Store:
    return SQLiteStore(str(tmp / "w.db")) if store_url == "sqlite" else PostgresStore(store_url)


def _poison(store_url: str) -> str:
    """What this store refuses: SQLite a lone surrogate (it stores NUL), PostgreSQL a NUL (and both)."""
    return "\udcff" if store_url == "sqlite" else "\u0000"


def test_a_large_batch_with_two_bad_rows_and_one_unrepairable_row(store_url: str, tmp_path: Path) -> None:
    """100 rows in one batch (PostgreSQL's COPY path): two with strings the store refuses, one with a
    NOT NULL column missing, which repairing cannot fix: 99 rows land, three are quarantined."""
    bad = _poison(store_url)

    async def go() -> None:
        s = _open(store_url, tmp_path)
        try:
            await s.migrate()
            w = LedgerWriter(s, LedgerConfig(batch_size=256))
            for i in range(100):
                r = rec(f"r{i:03d}")
                if i == 17:
                    r.use_case = f"x{bad}y"
                if i == 60:
                    r.team = "\udcff"
                if i == 80:
                    r.key_id = None  # type: ignore[assignment]
                w.record(r)
            assert await w.flush()
            rows = await s.query("SELECT request_id, use_case, team FROM usage ORDER BY request_id")
            held = await s.query("SELECT ref, repaired, reason FROM quarantine ORDER BY ref")
            assert len(rows) == 99 and "r080" not in {r["request_id"] for r in rows}
            byid = {r["request_id"]: r for r in rows}
            assert byid["r017"]["use_case"] == "x\ufffdy" and byid["r060"]["team"] == "\ufffd"
            assert [(h["ref"], h["repaired"]) for h in held] == [("r017", 1), ("r060", 1), ("r080", 0)]
            assert (w.quarantined, w.repaired, w.pending, w.store_errors) == (3, 2, 0, 0)
            sums = await s.query("SELECT sum(requests) AS n FROM usage_daily")
            assert int(sums[0]["n"]) == 99  # the daily rollup took the repaired rows too
        finally:
            await s.close()

    asyncio.run(go())


def test_a_spooled_bad_row_is_replayed_without_blocking_the_replay(store_url: str, tmp_path: Path) -> None:
    """A spool left by a crash holds a NUL row (PostgreSQL refuses it; SQLite stores it) and a row
    missing a NOT NULL column (both refuse it): the replay at start used to retry them for ever, and
    shutdown waited on it; now the other rows land and the bad ones are quarantined."""
    spool_dir = tmp_path / "spool"
    rows = []
    for i in range(10):
        r = rec(f"s{i}")
        r.use_case = "bad\u0000" if i == 4 else "ok"
        if i == 7:
            r.key_id = None  # type: ignore[assignment]
        rows.append(r)
    spool_rows(spool_dir, rows)  # the crash: the segment stays unacknowledged on disk

    async def go() -> None:
        s = _open(store_url, tmp_path)
        try:
            await s.migrate()
            w = LedgerWriter(s, LedgerConfig(spool_dir=str(spool_dir), flush_interval_s=0.05))
            w.start()
            await asyncio.wait_for(w.wait_replayed(), 10)
            await asyncio.wait_for(w.close(), 5)
            rows = await s.query("SELECT request_id, use_case FROM usage ORDER BY request_id")
            assert [r["request_id"] for r in rows] == [f"s{i}" for i in range(10) if i != 7]
            refs = [q["ref"] for q in await s.query("SELECT ref FROM quarantine ORDER BY ref")]
            assert refs == (["s7"] if store_url == "sqlite" else ["s4", "s7"])
            assert w.recovered == 10 and w.quarantined == len(refs)
            assert not list(spool_dir.glob("seg-*.jsonl"))
        finally:
            await s.close()

    asyncio.run(go())


def test_an_audit_entry_that_cannot_be_stored_even_repaired_leaves_a_verifiable_chain(
        store_url: str, tmp_path: Path) -> None:
    async def go() -> None:
        bad = _poison(store_url)
        s = _open(store_url, tmp_path)
        try:
            await s.migrate()
            w = AuditWriter(s, load_catalog(), GovernanceConfig())
            actor = Principal(key_id="k1", team="ops", project="p", role="admin")
            w.admin(actor, "key.create", target="a")
            w.admin(actor, "key.create", target=f"b{bad}")  # repaired: chained with a marker
            bad = dict(w._buf[-1], target="c", key_id=None)  # NOT NULL key_id: only quarantine can hold it
            w.push(bad)
            w.admin(actor, "key.create", target="d")
            assert await w.flush()
            rows = await s.query("SELECT seq, target, detail FROM audit_log ORDER BY seq")
            assert [r["target"] for r in rows] == ["a", "b\ufffd", "d"]
            assert "quarantined" in rows[1]["detail"] and "quarantined" not in rows[2]["detail"]
            res = await verify_store(s)
            assert res.ok and res.checked == 3 and w.head == (res.head_seq, res.head_hash)
            held = await s.query("SELECT repaired, payload FROM quarantine ORDER BY repaired")
            assert [h["repaired"] for h in held] == [0, 1] and '"target": "c"' in held[0]["payload"]
            assert (w.quarantined, w.repaired) == (2, 1)
        finally:
            await s.close()

    asyncio.run(go())


def test_a_store_that_is_down_is_retried_not_quarantined(tmp_path: Path) -> None:
    from tests.scale.services import dead_port

    async def go() -> None:
        s = PostgresStore(f"postgresql://postgres@127.0.0.1:{dead_port()}/test")
        w = LedgerWriter(s, LedgerConfig())
        for i in range(5):
            r = rec(f"d{i}")
            r.use_case = "x\u0000" if i == 2 else None  # content that would be refused, if the store were up
            w.record(r)
        assert not await w.flush() and not await w.flush()
        assert (w.pending, w.quarantined, w.store_errors) == (5, 0, 2)
        await s.close()

    asyncio.run(go())
