"""Month and year boundaries on the Tokyo calendar against UTC, with the clock pinned.

Prices, FX rates, budgets and reports follow Japanese days (UTC+9), so the nine hours before
midnight UTC already belong to the next Tokyo day: 2026-11-30T15:30Z is December in Tokyo and
2026-12-31T15:00Z is 2027. Each test runs the real parts (gateway over HTTP, SQLite store, fake
OpenAI upstream) on a :class:`ManualClock`, so it proves the same thing on any date.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openai
import pytest

from tenbin.clock import SYSTEM, ManualClock
from tenbin.finops.budgets.rules import spend_so_far
from tenbin.finops.config import BudgetRule
from tenbin.finops.fxstore import set_rate
from tenbin.finops.periods import current_month, period_key, tokyo_now
from tenbin.store.base import Store
from tenbin.store.sqlite import SQLiteStore
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.finops.ledger import row, with_ledger
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k"}
# The fake answers 11 prompt + 6 completion tokens: $0.0000875 at gpt-4o's $2.50/$10 per 1M.
USD_NANOS = 87_500


def ts(iso: str) -> float:
    return dt.datetime.fromisoformat(iso).timestamp()


# ---- the clock and the calendar -------------------------------------------------------------
def test_manual_clock_moves_only_when_told() -> None:
    c = ManualClock("2026-11-30T15:30:00Z", monotonic_start=5.0)
    assert c.now() == dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC) and c.monotonic() == 5.0
    c.advance(1.5)
    assert c.now().isoformat() == "2026-11-30T15:30:01.500000+00:00" and c.monotonic() == 6.5
    c.set("2027-01-01T00:00:00+09:00")  # a wall-clock step leaves the interval clock alone
    assert c.now() == dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC) and c.monotonic() == 6.5
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock("2026-11-30T15:30:00")
    with pytest.raises(ValueError, match="backwards"):
        c.advance(-1)


def test_system_clock_is_aware_utc() -> None:
    now = SYSTEM.now()
    assert now.utcoffset() == dt.timedelta(0)
    assert abs(now.timestamp() - dt.datetime.now(dt.UTC).timestamp()) < 5


@pytest.mark.parametrize("at,month,day", [
    ("2026-11-30T14:59:59Z", "2026-11", "2026-11-30"),
    ("2026-11-30T15:00:00Z", "2026-12", "2026-12-01"),
    ("2026-11-30T15:30:00Z", "2026-12", "2026-12-01"),
    ("2026-12-31T14:59:59Z", "2026-12", "2026-12-31"),
    ("2026-12-31T15:00:00Z", "2027-01", "2027-01-01"),
])
def test_tokyo_month_and_day_of_a_utc_instant(at: str, month: str, day: str) -> None:
    clock = ManualClock(at)
    assert current_month(clock).label == month
    assert tokyo_now(clock).date().isoformat() == day
    assert period_key("month", ts(at)) == month and period_key("day", ts(at)) == day


def test_spend_so_far_counts_the_tokyo_month(tmp_path: Path) -> None:
    """A row at 2026-11-30T15:30Z was spent in December (Tokyo), not November."""
    rows = [row(ts("2026-11-30T14:30:00Z"), jpy_nanos=1), row(ts("2026-11-30T15:30:00Z"), jpy_nanos=20),
            row(ts("2026-12-31T14:59:00Z"), jpy_nanos=300), row(ts("2026-12-31T15:00:00Z"), jpy_nanos=4000)]
    rule = BudgetRule.model_validate({"name": "m", "scope": "team", "match": "sales", "limit_jpy": "1"})
    ats = ["2026-11-30T15:29:00Z", "2026-11-30T14:00:00Z", "2027-01-01T00:00:00Z"]

    async def spent(store: Store) -> list[dict[str, int]]:
        return [await spend_so_far(store, [rule], ManualClock(at).now().timestamp()) for at in ats]

    assert with_ledger(tmp_path, rows, spent) == [
        {"m|sales|2026-12": 320}, {"m|sales|2026-11": 1}, {"m|sales|2027-01": 4000}]


# ---- the gateway on a pinned clock ----------------------------------------------------------
def _gateway(lt: LoopThread, fake: FakeOpenAI, tmp: Path, clock: ManualClock, **cfg: object) -> GatewayHandle:
    async def seed() -> None:
        s = SQLiteStore(str(tmp / "tenbin.db"))
        await s.migrate()
        recorded = dt.datetime(2026, 11, 1, tzinfo=dt.UTC).timestamp()  # known well before either day
        await set_rate(s, "USD", dt.date(2026, 11, 30), Decimal("100"), at=recorded)
        await set_rate(s, "USD", dt.date(2026, 12, 1), Decimal("120"), at=recorded)
        await s.close()

    lt.run(seed())
    base = {"providers": {"fake": openai_provider(fake.url)}, "default_model": "gpt-4o",
            "models": [fake_model("gpt-4o", "fake")]}
    return start_gateway(lt, {**base, **cfg}, tmp, ENV, clock=clock)


def _ask(gw: GatewayHandle) -> int:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    try:
        c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], max_tokens=10)
    except openai.APIStatusError as e:
        return e.status_code
    return 200


def test_request_is_priced_at_the_fx_rate_of_its_tokyo_day(lt: LoopThread, fake_openai: FakeOpenAI,
                                                          tmp_path: Path) -> None:
    clock = ManualClock("2026-11-30T14:59:00Z")  # 23:59 on Nov 30 in Tokyo
    gw = _gateway(lt, fake_openai, tmp_path, clock)
    try:
        assert _ask(gw) == 200
        clock.set("2026-11-30T15:30:00Z")  # same UTC date, but Dec 1 in Tokyo: the Dec 1 rate applies
        assert _ask(gw) == 200
        rows = gw.rows()
        assert [(r["fx_rate"], r["cost_jpy_nanos"]) for r in rows] == [("100", USD_NANOS * 100),
                                                                      ("120", USD_NANOS * 120)]
        assert [r["ts_start"] for r in rows] == [ts("2026-11-30T14:59:00Z"), ts("2026-11-30T15:30:00Z")]
    finally:
        gw.stop()


def test_catalog_price_change_takes_effect_at_tokyo_midnight(lt: LoopThread, fake_openai: FakeOpenAI,
                                                             tmp_path: Path) -> None:
    prices = [{"effective": "2025-01-01", "currency": "USD", "input": "2.50", "output": "10.00"},
              {"effective": "2027-01-01", "currency": "USD", "input": "5.00", "output": "20.00"}]
    clock = ManualClock("2026-12-31T14:59:59Z")
    gw = _gateway(lt, fake_openai, tmp_path, clock, models=[fake_model("gpt-4o", "fake", prices=prices)])
    try:
        assert _ask(gw) == 200
        clock.set("2026-12-31T15:00:00Z")  # New Year in Tokyo, still Dec 31 in UTC
        assert _ask(gw) == 200
        assert [r["cost_nanos"] for r in gw.rows()] == [USD_NANOS, 2 * USD_NANOS]
    finally:
        gw.stop()


def test_monthly_budget_resets_at_the_tokyo_new_year(lt: LoopThread, fake_openai: FakeOpenAI,
                                                     tmp_path: Path) -> None:
    # One request reserves ¥0.0285 (a 55-byte prompt bound at $2.50 + 10 output tokens at $10 per
    # 1M, ¥120/$) and settles ¥0.0105, so a ¥0.03 month admits exactly one.
    budgets = [{"name": "team-month", "scope": "team", "match": "local", "period": "month", "limit_jpy": "0.03"}]
    clock = ManualClock("2026-12-31T14:00:00Z")
    gw = _gateway(lt, fake_openai, tmp_path, clock, finops={"budgets": budgets})
    try:
        assert [_ask(gw), _ask(gw)] == [200, 429]
        clock.set("2026-12-31T14:59:59Z")  # 23:59:59 in Tokyo: still December's budget
        assert _ask(gw) == 429
        clock.set("2026-12-31T15:00:00Z")  # 2027-01-01 00:00 in Tokyo: a fresh month
        assert [_ask(gw), _ask(gw)] == [200, 429]
        assert gw.runtime.finops is not None
        snap = lt.run(gw.runtime.finops.guard.ledger.snapshot())
        assert snap == {"team-month|local|2026-12": (USD_NANOS * 120, 0),
                        "team-month|local|2027-01": (USD_NANOS * 120, 0)}
        rows = gw.rows()
        assert [r["status"] for r in rows] == [200, 429, 429, 200, 429]
    finally:
        gw.stop()
