"""Budgets through the real gateway: real openai SDK → gateway over HTTP → fake upstream, SQLite."""

from __future__ import annotations

import concurrent.futures as cf
from decimal import Decimal
from pathlib import Path
from typing import Any

import openai
import pytest
from aiohttp import web

from tenbin.clock import ManualClock
from tenbin.ledger.record import to_nanos
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}
NOON = "2026-11-20T03:00:00Z"  # every gateway here runs on a pinned clock: budget periods never roll over mid-test
MESSAGES: Any = [{"role": "user", "content": "稟議書を要約して"}]


class Hook:
    """A loopback webhook receiver."""

    def __init__(self) -> None:
        self.posted: list[dict[str, Any]] = []
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.posted.append(await request.json())
        return web.Response(status=204)

    async def start(self) -> Hook:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self.runner.cleanup()


def _cfg(fake: FakeOpenAI, budgets: list[dict[str, Any]]) -> dict[str, Any]:
    cheap = fake_model("cheap", "fake", prices=[{"effective": "2025-01-01", "currency": "USD", "input": "0.10",
                                                 "output": "0.40"}])
    return {
        "providers": {"fake": openai_provider(fake.url)},
        "models": [fake_model("gpt-4o", "fake"), cheap],
        "default_model": "gpt-4o",
        "finops": {"budgets": budgets},
    }


def _client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)


def _call(gw: GatewayHandle, model: str = "gpt-4o") -> tuple[int, str]:
    try:
        raw = _client(gw).chat.completions.with_raw_response.create(model=model, messages=MESSAGES, max_tokens=50)
        return 200, raw.headers["x-tenbin-model"]
    except openai.APIStatusError as e:
        return e.status_code, str(e.body)


# What one request reserves: its prompt bound (77 bytes: the 61-byte JSON of [messages, tools]
# plus 16) at $2.50 and max_tokens=50 at $10 per 1M, at ¥154/$: $0.0006925 = ¥0.106645.
RESERVE_NANOS = 106_645_000
# What one request costs: 11 prompt + 6 completion tokens = $0.0000875 = ¥0.013475.
COST_NANOS = 13_475_000


