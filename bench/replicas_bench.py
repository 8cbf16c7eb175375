"""Three gateway replicas on loopback sharing PostgreSQL and Redis: throughput, added latency,
ledger write rate, and a kill -9 under load. Bounded (about a minute); prints one table.

    .venv/bin/python bench/replicas_bench.py [--requests 3000] [--concurrency 48]

Needs PostgreSQL at 127.0.0.1:5432 (database ``test``) and Redis at 127.0.0.1:6379; uses its own
schema and key prefix and removes them at the end. The upstream is the fake OpenAI server in a
process of its own, so "added latency" is the gateway's own cost plus one loopback hop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import asyncpg
import httpx
import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scale.replicas import Replica, replica_config, start_replicas
from tests.scale.services import PG_BASE, REDIS_BASE, new_prefix, new_schema, pg_url

from tenbin.finops.budgets.ledger import MemoryBudgetLedger
from tenbin.ledger.record import UsageRecord
from tenbin.shared.budget import RedisBudgetLedger
from tenbin.shared.link import RedisLink
from tenbin.store.postgres import PostgresStore

FAKE = """
import asyncio, sys
from tests.fakes.fake_openai import FakeOpenAI
async def main():
    fake = await FakeOpenAI(delay=float(sys.argv[1])).start()
    print(fake.url, flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""

BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "週報を三行で"}], "max_tokens": 10}


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p / 100 * len(xs)))]


async def fire(urls: list[str], total: int, conc: int, ok: list[str], lat: list[float]) -> int:
    failed = 0
    sem = asyncio.Semaphore(conc)
    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=conc * 2)) as c:
        async def one(i: int) -> None:
            nonlocal failed
            async with sem:
                t = time.perf_counter()
                try:
                    r = await c.post(urls[i % len(urls)], json=BODY)
                except httpx.HTTPError:
                    failed += 1
                    return
                if r.status_code == 200:
                    ok.append(r.headers.get("x-tenbin-request-id", ""))
                    lat.append(time.perf_counter() - t)
                else:
                    failed += 1

        await asyncio.gather(*(one(i) for i in range(total)))
    return failed


async def count_rows(url: str) -> Counter[str]:
    c = await asyncpg.connect(url)
    try:
        return Counter(r[0] for r in await c.fetch("SELECT request_id FROM usage"))
    finally:
        await c.close()


async def wait_rows(url: str, n: int, timeout: float = 30) -> float:
    t = time.perf_counter()
    while time.perf_counter() - t < timeout:
        if sum((await count_rows(url)).values()) >= n:
            break
        await asyncio.sleep(0.05)
    return time.perf_counter() - t


