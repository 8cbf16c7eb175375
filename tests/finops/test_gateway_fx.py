"""The gateway prices with the FX rate stored in the database, picks up a new one on refresh
without a restart (never a database read per request), and gives a Tokyo day one rate: a rate
recorded mid-day prices requests from the next Tokyo day, on a running gateway and after a restart.

The clock starts at 2026-11-30T15:30Z, which is 2026-12-01 00:30 in Tokyo: a rate dated
2026-12-01 is in force for pricing (Tokyo's calendar) although the UTC date is still Nov 30."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openai
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.finops.fxstore import set_rate
from tenbin.finops.periods import tokyo_date
from tenbin.fx import FxTable
from tenbin.store.sqlite import SQLiteStore
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

USD_NANOS = 87_500  # $0.0000875 a request (11 prompt + 6 completion tokens at $2.50/$10 per 1M)


def _ask(gw: GatewayHandle) -> dict[str, object]:
    client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    return gw.rows()[-1]


def test_a_tokyo_day_keeps_the_rate_it_started_with(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    clock = ManualClock("2026-11-30T15:30:00Z")  # Tokyo: Dec 1, 00:30

    async def seed() -> None:
        s = SQLiteStore(str(tmp_path / "tenbin.db"))
        await s.migrate()
        # recorded on Nov 29 (Tokyo) for Nov 29 on: in force from Nov 30, so on Dec 1 too
        await set_rate(s, "USD", dt.date(2026, 11, 29), Decimal("100"), at=clock.now().timestamp() - 86400)
        await s.close()

    lt.run(seed())
    cfg = {"providers": {"fake": openai_provider(fake_openai.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "x"}, clock=clock)
    try:
        first = _ask(gw)
        assert first["fx_rate"] == "100" and first["cost_jpy_nanos"] == USD_NANOS * 100
        clock.advance(12 * 3600)  # Dec 1, 12:30 in Tokyo: someone sets today's rate
        assert gw.runtime.finops is not None
        lt.run(set_rate(gw.runtime.store, "USD", dt.date(2026, 12, 1), Decimal("120"), at=clock.now().timestamp()))
        lt.run(gw.runtime.finops.refresh())
        assert _ask(gw)["fx_rate"] == "100"  # the same Tokyo day: still the rate it started with
        clock.advance(11 * 3600 + 29 * 60)  # Dec 1, 23:59
        assert _ask(gw)["fx_rate"] == "100"
        clock.advance(60)  # Dec 2, 00:00 in Tokyo: the new rate is in force
        lt.run(gw.runtime.finops.refresh())
        last = _ask(gw)
        assert last["fx_rate"] == "120" and last["cost_jpy_nanos"] == USD_NANOS * 120
        by_day = {(tokyo_date(float(str(r["ts_start"]))), r["fx_rate"]) for r in gw.rows()}
        assert by_day == {(dt.date(2026, 12, 1), "100"), (dt.date(2026, 12, 2), "120")}  # one rate per day
    finally:
        gw.stop()


def test_a_restart_mid_day_keeps_the_days_rate(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    clock = ManualClock("2026-11-20T01:00:00Z")  # Tokyo: Nov 20, 10:00
    cfg = {"providers": {"fake": openai_provider(fake_openai.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "x"}, clock=clock)
    try:
        assert _ask(gw)["fx_rate"] == "154.0"  # the shipped default
        # a correction for the whole month, recorded at 10:00 on the 20th
        lt.run(set_rate(gw.runtime.store, "USD", dt.date(2026, 11, 1), Decimal("150"), at=clock.now().timestamp()))
    finally:
        gw.stop()
    gw2 = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "x"}, clock=clock)  # another replica, or a restart
    try:
        assert _ask(gw2)["fx_rate"] == "154.0"
        clock.set("2026-11-20T15:00:00Z")  # Nov 21 in Tokyo
        assert gw2.runtime.finops is not None
        lt.run(gw2.runtime.finops.refresh())
        assert _ask(gw2)["fx_rate"] == "150"
    finally:
        gw2.stop()


def test_the_cli_says_when_a_rate_starts_pricing(tmp_path: Path) -> None:
    path = tmp_path / "tenbin.yaml"
    path.write_text(f"store: sqlite:///{tmp_path / 'fx.db'}\n", encoding="utf-8")
    at = ManualClock("2026-11-20T05:00:00Z")  # 14:00 in Tokyo
    runner = CliRunner()
    out = runner.invoke(app, ["fx", "set", "USDJPY", "160", "-c", str(path)], obj=at, env={"COLUMNS": "200"},
                        catch_exceptions=False).output
    assert "from 2026-11-20 — prices requests from 2026-11-21" in out
    out = runner.invoke(app, ["fx", "set", "USDJPY", "161", "--date", "2026-12-01", "-c", str(path)], obj=at,
                        env={"COLUMNS": "200"}, catch_exceptions=False).output
    assert "prices requests from" not in out  # a future date prices from that date
    listing = runner.invoke(app, ["fx", "list", "-c", str(path)], obj=at, env={"COLUMNS": "200"},
                            catch_exceptions=False).output
    assert "2026-11-21" in listing and "2026-12-01" in listing


def test_fx_table_rule() -> None:
    t = FxTable(())
    t.set("USD", dt.date(2026, 11, 1), Decimal("150"), recorded=dt.date(2026, 10, 30))
    t.set("USD", dt.date(2026, 11, 20), Decimal("160"), recorded=dt.date(2026, 11, 20))  # recorded on the day
    t.set("USD", dt.date(2026, 11, 20), Decimal("161"), recorded=dt.date(2026, 11, 21))  # corrected next day
    assert t.rate("USD", dt.date(2026, 11, 20)) == Decimal("150")
    assert t.rate("USD", dt.date(2026, 11, 21)) == Decimal("160")
    assert t.rate("USD", dt.date(2026, 11, 22)) == Decimal("161")
    assert t.rate("USD", dt.date(2026, 10, 1)) == Decimal("150")  # before every rate: the earliest known