def test_budget_race_64_in_flight(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # 11 prompt + 6 completion tokens at $2.50/$10 per 1M and ¥154/$ = ¥0.013475 per request; the
    # reservation (prompt bytes + 50 output tokens) is about ¥0.10, so ¥0.5 admits a handful at once.
    fake_openai.delay = 0.3  # keep all 64 in flight together
    limit = "0.5"
    budgets = [{"name": "team-local", "scope": "team", "match": "local", "period": "month", "limit_jpy": limit}]
    gw = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        with cf.ThreadPoolExecutor(64) as pool:
            results = list(pool.map(lambda _: _call(gw), range(64)))
        ok = [r for r in results if r[0] == 200]
        blocked = [r for r in results if r[0] == 429]
        assert len(ok) + len(blocked) == 64
        assert ok and blocked
        assert all("team-local" in body and "budget_exceeded" in body for _, body in blocked)
        # keep going one by one until the budget blocks: settlements free the unused reservations
        for _ in range(60):
            status, _ = _call(gw)
            if status == 429:
                break
        rows = gw.rows()
        spent = sum(r["cost_jpy_nanos"] for r in rows)
        # never past the limit by more than one request's reservation, and the budget was really used
        assert to_nanos(Decimal(limit)) // 2 < spent <= to_nanos(Decimal(limit)) + RESERVE_NANOS
        ledger_blocked = [r for r in rows if r["status"] == 429]
        assert len(ledger_blocked) >= len(blocked)
        assert all(r["error_class"] == "budget_exceeded" and r["cost_jpy_nanos"] == 0 for r in ledger_blocked)
        assert len([r for r in rows if r["status"] == 200]) * COST_NANOS == spent
    finally:
        gw.stop()


def test_downgrade_then_restart_keeps_spend(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    budgets = [{"name": "down", "scope": "project", "match": "default", "period": "day", "limit_jpy": "0.2",
                "action": "downgrade", "downgrade_to": "cheap"}]
    gw = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        served = [_call(gw)[1] for _ in range(12)]
        assert served[0] == "gpt-4o"
        assert "cheap" in served
        first_cheap = served.index("cheap")
        assert all(s == "cheap" for s in served[first_cheap:])
        rows = gw.rows()
        assert {r["served_model"] for r in rows} == {"gpt-4o", "cheap"}
        assert all(r["status"] == 200 for r in rows)
        down = [r for r in rows if r["served_model"] == "cheap"]
        assert "budget_downgrade" in down[0]["route"]
    finally:
        gw.stop()
    # Restart on the same database: spend is read back from the usage table, so it downgrades at once.
    gw2 = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        assert _call(gw2)[1] == "cheap"
    finally:
        gw2.stop()


def test_alert_budget_never_blocks_and_posts_webhook(lt: LoopThread, fake_openai: FakeOpenAI,
                                                     tmp_path: Path) -> None:
    hook = lt.run(Hook().start())
    try:
        budgets = [{"name": "watch", "scope": "all", "period": "month", "limit_jpy": "0.03", "action": "alert",
                    "webhook": hook.url + "/hook"}]
        gw = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
        try:
            assert [_call(gw)[0] for _ in range(4)] == [200] * 4  # ¥0.054 > ¥0.03: alerts, no block
            assert gw.runtime.finops is not None
            lt.run(gw.runtime.finops.alerter.drain())
            events = gw.runtime.finops.alerter.events
            assert [e["threshold_pct"] for e in events] == [50, 80, 100]
            assert len(hook.posted) == 3 and hook.posted[0]["budget"] == "watch"
            assert {p["kind"] for p in hook.posted} == {"threshold"}
            stored = lt.run(gw.runtime.store.query("SELECT threshold FROM budget_alerts ORDER BY threshold"))
            assert [r["threshold"] for r in stored] == [50, 80, 100]
        finally:
            gw.stop()
    finally:
        lt.run(hook.stop())


@pytest.mark.parametrize("bad,msg", [
    ({"name": "x", "limit_jpy": "-1"}, "finops.budgets.0.limit_jpy"),
    ({"name": "x", "limit_jpy": "10", "action": "downgrade"}, "downgrade_to"),
    ({"name": "x", "limit_jpy": "10", "webhook": "ftp://x"}, "webhook"),
])
def test_bad_budget_config_names_the_field(bad: dict[str, Any], msg: str) -> None:
    from tenbin.finops.config import FinOpsConfig

    with pytest.raises(ValueError, match=msg):
        FinOpsConfig.from_section({"budgets": [bad]})


def _stream(gw: GatewayHandle) -> tuple[str, str]:
    with _client(gw).chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=MESSAGES, max_tokens=50, stream=True) as r:
        text = "".join(c.choices[0].delta.content or "" for c in r.parse() if c.choices)
        return r.headers["x-tenbin-model"], text


def test_streamed_requests_reserve_settle_and_block(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    # ¥0.12 admits one reservation (¥0.106645); after it settles at ¥0.013475 the next one would hold
    # ¥0.120120 > ¥0.12, so the second stream is refused before any byte is streamed.
    budgets = [{"name": "team-local", "scope": "team", "match": "local", "period": "month", "limit_jpy": "0.12"}]
    gw = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        assert _stream(gw) == ("gpt-4o", fake_openai.reply)
        assert gw.runtime.finops is not None
        ledger = gw.runtime.finops.guard.ledger
        assert lt.run(ledger.snapshot()) == {"team-local|local|2026-11": (COST_NANOS, 0)}  # settled, nothing held
        with pytest.raises(openai.APIStatusError) as ei:
            _stream(gw)
        assert ei.value.status_code == 429 and "team-local" in ei.value.message
        rows = gw.rows()
        assert [(r["stream"], r["status"], r["cost_jpy_nanos"], r["error_class"]) for r in rows] == [
            (1, 200, COST_NANOS, None), (1, 429, 0, "budget_exceeded")]
        assert lt.run(ledger.snapshot()) == {"team-local|local|2026-11": (COST_NANOS, 0)}
    finally:
        gw.stop()


# A stream cut before the vendor's usage chunk is billed by the vendor all the same; the gateway
# estimates it: the prompt it sent, [[{"role":"user","content":"稟議書を要約して"}],null], is 40 ASCII
# characters (10 tokens) + 8 others (8 tokens) = 18; the 6 characters delivered (こんにち, は、) = 6.
# 18 × $2.50 + 6 × $10 per 1M = $0.000105 = ¥0.01617 at ¥154/$.
CUT_NANOS = 16_170_000


def test_stream_cut_before_usage_is_charged_an_estimate(lt: LoopThread, fake_openai: FakeOpenAI,
                                                        tmp_path: Path) -> None:
    """Before: 0 tokens, ¥0 and the reservation released (a 1 JPY budget was overspent without
    limit). After: the estimate is settled against the budget and marked as one."""
    budgets = [{"name": "team-local", "scope": "team", "match": "local", "period": "month", "limit_jpy": "1"}]
    gw = start_gateway(lt, _cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        fake_openai.script = [{"truncate": True}]  # bytes already sent: an error chunk, no fallback, no usage
        with pytest.raises(openai.APIError):
            _stream(gw)
        assert gw.runtime.finops is not None
        assert lt.run(gw.runtime.finops.guard.ledger.snapshot()) == {"team-local|local|2026-11": (CUT_NANOS, 0)}
        row = gw.rows()[-1]
        assert (row["status"], row["cost_jpy_nanos"], row["stream"]) == (502, CUT_NANOS, 1)
        assert (row["prompt_tokens"], row["completion_tokens"], row["tokens_reported"]) == (18, 6, 0)
        assert _stream(gw)[1] == fake_openai.reply  # the settled estimate left room for the next request
    finally:
        gw.stop()