async def insert_capacity(url: str, n: int = 20_000, batch: int = 256) -> str:
    store = PostgresStore(url)
    now = time.time()
    recs = [UsageRecord(request_id=f"cap{i}", ts_start=now, ts_end=now, key_id="k", team="t", project="p",
                        use_case=None, requested_model="gpt-4o", served_model="gpt-4o", provider="fake",
                        region="US", prompt_tokens=11, completion_tokens=6, cost_jpy_nanos=13_475_000,
                        route={"rule": "bench"}) for i in range(n)]
    t = time.perf_counter()
    for i in range(0, n, batch):
        await store.insert_usage(recs[i:i + batch])
    took = time.perf_counter() - t
    await store.execute("DELETE FROM usage WHERE request_id LIKE ?", ("cap%",))
    await store.close()
    return f"{n / took:,.0f} rows/s ({n} rows, batches of {batch}, one connection)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--crash-seconds", type=float, default=6.0)
    a = ap.parse_args()
    schema, prefix = new_schema(), new_prefix()
    url = pg_url(schema)
    # The fake upstream gets a process of its own, so the client here does not share its GIL.
    fake_proc = subprocess.Popen([sys.executable, "-c", FAKE, "0"], stdout=subprocess.PIPE,
                                 cwd=Path(__file__).resolve().parents[1])
    assert fake_proc.stdout is not None
    fake_url = fake_proc.stdout.readline().decode().strip()
    root = Path(tempfile.mkdtemp(prefix="tenbin-bench-"))
    rows: list[tuple[str, str]] = []
    reps: list[Replica] = []
    try:
        cfg = lambda i: replica_config(  # noqa: E731
            fake_url, url, REDIS_BASE, prefix, root / f"spool{i}",
            # batched ledger writes, as in production: the spool is what a kill -9 then relies on
            ledger={"flush_interval_s": 1.0, "batch_size": 512},
            shared={"reservation_ttl_s": 3, "rate_limits": {"teams": {"local": {"rpm": 10_000_000}}}},
            finops={"budgets": [{"name": "cap", "scope": "team", "limit_jpy": "1000000"}]})
        t0 = time.perf_counter()
        reps = start_replicas(3, cfg, root)
        rows.append(("replicas started together (migrate once)", f"{time.perf_counter() - t0:.1f} s"))
        urls = [r.url + "/v1/chat/completions" for r in reps]

        # baseline: the fake upstream directly, same client, same concurrency
        direct: list[float] = []
        asyncio.run(fire([fake_url + "/chat/completions"] * 3, 600, a.concurrency, [], direct))
        ok: list[str] = []
        lat: list[float] = []
        asyncio.run(fire(urls, 300, a.concurrency, [], []))  # warm-up
        base = sum((asyncio.run(count_rows(url))).values())
        t = time.perf_counter()
        failed = asyncio.run(fire(urls, a.requests, a.concurrency, ok, lat))
        took = time.perf_counter() - t
        persisted_after = asyncio.run(wait_rows(url, base + len(ok)))
        rows += [
            ("load", f"{a.requests} requests, concurrency {a.concurrency}, 3 replicas, PostgreSQL + Redis"),
            ("throughput", f"{len(ok) / took:.0f} req/s ({failed} failed)"),
            ("latency p50 / p99 via gateway", f"{pct(lat, 50) * 1000:.1f} / {pct(lat, 99) * 1000:.1f} ms"),
            ("latency p50 / p99 direct to upstream",
             f"{pct(direct, 50) * 1000:.1f} / {pct(direct, 99) * 1000:.1f} ms"),
            ("added latency p50 / p99",
             f"{(pct(lat, 50) - pct(direct, 50)) * 1000:.1f} / {(pct(lat, 99) - pct(direct, 99)) * 1000:.1f} ms"),
            ("ledger rows written per second",
             f"{len(ok) / (took + persisted_after):.0f} rows/s (all rows stored {persisted_after:.2f} s after the"
             " last response)"),
        ]

        # the store alone: how many ledger rows per second PostgresStore takes in 256-row batches
        rows.append(("ledger insert capacity (PostgresStore alone)", asyncio.run(insert_capacity(url))))

        # crash: keep load on all three, kill -9 one halfway, restart it, check the ledger
        acked: list[str] = []

        async def crash_run() -> int:
            stop_at = time.monotonic() + a.crash_seconds
            fails = 0

            async def loop() -> None:
                nonlocal fails
                while time.monotonic() < stop_at:
                    fails += await fire(urls, 24, 24, acked, [])

            task = asyncio.create_task(loop())
            await asyncio.sleep(a.crash_seconds / 2)
            reps[1].kill9()
            await task
            return fails

        crash_failed = asyncio.run(crash_run())
        spooled = sum(1 for p in (root / "spool1").glob("seg-*.jsonl") for _ in p.open("rb"))
        time.sleep(3.5)  # past reservation_ttl_s

        async def reserved() -> int:
            # through the ledger's snapshot script: it purges expired reservations first
            led = RedisBudgetLedger(RedisLink(REDIS_BASE), prefix, 3, MemoryBudgetLedger())
            n = sum(res for _, res in (await led.snapshot()).values())
            await led.link.aclose()
            return n

        left_reserved = asyncio.run(reserved())
        t = time.perf_counter()
        reps[1].start()
        restart = time.perf_counter() - t
        for r in reps:
            r.stop()
        counts = asyncio.run(count_rows(url))
        missing = sum(1 for i in acked if counts[i] == 0)
        dupes = sum(1 for v in counts.values() if v > 1)
        rows += [
            ("crash test", f"{a.crash_seconds:.0f} s load, kill -9 of replica 2 at half time, restart"),
            ("  acknowledged (client got 200)", f"{len(acked)}  (+{crash_failed} failed: the killed replica)"),
            ("  rows in the killed replica's spool", f"{spooled}"),
            ("  acknowledged but missing from ledger", f"{missing}"),
            ("  request ids stored twice", f"{dupes}"),
            ("  budget still reserved after TTL", f"{left_reserved} nano-yen"),
            ("  restart incl. spool replay", f"{restart:.1f} s"),
        ]
    finally:
        for r in reps:
            r.kill9()
        fake_proc.kill()

        async def drop() -> None:
            c = await asyncpg.connect(PG_BASE)
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await c.close()

        asyncio.run(drop())
        rc = redis.Redis.from_url(REDIS_BASE)
        keys = list(rc.scan_iter(match=prefix + "*"))
        if keys:
            rc.delete(*keys)
    rows.append(("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end"))
    width = max(len(k) for k, _ in rows)
    print(f"\n{'metric'.ljust(width)}  value\n{'-' * width}  {'-' * 40}")
    for k, v in rows:
        print(f"{k.ljust(width)}  {v}")


if __name__ == "__main__":
    main()
