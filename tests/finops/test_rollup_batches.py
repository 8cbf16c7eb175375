"""``usage_daily`` must stay exactly the sum of ``usage`` however the rows arrive: batches of mixed
keys (teams, models, Tokyo days either side of midnight, NULLs in every nullable key column,
statuses), rows repeated within a batch and replayed across batches (stored once, counted once),
a repaired row after a refused one — on SQLite, whose rollup is added once per batch
(store/rollup.py), and on PostgreSQL, whose trigger adds it per row; and on a SQLite file whose
per-row trigger is still there (not migrated to 0014), which must not count twice."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from tenbin.ledger.record import UsageRecord
from tenbin.store.base import Store
from tenbin.store.postgres import PostgresStore
from tenbin.store.sqlite import SQLiteStore
from tests.finops.ledger import jst
from tests.scale.services import PG_BASE, new_schema, pg_url, require

KEY = ("day", "team", "project", "key_id", "use_case", "requested_model", "served_model", "provider", "region",
       "data_class", "currency", "fx_rate", "status")
SUMS = ("requests", "prompt_tokens", "cached_tokens", "completion_tokens", "cost_nanos", "cost_jpy_nanos")


def expected_sql(dialect: str) -> str:
    """The rollup recomputed from ``usage`` as the 0004 migrations backfill it."""
    day = "CAST((ts_start + 32400) / 86400 AS INTEGER)" if dialect == "sqlite" else \
        "CAST(FLOOR((ts_start + 32400) / 86400) AS INTEGER)"
    text = ", ".join(f"coalesce(CAST({c} AS TEXT), '') AS {c}" for c in
                     ("use_case", "served_model", "provider", "region", "data_class", "currency", "fx_rate"))
    return (f"SELECT {day} AS day, team, project, key_id, requested_model, status, {text}, count(*) AS requests,"
            " sum(prompt_tokens) AS prompt_tokens, sum(cached_tokens) AS cached_tokens,"
            " sum(completion_tokens) AS completion_tokens, sum(cost_nanos) AS cost_nanos,"
            " sum(cost_jpy_nanos) AS cost_jpy_nanos FROM usage"
            " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13")


def table(rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[int, ...]]:
    out = {tuple(r[k] for k in KEY): tuple(int(r[s]) for s in SUMS) for r in rows}
    assert len(out) == len(rows)
    return out


async def rollup_and_sum(s: Store) -> tuple[dict[Any, Any], dict[Any, Any]]:
    got = table(await s.query("SELECT * FROM usage_daily"))
    want = table(await s.query(expected_sql(s.dialect)))
    return got, want


def mixed_rows(n: int, seed: int) -> list[UsageRecord]:
    rnd = random.Random(seed)
    # 23:59:59 and 00:00:00 Tokyo on the 5th, noon on the 6th and on the 30th
    times = [jst(2026, 11, 5, 0) - 1, jst(2026, 11, 5, 0), jst(2026, 11, 6), jst(2026, 11, 30) + 0.5]
    out = []
    for i in range(n):
        ok = rnd.random() < 0.8
        out.append(UsageRecord(
            request_id=f"s{seed}-{i}", ts_start=rnd.choice(times) + rnd.random() * 1e-3, ts_end=0.0,
            key_id=rnd.choice(["k1", "k2"]), team=rnd.choice(["sales", "経理"]), project=rnd.choice(["p1", "p2"]),
            use_case=rnd.choice([None, "summary", ""]), requested_model=rnd.choice(["m1", "typed"]),
            served_model=rnd.choice(["m1", "m2"]) if ok else None, provider=rnd.choice([None, "openai", "mock"]),
            region=rnd.choice([None, "JP", "US"]), prompt_tokens=rnd.randrange(0, 5000),
            cached_tokens=rnd.randrange(0, 100), completion_tokens=rnd.randrange(0, 900),
            status=200 if ok else rnd.choice([400, 499, 502]), cost_nanos=rnd.randrange(0, 10**9),
            currency=rnd.choice([None, "JPY", "USD"]), cost_jpy_nanos=rnd.randrange(0, 10**11),
            fx_rate=rnd.choice([None, "1", "152.3"]), data_class=rnd.choice([None, "public", "confidential"])))
    return out


async def feed(s: Store) -> int:
    """Batches as the ledger writes them, replays and repeats included; returns the rows stored."""
    rows = mixed_rows(700, seed=1)
    await s.insert_usage(rows[:300])
    await s.insert_usage(rows[250:500])  # 50 replayed rows (the spool after a crash)
    await s.insert_usage([rows[510], rows[510], rows[511]])  # the same row twice in one batch
    await s.insert_usage(rows[500:700])  # 2 already stored
    await s.insert_usage([])
    for batch in (mixed_rows(7, seed=2), mixed_rows(1, seed=3), mixed_rows(256, seed=4)):
        await s.insert_usage(batch)
    await s.insert_usage([dataclasses.replace(rows[0], prompt_tokens=10**6)])  # a replay: ignored, not added
    return 700 + 7 + 1 + 256


def test_sqlite_rollup_equals_the_sum_of_usage(tmp_path: Path) -> None:
    async def go() -> None:
        s = SQLiteStore(str(tmp_path / "l.db"))
        await s.migrate()
        try:
            assert await s.query("SELECT name FROM sqlite_master WHERE type = 'trigger'") == []
            stored = await feed(s)
            got, want = await rollup_and_sum(s)
            assert got == want and sum(v[0] for v in got.values()) == stored
            assert len(got) > 100  # many keys, not one
        finally:
            await s.close()

    asyncio.run(go())


def test_sqlite_file_with_the_old_trigger_counts_each_row_once(tmp_path: Path) -> None:
    """A file whose trigger is still there (an older version created it after the migration ran,
    or the migration has not run in this process yet): the trigger adds, the batch does not."""
    from tenbin.store.sqlite import migration_scripts

    v4 = dict(migration_scripts("sqlite_"))[4]
    trigger = next(stmt for stmt in v4.split(";\n") if stmt.startswith("CREATE TRIGGER"))

    async def go() -> None:
        s = SQLiteStore(str(tmp_path / "old.db"))
        await s.migrate()
        try:
            await s.insert_usage(mixed_rows(40, seed=5))
            await s.execute(trigger)
            stored = 40 + await feed(s)
            await s.execute("DROP TRIGGER usage_daily_rollup")
            await s.insert_usage(mixed_rows(30, seed=6))
            got, want = await rollup_and_sum(s)
            assert got == want and sum(v[0] for v in got.values()) == stored + 30
        finally:
            await s.close()

    asyncio.run(go())


def test_sqlite_rollup_after_a_refused_row_is_repaired(tmp_path: Path) -> None:
    """A batch the store refuses is rolled back whole (rollup included), then split; the
    rows stored in the end are counted once."""
    from tenbin.config.schema import LedgerConfig
    from tenbin.ledger.writer import LedgerWriter

    async def go() -> None:
        s = SQLiteStore(str(tmp_path / "q.db"))
        await s.migrate()
        w = LedgerWriter(s, LedgerConfig())
        try:
            rows = mixed_rows(20, seed=7)
            rows[9] = dataclasses.replace(rows[9], use_case="bad \udc80")  # SQLite cannot encode it
            for r in rows:
                w.push(r)
                w._segs.append(0)
            assert await w.flush()
            assert w.quarantined == 1 and w.repaired == 1
            got, want = await rollup_and_sum(s)
            assert got == want and sum(v[0] for v in got.values()) == 20
        finally:
            await s.close()

    asyncio.run(go())


@pytest.fixture
def pg() -> Iterator[str]:
    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    yield pg_url(schema)

    async def drop() -> None:
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()

    asyncio.run(drop())


def test_postgres_rollup_equals_the_sum_of_usage_and_sqlite(pg: str, tmp_path: Path) -> None:
    async def go() -> None:
        p = PostgresStore(pg)
        lite = SQLiteStore(str(tmp_path / "same.db"))
        await p.migrate()
        await lite.migrate()
        try:
            stored = await feed(p)
            await feed(lite)
            got, want = await rollup_and_sum(p)
            assert got == want and sum(v[0] for v in got.values()) == stored
            assert got == (await rollup_and_sum(lite))[0]  # both stores, the same rollup
        finally:
            await p.close()
            await lite.close()

    asyncio.run(go())
