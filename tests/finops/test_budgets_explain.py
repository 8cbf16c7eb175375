"""Budgets that explain themselves, through the real gateway: the real openai SDK over HTTP, the
aiohttp server, a fake OpenAI upstream, SQLite, a pinned clock.

* a refusal is final (``x-should-retry: false``: the SDK, allowed 2 retries, calls once and the
  ledger has one row) and its message names the budget, the spend, the reservation and what fits;
* a reservation is sized by the request's ``max_tokens`` or its use case's learned p95 output;
* a downgrade is visible to the client (``x-tenbin-budget``), logged once when it starts, POSTed
  to the webhook once, and shown with since-when in ``GET /admin/budgets`` and ``tenbin budgets``;
  a downgraded chain that fails says so instead of only "model unavailable";
* thresholds already passed when a budget is added mid-period are sent once, and the stored budget
  and its spend appear in the admin API.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import openai
import pytest
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.finops.budgets.estimate import MIN_SAMPLES, OutputEstimator, p95
from tenbin.finops.budgets.rules import save_rule
from tenbin.finops.config import BudgetRule
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.finops.test_budgets_gateway import Hook
from tests.governance.conftest import admin_http, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}
NOON = "2026-11-20T03:00:00Z"  # Friday 12:00 in Tokyo
MESSAGES: Any = [{"role": "user", "content": "稟議書を要約して"}]
CHEAP = [{"effective": "2025-01-01", "currency": "USD", "input": "0.10", "output": "0.40"}]
FRONTIER = [{"effective": "2025-01-01", "currency": "USD", "input": "15", "output": "60"}]


def cfg(fake: FakeOpenAI, budgets: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "providers": {"fake": openai_provider(fake.url, max_retries=0)},
        "models": [fake_model("gpt-4o", "fake"), fake_model("cheap", "fake", prices=CHEAP),
                   fake_model("frontier", "fake", prices=FRONTIER)],
        "default_model": "gpt-4o",
        "finops": {"budgets": budgets},
        **extra,
    }


def client(gw: GatewayHandle, retries: int = 0, key: str = "local") -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=retries)


def call(gw: GatewayHandle, model: str = "gpt-4o", use_case: str | None = None,
         **kw: Any) -> tuple[int, dict[str, str], str]:
    headers = {"x-tenbin-use-case": use_case} if use_case else None
    try:
        raw = client(gw).chat.completions.with_raw_response.create(model=model, messages=MESSAGES,
                                                                   extra_headers=headers, **kw)
        return 200, dict(raw.headers), ""
    except openai.APIStatusError as e:
        return e.status_code, dict(e.response.headers), e.message


# The 77-byte prompt bound at $2.50 per 1M and ¥154/$ is ¥0.029645; each output token ¥0.00154.
# Against ¥0.05 that leaves room for floor((0.05 − 0.029645) / 0.00154) = 13 output tokens.
FITS = 13


def test_refusal_is_final_and_says_what_would_fit(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    budgets = [{"name": "team-local", "scope": "team", "match": "local", "period": "month", "limit_jpy": "0.05"}]
    gw = start_gateway(lt, cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        with pytest.raises(openai.RateLimitError) as ei:  # the SDK may retry twice; the header says no
            client(gw, retries=2).chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50)
        e = ei.value
        assert e.response.headers["x-should-retry"] == "false"
        assert e.response.headers["x-tenbin-budget"] == "blocked;budget=team-local"
        assert len(gw.rows()) == 1 and fake_openai.requests == []  # one call, one row, nothing upstream
        assert e.code == "budget_exceeded" and e.type == "insufficient_quota"
        msg = e.message
        assert "Budget `team-local` (team local, month 2026-11)" in msg
        assert "¥0.00 of ¥0.05 spent, ¥0.00 held by requests in flight, ¥0.05 left" in msg
        assert "reserves up to ¥0.1066 (77 prompt tokens at most and 50 output tokens [max_tokens]" in msg
        assert f"What would fit: max_tokens ≤ {FITS}" in msg and "2026-12-01 00:00 JST" in msg
        # what it said fits does fit, and one more token does not
        assert call(gw, max_tokens=FITS + 1)[0] == 429
        assert call(gw, max_tokens=FITS)[0] == 200
        with pytest.raises(openai.RateLimitError) as ei:  # streamed requests are refused the same way
            client(gw, retries=2).chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50,
                                                          stream=True)
        assert ei.value.response.headers["x-should-retry"] == "false"
        assert [r["status"] for r in gw.rows()] == [429, 429, 200, 429]
    finally:
        gw.stop()


def test_reservation_uses_the_use_cases_p95_not_4096(lt: LoopThread, fake_openai: FakeOpenAI,
                                                     tmp_path: Path) -> None:
    """The issue's ¥3/day budget: with no max_tokens and no history the fallback (1,024 tokens on a
    $60/1M model, ¥9.46) still downgrades; once the ledger shows the use case answers in 6 tokens,
    the same request reserves ≈¥0.2 and is served by the model asked for."""
    budgets = [{"name": "nippo-day", "scope": "use_case", "match": "nippo", "period": "day", "limit_jpy": "3",
                "action": "downgrade", "downgrade_to": "cheap"},
               {"name": "other-tiny", "scope": "use_case", "match": "other", "period": "day",
                "limit_jpy": "0.01"}]
    gw = start_gateway(lt, cfg(fake_openai, budgets), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        status, headers, _ = call(gw, "frontier", use_case="nippo")
        assert status == 200 and headers["x-tenbin-model"] == "cheap"
        route = json.loads(gw.rows()[-1]["route"])["budget_downgrade"]
        assert (route["output_tokens"], route["estimate"]) == (1024, "finops.default_max_output_tokens")
        for _ in range(MIN_SAMPLES + 4):
            assert call(gw, "cheap", use_case="nippo")[0] == 200
        assert gw.runtime.finops is not None
        gw.rows()  # the ledger writer's buffer reaches the store
        lt.run(gw.runtime.finops.learn())
        status, headers, _ = call(gw, "frontier", use_case="nippo")
        assert status == 200 and headers["x-tenbin-model"] == "frontier" and "x-tenbin-budget" not in headers
        # a use case without history of its own reserves the p95 of all traffic
        status, _, msg = call(gw, "gpt-4o", use_case="other")
        assert status == 429
        assert "6 output tokens [p95 of all traffic (25 requests)]" in msg
    finally:
        gw.stop()


def test_downgrade_is_visible_announced_once_and_listed(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    hook = lt.run(Hook().start())
    budgets = [{"name": "down", "scope": "project", "match": "default", "period": "day", "limit_jpy": "0.2",
                "action": "downgrade", "downgrade_to": "cheap", "webhook": hook.url + "/hook"}]
    config = cfg(fake_openai, budgets)
    gw = start_gateway(lt, config, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        with caplog.at_level(logging.INFO, logger="tenbin.finops.budget"):
            answers = [call(gw, max_tokens=50) for _ in range(10)]
        served = [h["x-tenbin-model"] for _, h, _ in answers]
        assert served[0] == "gpt-4o" and "x-tenbin-budget" not in answers[0][1]
        first = served.index("cheap")
        downgraded = [h for _, h, _ in answers[first:]]
        assert all(h["x-tenbin-model"] == "cheap" for h in downgraded)
        assert {h["x-tenbin-budget"] for h in downgraded} == {"downgraded;budget=down;from=gpt-4o;to=cheap"}
        started = [r for r in caplog.records if "started downgrading gpt-4o → cheap" in r.getMessage()]
        assert len(started) == 1 and started[0].levelno == logging.WARNING
        assert len([r for r in caplog.records if "downgraded request" in r.getMessage()]) == len(downgraded) - 1
        assert gw.runtime.finops is not None
        lt.run(gw.runtime.finops.alerter.drain())
        actions = [p for p in hook.posted if p["event"] == "budget_action"]
        assert len(actions) == 1
        assert (actions[0]["kind"], actions[0]["from"], actions[0]["to"]) == ("downgrade", "gpt-4o", "cheap")
        assert "x-tenbin-budget" not in str(hook.posted) and "sk-fake" not in str(hook.posted)
        admin = make_key(gw, "ops", "admin")
        with admin_http(gw, admin) as h:
            doc = h.get("/admin/budgets").json()
        (st,) = [s for s in doc["status"] if s["budget"] == "down"]
        assert st["state"] == "downgrading" and st["since"] == "2026-11-20T12:00:00+09:00"
        assert st["actions"][0]["requests"] == len(downgraded)
        assert st["subject"] == "default" and st["period_key"] == "2026-11-20"
    finally:
        gw.stop()
        lt.run(hook.stop())
    # the CLI reads the same store: state, since-when and the count survive the gateway
    path = tmp_path / "tenbin.yaml"
    path.write_text(json.dumps({**config, "store": f"sqlite:///{tmp_path / 'tenbin.db'}"}), encoding="utf-8")
    res = CliRunner().invoke(app, ["budgets", "-c", str(path), "--format", "json"], obj=ManualClock(NOON),
                             env={"COLUMNS": "250", **ENV}, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.output)["budgets"]
    assert row["state"] == "downgrading" and row["since"] == "2026-11-20T12:00:00+09:00"
    assert row["actions"][0]["requests"] == len(downgraded)
    table = CliRunner().invoke(app, ["budgets", "-c", str(path)], obj=ManualClock(NOON),
                               env={"COLUMNS": "250", **ENV}, catch_exceptions=False).output
    assert "downgrading" in table and "2026-11-20 12:00" in table


def test_a_failed_downgrade_names_the_budget_then_blocks_with_the_reason(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    budgets = [{"name": "down", "scope": "project", "match": "default", "period": "day", "limit_jpy": "0.01",
                "action": "downgrade", "downgrade_to": "cheap"}]
    config = cfg(fake_openai, budgets, breaker={"failure_threshold": 1, "cooldown_s": 600})
    gw = start_gateway(lt, config, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        fake_openai.script = [{"status": 500}]  # cheap, the downgrade model, fails once: its breaker opens
        status, headers, msg = call(gw, max_tokens=50)
        assert status == 502
        assert "- Budget `down` is exhausted, so this request was downgraded from gpt-4o to cheap, which did" in msg
        assert headers["x-tenbin-budget"] == "downgraded;budget=down;from=gpt-4o;to=cheap"
        status, headers, msg = call(gw, max_tokens=50)  # cheap cannot serve now: a budget refusal, said so
        assert status == 429 and headers["x-should-retry"] == "false"
        assert "No downgrade: cheap cannot serve now (provider unavailable or circuit open)" in msg
        assert len(fake_openai.requests) == 1
    finally:
        gw.stop()


def test_thresholds_passed_before_a_budget_existed_are_sent_once(lt: LoopThread, fake_openai: FakeOpenAI,
                                                                 tmp_path: Path) -> None:
    hook = lt.run(Hook().start())
    config = cfg(fake_openai, [])
    gw = start_gateway(lt, config, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        for _ in range(5):  # 5 × ¥0.013475 = ¥0.067375 spent before any budget
            assert call(gw, max_tokens=50)[0] == 200
        gw.rows()  # flushed to the usage table
        rule = BudgetRule.model_validate({"name": "late", "scope": "team", "match": "local", "limit_jpy": "0.08",
                                          "action": "alert", "webhook": hook.url + "/hook"})
        lt.run(save_rule(gw.runtime.store, rule))  # as `tenbin budgets set` stores it
        assert gw.runtime.finops is not None
        for _ in range(3):
            lt.run(gw.runtime.finops.refresh())
        lt.run(gw.runtime.finops.alerter.drain())
        # 84% spent: 50 and 80 were passed before the budget existed; each is sent once, 100 not yet
        assert [(p["threshold_pct"], p["note"]) for p in hook.posted] == [
            (50, "already passed when the budget was added"), (80, "already passed when the budget was added")]
        admin = make_key(gw, "ops", "admin")
        with admin_http(gw, admin) as h:
            doc = h.get("/admin/budgets").json()
        assert [(b["name"], b["source"]) for b in doc["budgets"]] == [("late", "store")]
        (st,) = doc["status"]
        assert (st["budget"], st["subject"], st["spent_jpy"], st["burn_pct"]) == ("late", "local", "0.07", "84.2")
        assert [c["pct"] for c in st["thresholds_crossed"]] == [50, 80]
    finally:
        gw.stop()
    gw2 = start_gateway(lt, config, tmp_path, ENV, clock=ManualClock(NOON))  # a restart resends nothing
    try:
        assert gw2.runtime.finops is not None
        lt.run(gw2.runtime.finops.alerter.drain())
        assert len(hook.posted) == 2
    finally:
        gw2.stop()
        lt.run(hook.stop())


def test_p95_is_an_observed_value_and_needs_enough_samples() -> None:
    assert p95(list(range(1, 101))) == 95
    assert p95([7] * 19 + [4000]) == 7  # one runaway answer in 20 does not set the reservation
    est = OutputEstimator(default=1024)
    est.learn([("a", 10)] * (MIN_SAMPLES - 2) + [("b", 500)] * 2)
    # "a" has too few answers of its own: the p95 of all 20 (two of them 500) applies
    assert est.estimate("a") == est.estimate(None)
    assert est.estimate("a").tokens == 500 and est.estimate("a").basis == "p95 of all traffic (20 requests)"
    est.learn([("a", 10)] * MIN_SAMPLES + [("b", 900)] * 5)
    assert est.estimate("a").tokens == 10 and est.estimate("a").basis == "p95 of use case a (20 requests)"
    assert est.estimate("b").tokens == 900  # only 5 of its own: all traffic's p95 (900 is in its top 5%)
    est.learn([])
    assert est.estimate("a").tokens == 1024


def test_two_replicas_announce_a_threshold_and_an_action_once(lt: LoopThread, tmp_path: Path) -> None:
    """Two gateways (two Alerters) on one store both see the bucket pass 80% and both block in it:
    the row decides who sends, so the webhook hears each event once and the count adds up."""
    from tenbin.finops.budgets.alerts import Alerter
    from tenbin.finops.budgets.rules import compile_rules
    from tenbin.finops.budgets.status import stored_events
    from tenbin.store.sqlite import SQLiteStore

    hook = lt.run(Hook().start())
    rule = BudgetRule.model_validate({"name": "b", "scope": "team", "match": "t", "limit_jpy": "1",
                                      "webhook": hook.url + "/hook"})
    (c,) = compile_rules([rule])

    async def go() -> tuple[int, int]:
        store = SQLiteStore(str(tmp_path / "shared.db"))
        await store.migrate()
        replicas = [Alerter(store, ManualClock(NOON)) for _ in range(2)]
        for a in replicas:
            await a.load()
        for a in replicas:
            a.crossed(c, "b|t|2026-11", 700_000_000, 850_000_000)
            a.action(c, "b|t|2026-11", "block", {"spent_jpy": "0.85"}, "req")
        for a in replicas:
            await a.flush()
        _, actions = await stored_events(store)
        await store.close()
        return len(hook.posted), actions[("b|t|2026-11", "block")].count

    try:
        posted, count = lt.run(go())
        assert posted == 2  # the 80% alert and the block, once each
        assert sorted(p["event"] for p in hook.posted) == ["budget_action", "budget_alert"]
        assert count == 2  # both replicas' blocked requests are counted
    finally:
        lt.run(hook.stop())
