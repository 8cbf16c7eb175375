"""Ledger poison on both stores, both poisons in one run (issue 11): a raw ``\\xff`` byte in
``x-tenbin-use-case`` (aiohttp hands it over as the lone surrogate ``\\udcff``, which SQLite cannot
encode) and a NUL in ``metadata.use_case`` (which PostgreSQL cannot store), then 20 normal requests.

tests/scale/test_ledger_poison.py plays one poison per store (SQLite ``\\xff``, PostgreSQL NUL) with
the edge off, and both poisons against PostgreSQL with the edge on and one request after. This
module covers the rest of the grid — each store with each poison, edge on (refused with a 400) and
edge off (the writers on their own: the row is repaired and the original quarantined, or stored as
sent where the store can hold it) — and checks all 20 requests after them by request id.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tenbin.api import edge
from tenbin.governance.verify import verify_store
from tenbin.store.base import Store
from tenbin.store.postgres import PostgresStore
from tenbin.store.sqlite import SQLiteStore
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, gov_config
from tests.harness import LoopThread, start_gateway
from tests.hostile.probe import Answer, openai_error_problems

FAST = {"flush_interval_s": 0.05}
BODY: dict[str, Any] = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}
POISONS: list[tuple[str, dict[str, bytes], dict[str, Any]]] = [
    ("0xff header byte", {"x-tenbin-use-case": b"\xff"}, {}),
    ("NUL in metadata.use_case", {}, {"metadata": {"use_case": "a\u0000b"}}),
]
GOOD = 20


def _settle(gw: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while gw.runtime.ledger.pending or (gw.runtime.audit is not None and gw.runtime.audit.pending):
        assert time.monotonic() < deadline, "a writer is stuck on a batch"
        time.sleep(0.05)
    assert gw.lt.run(gw.runtime.ledger.flush())
    assert gw.runtime.audit is not None and gw.lt.run(gw.runtime.audit.flush())


@pytest.mark.parametrize("edge_on", [True, False], ids=["edge on", "edge off"])
@pytest.mark.parametrize("store_kind", ["sqlite", "postgresql"])
def test_both_poisons_then_20_requests(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest,
                                       store_kind: str, edge_on: bool) -> None:
    db = tmp_path / "poison.db"
    # PostgreSQL: a fresh schema in the machine's database (tests/hostile/conftest.py)
    url = f"sqlite:///{db}" if store_kind == "sqlite" else str(request.getfixturevalue("pg"))

    def reopen() -> Store:
        return SQLiteStore(str(db)) if store_kind == "sqlite" else PostgresStore(url)

    if not edge_on:  # play a string the edge does not know about: the writers must isolate it alone
        monkeypatch.setattr(edge, "check_headers", lambda request: None)
        monkeypatch.setattr(edge, "check_chat", lambda request, body: None)
    gw = start_gateway(lt, gov_config(fake_openai.url, store=url, ledger=FAST, governance=FAST), tmp_path, ENV)
    poisoned: list[tuple[str, int, str]] = []
    good: list[str] = []
    with httpx.Client(base_url=gw.url, timeout=10) as c:
        for name, headers, fields in POISONS:
            r = c.post("/v1/chat/completions", content=orjson.dumps({**BODY, **fields}),
                       headers=[(b"content-type", b"application/json"), *((k.encode(), v) for k, v in headers.items())])
            poisoned.append((name, r.status_code, r.headers["x-tenbin-request-id"]))
            if edge_on:
                a = Answer(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content, 0)
                assert r.status_code == 400 and openai_error_problems(a) == [], r.text
                assert r.json()["error"]["param"] in ("x-tenbin-use-case", "metadata.use_case")
            else:
                assert r.status_code == 200, r.text
        for i in range(GOOD):
            r = c.post("/v1/chat/completions", json=BODY, headers={"x-tenbin-use-case": f"uc-{i}"})
            assert r.status_code == 200, r.text
            good.append(r.headers["x-tenbin-request-id"])
        _settle(gw)
        health = c.get("/healthz").json()
    t0 = time.monotonic()
    gw.stop()
    stop_s = time.monotonic() - t0

    async def read(s: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], Any]:
        try:
            usage = await s.query("SELECT request_id, use_case, status FROM usage")
            audit = await s.query("SELECT request_id, use_case, detail FROM audit_log WHERE request_id IS NOT NULL")
            quarantine = await s.query("SELECT kind, ref, repaired FROM quarantine")
            return usage, audit, quarantine, await verify_store(s)
        finally:
            await s.close()

    usage, audit, quarantine, chain = lt.run(read(reopen()))
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in usage:
        rows.setdefault(row["request_id"], []).append(row)
    entries: dict[str, list[dict[str, Any]]] = {}
    for e in audit:
        entries.setdefault(e["request_id"], []).append(e)
    # all 20 after the poison reach the ledger and the audit log, once each, as sent
    assert [len(rows.get(rid, [])) for rid in good] == [1] * GOOD
    assert [len(entries.get(rid, [])) for rid in good] == [1] * GOOD
    assert [rows[rid][0]["use_case"] for rid in good] == [f"uc-{i}" for i in range(GOOD)]
    assert chain.ok and chain.checked >= GOOD
    assert stop_s < 5.0 and health["ledger_pending"] == 0
    held = {(q["kind"], q["ref"]) for q in quarantine}
    for name, status, rid in poisoned:
        if edge_on:  # refused before anything was stored or sent: nothing to quarantine
            assert len(rows.get(rid, [])) <= 1 and not {k for k, ref in held if ref == rid}, name
            continue
        # served, and its row is in the books exactly once (repaired if the store could not hold it)
        assert status == 200 and len(rows.get(rid, [])) == 1 and len(entries.get(rid, [])) == 1, name
        stored = rows[rid][0]["use_case"]
        if stored in ("a\u0000b", "\udcff"):  # the store held it as sent: nothing to quarantine
            assert (store_kind, name) == ("sqlite", "NUL in metadata.use_case")
            assert ("ledger", rid) not in held
        else:  # repaired (the bad character replaced) and the original kept with the reason
            assert "\ufffd" in stored, (name, stored)
            assert {("ledger", rid), ("audit", rid)} <= held, (name, held)
    expected_quarantined = 0 if edge_on else {"sqlite": 1, "postgresql": 2}[store_kind]
    assert (health["ledger_quarantined"], health["audit_quarantined"]) == (expected_quarantined,) * 2
    assert len(fake_openai.requests) == GOOD + (0 if edge_on else len(POISONS))

