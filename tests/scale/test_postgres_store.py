"""PostgresStore against the machine's PostgreSQL, each test in a schema of its own."""

from __future__ import annotations

import asyncio
import time

from tenbin.governance.chain import seal, verify_rows
from tenbin.ledger.record import UsageRecord
from tenbin.store.base import KeyRecord
from tenbin.store.factory import open_store
from tenbin.store.postgres import PostgresStore, to_dollar
from tenbin.store.sqlite import migration_scripts


def rec(rid: str, team: str = "t1", cost: int = 1_234_567_891_234) -> UsageRecord:
    now = time.time()
    return UsageRecord(request_id=rid, ts_start=now, ts_end=now + 0.1, key_id="k1", team=team, project="p",
                       use_case=None, requested_model="gpt-4o", served_model="gpt-4o", provider="fake",
                       region="US", prompt_tokens=11, completion_tokens=6, tokens_reported=True,
                       cost_jpy_nanos=cost, route={"rule": "default"})


def test_placeholder_rewrite_skips_literals_and_comments() -> None:
    assert to_dollar("SELECT * FROM t WHERE a = ? AND b = '?' AND \"c?\" = ? -- ?\n AND d=?") == (
        "SELECT * FROM t WHERE a = $1 AND b = '?' AND \"c?\" = $2 -- ?\n AND d=$3")
    assert to_dollar("SELECT 'it''s ?', ? /* ? */") == "SELECT 'it''s ?', $1 /* ? */"


def test_factory_opens_postgres(pg: str) -> None:
    assert isinstance(open_store(pg), PostgresStore)


def test_replicas_migrate_once_and_every_file_applies(pg: str) -> None:
    async def go() -> None:
        stores = [PostgresStore(pg) for _ in range(3)]
        try:
            await asyncio.gather(*(s.migrate() for s in stores))  # together, like replicas booting
            await stores[0].migrate()  # and again: a no-op
            got = await stores[0].query("SELECT version FROM schema_version ORDER BY 1")
            versions = [r["version"] for r in got]
            assert versions == [v for v, _ in migration_scripts("postgres_")]
            assert 1 in versions
        finally:
            for s in stores:
                await s.close()

    asyncio.run(go())


def test_usage_insert_is_idempotent_and_exact(pg: str) -> None:
    async def go() -> None:
        s = PostgresStore(pg)
        try:
            await s.migrate()
            await s.insert_usage([rec("r1"), rec("r2", team="t2")])
            await s.insert_usage([rec("r1"), rec("r3")])  # replay of r1 after a crash: ignored
            rows = await s.query("SELECT request_id, team, cost_jpy_nanos, route, tokens_reported FROM usage"
                                 " WHERE team = ? ORDER BY request_id", ("t1",))
            assert [r["request_id"] for r in rows] == ["r1", "r3"]
            assert rows[0]["cost_jpy_nanos"] == 1_234_567_891_234  # beyond 32 bits, exact
            assert rows[0]["route"] == '{"rule":"default"}' and rows[0]["tokens_reported"] == 1
            total = await s.query("SELECT sum(cost_jpy_nanos) AS n FROM usage")
            assert int(total[0]["n"]) == 3 * 1_234_567_891_234
            assert await s.execute("UPDATE usage SET project = ? WHERE team = ?", ("q", "t1")) == 2
            await s.executemany("DELETE FROM usage WHERE request_id = ?", [("r1",), ("r2",)])
            assert [r["request_id"] for r in await s.query("SELECT request_id FROM usage")] == ["r3"]
        finally:
            await s.close()

    asyncio.run(go())


def test_keys_roundtrip(pg: str) -> None:
    async def go() -> None:
        s = PostgresStore(pg)
        try:
            await s.migrate()
            k = KeyRecord(id="k1", salt=b"\x00salt", hash=b"\xffhash", team="t", project="p",
                          allowed_models=("gpt-4o",), created_at=1.5)
            await s.insert_key(k)
            k2 = KeyRecord(id="k2", salt=b"s", hash=b"h", team="u", project="p", created_at=2.0)
            await s.insert_key(k2)
            got = await s.get_key("k1")
            assert got == k
            assert await s.get_key("nope") is None
            assert [x.id for x in await s.list_keys()] == ["k1", "k2"]
            assert [x.id for x in await s.list_keys("u")] == ["k2"]
            assert await s.count_keys() == 2
            assert await s.revoke_key("k1", 3.0) is True
            assert await s.revoke_key("k1", 4.0) is False
            assert await s.count_keys() == 1
        finally:
            await s.close()

    asyncio.run(go())


def _body(i: int, writer: int) -> dict[str, object]:
    return {"ts_us": i, "kind": "request", "action": "chat", "request_id": f"w{writer}-{i}", "key_id": "k",
            "team": "t", "role": "app", "masked": 0}


def test_audit_chain_stays_one_chain_with_concurrent_writers(pg: str) -> None:
    async def go() -> None:
        stores = [PostgresStore(pg) for _ in range(4)]
        try:
            await stores[0].migrate()

            async def writer(w: int, s: PostgresStore) -> None:
                for i in range(0, 40, 4):
                    await s.append_audit([_body(i + j, w) for j in range(4)], seal)

            await asyncio.gather(*(writer(w, s) for w, s in enumerate(stores)))
            rows = await stores[0].query("SELECT * FROM audit_log ORDER BY seq")
            assert [r["seq"] for r in rows] == list(range(1, 161))
            assert verify_rows(rows) is None
        finally:
            for s in stores:
                await s.close()

    asyncio.run(go())


def test_non_text_values_in_text_columns_are_stored_like_sqlite(pg: str) -> None:
    async def go() -> None:
        s = PostgresStore(pg)
        try:
            await s.migrate()
            r = rec("r9")
            r.data_class = 0  # type: ignore[assignment]  # an IntEnum value from the privacy stage
            await s.insert_usage([r])
            assert (await s.query("SELECT data_class FROM usage"))[0]["data_class"] == "0"
        finally:
            await s.close()

    asyncio.run(go())


def test_implements_every_store_method_with_the_same_parameters() -> None:
    import inspect

    from tenbin.store.base import Store

    names = [n for n, v in vars(Store).items() if inspect.iscoroutinefunction(v)]
    assert "append_audit" in names and "insert_usage" in names
    for n in names:
        want = list(inspect.signature(getattr(Store, n)).parameters)
        got = list(inspect.signature(getattr(PostgresStore, n)).parameters)
        assert got == want, n


def test_large_batches_go_through_copy_and_stay_idempotent(pg: str) -> None:
    from tenbin.store.postgres import COPY_MIN_ROWS

    async def go() -> None:
        s = PostgresStore(pg)
        try:
            await s.migrate()
            await s.insert_usage([rec("b5"), rec("b7")])
            batch = [rec(f"b{i}", cost=i) for i in range(300)] + [rec("b3", cost=3)]  # a duplicate inside
            assert len(batch) >= COPY_MIN_ROWS
            await s.insert_usage(batch)
            await s.insert_usage(batch)  # a replay of the whole batch
            rows = await s.query("SELECT count(*) AS n, sum(cost_jpy_nanos) AS total FROM usage")
            # b5 and b7 kept their first cost; the rest cost i
            assert rows[0]["n"] == 300
            assert int(rows[0]["total"]) == sum(range(300)) - 5 - 7 + 2 * 1_234_567_891_234
        finally:
            await s.close()

    asyncio.run(go())
