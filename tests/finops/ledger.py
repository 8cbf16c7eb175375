"""Build small hand-checkable ledgers in a real SQLite store."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from tenbin.finops.periods import TOKYO
from tenbin.ledger.record import UsageRecord
from tenbin.store.base import Store
from tenbin.store.sqlite import SQLiteStore

T = TypeVar("T")
_ids = itertools.count()


def jst(y: int, m: int, d: int, h: int = 12) -> float:
    return dt.datetime(y, m, d, h, tzinfo=TOKYO).timestamp()


def row(ts: float, *, team: str = "sales", project: str = "p1", model: str = "gpt-4o", provider: str = "openai",
        region: str = "US", prompt: int = 1000, completion: int = 500, cost_nanos: int = 0, currency: str = "USD",
        jpy_nanos: int = 0, fx: str | None = "150", use_case: str | None = None, status: int = 200,
        requested: str | None = None, data_class: str | None = None, key: str = "k1") -> UsageRecord:
    return UsageRecord(
        request_id=f"r{next(_ids)}", ts_start=ts, ts_end=ts + 1, key_id=key, team=team, project=project,
        use_case=use_case, requested_model=requested or model, served_model=model if status == 200 else None,
        provider=provider, region=region, prompt_tokens=prompt, completion_tokens=completion,
        tokens_reported=True, status=status, cost_nanos=cost_nanos, currency=currency, cost_jpy_nanos=jpy_nanos,
        fx_rate=fx, data_class=data_class)


def with_ledger(tmp: Path, rows: list[UsageRecord], fn: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        store = SQLiteStore(str(tmp / "ledger.db"))
        await store.migrate()
        try:
            if rows:
                await store.insert_usage(rows)
            return await fn(store)
        finally:
            await store.close()

    return asyncio.run(go())


def noop(_: Any) -> None:
    return None
