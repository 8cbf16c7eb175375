"""console/traffic.py's percentile SQL on SQLite and PostgreSQL: the nearest-rank p50/p95 of the
answered requests' latency and of the streamed ones' time to first token, per period and team,
equal the same percentiles taken in Python over the rows inserted; failures, other periods and
other teams do not count."""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from tenbin.console.traffic import latency, rank
from tenbin.finops.periods import parse_period
from tenbin.ledger.record import UsageRecord
from tenbin.store.factory import open_store
from tests.scale.services import PG_BASE, new_schema, pg_url, require

DAY = parse_period("2026-11-20")


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 't.db'}"
        return
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


def nearest(values: list[float], q: float) -> float | None:
    return sorted(values)[max(0, math.ceil(q * len(values)) - 1)] if values else None


def test_rank_is_nearest_rank() -> None:
    assert [rank(n, 95) for n in (1, 2, 19, 20, 21, 100)] == [0, 1, 18, 18, 19, 94]
    assert [rank(n, 50) for n in (1, 2, 3, 4)] == [0, 0, 1, 1]
    assert all(rank(n, 95) == math.ceil(0.95 * n) - 1 for n in range(1, 5000))


async def test_percentiles_are_the_answered_requests_nearest_rank(store_url: str) -> None:
    r = random.Random(7)
    rows = []
    for i in range(301):
        team = "a" if i % 3 else "b"
        ts = DAY.start_ts + r.uniform(0, 86399) if i % 10 else DAY.start_ts - 60  # some the day before
        stream = i % 4 == 0
        rows.append(UsageRecord(
            request_id=f"r{i}", ts_start=ts, ts_end=ts + 1, key_id="k", team=team, project="p", use_case=None,
            requested_model="m", served_model="m", provider="x", region="JP", latency_ms=r.uniform(1, 5000),
            ttft_ms=r.uniform(1, 900) if stream else None, status=200 if i % 7 else 502, stream=stream))
    store = open_store(store_url)
    await store.migrate()
    try:
        await store.insert_usage(rows)
        for who in (None, "a", "b"):
            mine = [x for x in rows if DAY.start_ts <= x.ts_start < DAY.end_ts and x.status == 200
                    and who in (None, x.team)]
            ttft = [x.ttft_ms for x in mine if x.stream and x.ttft_ms is not None]
            lat = await latency(store, DAY, who)
            assert (lat.answered, lat.streamed) == (len(mine), len(ttft)) and 0 < len(ttft) < len(mine)
            want = [nearest([x.latency_ms for x in mine], q) for q in (0.5, 0.95)]
            assert [lat.p50_ms, lat.p95_ms] == pytest.approx(want, rel=1e-12)
            assert [lat.ttft_p50_ms, lat.ttft_p95_ms] == pytest.approx([nearest(ttft, 0.5), nearest(ttft, 0.95)],
                                                                       rel=1e-12)
        # a busy period: the latest ``sample`` answered requests, and it says so
        few = await latency(store, DAY, None, sample=10)
        latest = sorted((x for x in rows if DAY.start_ts <= x.ts_start < DAY.end_ts and x.status == 200),
                        key=lambda x: -x.ts_start)[:10]
        assert few.sampled and few.answered == 10
        assert few.p95_ms == pytest.approx(nearest([x.latency_ms for x in latest], 0.95), rel=1e-12)
        assert not (await latency(store, DAY, None)).sampled
        empty = await latency(store, parse_period("2026-10"), None)
        assert (empty.answered, empty.p50_ms, empty.ttft_p95_ms) == (0, None, None)
    finally:
        await store.close()
