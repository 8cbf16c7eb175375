"""A small load driver on the real ``openai`` SDK: what each client saw, by request id."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import asyncpg
import openai


@dataclass
class Outcome:
    ok: list[str] = field(default_factory=list)  # request ids the client got a 200 for
    refused: dict[int, list[str]] = field(default_factory=dict)  # status -> request ids
    retry_after: list[str] = field(default_factory=list)
    failed: int = 0  # connection errors (e.g. the replica was killed)
    latencies: list[float] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


async def one(c: openai.AsyncOpenAI, out: Outcome, max_tokens: int = 10) -> None:
    t = time.perf_counter()
    try:
        raw = await c.chat.completions.with_raw_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": "週報を三行で"}], max_tokens=max_tokens)
        raw.parse()
        out.ok.append(raw.headers["x-tenbin-request-id"])
        out.latencies.append(time.perf_counter() - t)
    except openai.APIStatusError as e:
        out.refused.setdefault(e.status_code, []).append(e.response.headers.get("x-tenbin-request-id", ""))
        if "retry-after" in e.response.headers:
            out.retry_after.append(e.response.headers["retry-after"])
        body = e.body if isinstance(e.body, dict) else {}
        out.codes.append(str(body.get("code") or (body.get("error") or {}).get("code")))
    except (openai.APIConnectionError, openai.APITimeoutError):
        out.failed += 1


async def drive(urls: Sequence[str], total: int, concurrency: int, out: Outcome | None = None,
                timeout: float = 10) -> Outcome:
    out = out or Outcome()
    clients = [openai.AsyncOpenAI(base_url=u + "/v1", api_key="local", max_retries=0, timeout=timeout)
               for u in urls]
    sem = asyncio.Semaphore(concurrency)

    async def task(i: int) -> None:
        async with sem:
            await one(clients[i % len(clients)], out)

    await asyncio.gather(*(task(i) for i in range(total)))
    for c in clients:
        await c.close()
    return out


async def drive_for(urls: Sequence[str], seconds: float, concurrency: int, out: Outcome) -> Outcome:
    """Keep ``concurrency`` requests in flight per URL until ``seconds`` pass."""
    clients = [openai.AsyncOpenAI(base_url=u + "/v1", api_key="local", max_retries=0, timeout=10) for u in urls]
    end = time.monotonic() + seconds

    async def worker(c: openai.AsyncOpenAI) -> None:
        while time.monotonic() < end:
            n = out.failed
            await one(c, out)
            if out.failed > n:
                await asyncio.sleep(0.05)  # a dead replica: do not spin

    await asyncio.gather(*(worker(c) for c in clients for _ in range(concurrency)))
    for c in clients:
        await c.close()
    return out


async def ledger_rows(pg_url: str) -> list[dict[str, object]]:
    c = await asyncpg.connect(pg_url)
    try:
        return [dict(r) for r in await c.fetch(
            "SELECT request_id, status, error_class, cost_jpy_nanos FROM usage")]
    finally:
        await c.close()
