"""The gateway prices with the FX rate stored in the database, and picks up a new one on refresh
without a restart (never a database read per request).

The clock is pinned to 2026-11-30T15:30Z, which is 2026-12-01 00:30 in Tokyo: a rate dated
2026-12-01 is in force for pricing (Tokyo's calendar) although the UTC date is still Nov 30."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openai

from tenbin.clock import ManualClock
from tenbin.finops.fxstore import set_rate
from tenbin.store.sqlite import SQLiteStore
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway


def test_stored_rate_is_used_and_refreshed(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    clock = ManualClock("2026-11-30T15:30:00Z")
    day = dt.date(2026, 11, 29)

    async def seed() -> None:
        s = SQLiteStore(str(tmp_path / "tenbin.db"))
        await s.migrate()
        await set_rate(s, "USD", day, Decimal("100"))
        await s.close()

    lt.run(seed())
    cfg = {"providers": {"fake": openai_provider(fake_openai.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "x"}, clock=clock)
    try:
        client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        first = gw.rows()[-1]
        assert first["fx_rate"] == "100" and first["cost_jpy_nanos"] == 87_500 * 100  # $0.0000875 × 100
        assert gw.runtime.finops is not None
        lt.run(set_rate(gw.runtime.store, "USD", dt.date(2026, 12, 1), Decimal("120")))  # today in Tokyo
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert gw.rows()[-1]["fx_rate"] == "100"  # not re-read per request
        lt.run(gw.runtime.finops.refresh())
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
        assert gw.rows()[-1]["fx_rate"] == "120"
        assert gw.rows()[-1]["cost_jpy_nanos"] == 87_500 * 120
    finally:
        gw.stop()
