"""Transfer records per vendor attempt, through the real gateway with fake vendors: one audit entry
for every model whose vendor the data reached (fallbacks included), ``masked`` as sent, nothing for
models skipped before a byte left, and the authorising policy rule kept beside a budget's action."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import audit_rows
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-openai", "ANTH_KEY": "sk-ant-fake"}
PII = "山田太郎様（電話 090-1234-5678）へのお詫びメールを書いて"


@pytest.fixture
def fake_anthropic(lt: LoopThread) -> Iterator[FakeAnthropic]:
    fake = lt.run(FakeAnthropic().start())
    yield fake
    lt.run(fake.stop())


def _config(anth_url: str, openai_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "providers": {
            "anth": {"kind": "anthropic", "base_url": anth_url, "api_key": "${ANTH_KEY}", "max_retries": 1,
                     "timeout_s": 3},
            "fake": openai_provider(openai_url),
            "nokey": openai_provider(openai_url, api_key="${NOT_SET_ANYWHERE}"),
        },
        "models": [fake_model("claude-x", "anth"), fake_model("gpt-x", "fake"),
                   fake_model("keyless-x", "nokey")],
        "default_model": "gpt-x",
        "privacy": {"mode": "pseudonymize"},
        "routing": {"constraints": [], "rules": [
            {"name": "support-draft", "when": {"use_case": "support"}, "model": "keyless-x",
             "fallbacks": ["claude-x", "gpt-x"], "on_sensitive": "mask", "client_model": "reroute"}]},
        **extra,
    }


def _gateway(lt: LoopThread, tmp_path: Path, anth: FakeAnthropic, oai: FakeOpenAI, **extra: Any) -> GatewayHandle:
    return start_gateway(lt, _config(anth.url, oai.url, **extra), tmp_path, ENV,
                         clock=ManualClock("2026-11-16T03:00:00Z"))


def _ask(gw: GatewayHandle, content: str = PII) -> Any:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    return c.chat.completions.create(model="gpt-x", messages=[{"role": "user", "content": content}],
                                     extra_headers={"x-tenbin-use-case": "support"})


def test_fallback_records_one_transfer_per_vendor_reached(
        lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic, fake_openai: FakeOpenAI) -> None:
    # Claude fails twice (first call and its one retry), GPT answers; the keyless model is skipped.
    fake_anthropic.enqueue(anthropic_error(529, "overloaded_error", "Overloaded"),
                           anthropic_error(529, "overloaded_error", "Overloaded"))
    gw = _gateway(lt, tmp_path, fake_anthropic, fake_openai)
    try:
        answer = _ask(gw)
        assert answer.model == "gpt-x"
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
    # What the vendors actually received: placeholders, never the name or the number.
    assert len(fake_anthropic.requests) == 2 and len(fake_openai.requests) == 1
    for sent in [r.body for r in fake_anthropic.requests] + [r.body for r in fake_openai.requests]:
        assert b"090-1234-5678" not in sent and "山田".encode() not in sent
    assert [(r["model"], r["provider"], r["status"], r["masked"]) for r in rows] == [
        ("claude-x", "anth", 529, 1), ("gpt-x", "fake", 200, 1)]
    assert {r["request_id"] for r in rows} == {answer.id and rows[0]["request_id"]}
    assert all(r["rule"] == "support-draft" for r in rows)
    first, second = (json.loads(r["detail"]) for r in rows)
    assert first["attempt"] == {"position": 1, "sends": 2, "served": False, "error": "server"}
    assert second["attempt"] == {"position": 2, "sends": 1, "served": True}
    # The keyless model never received anything: named as skipped, never as a transfer.
    assert first["not_sent"] == [{"model": "keyless-x", "reason": "unavailable"}]
    assert rows[0]["answer_sha256"] is None and rows[1]["answer_sha256"] is not None


def test_failed_masked_request_is_recorded_masked_for_each_vendor(
        lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic, fake_openai: FakeOpenAI) -> None:
    fake_anthropic.enqueue(*[anthropic_error(529, "overloaded_error", "Overloaded")] * 2)
    fake_openai.script = [{"status": 500}, {"status": 500}]
    gw = _gateway(lt, tmp_path, fake_anthropic, fake_openai)
    try:
        with pytest.raises(openai.InternalServerError):
            _ask(gw)
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
    assert [(r["provider"], r["status"], r["masked"]) for r in rows] == [("anth", 529, 1), ("fake", 500, 1)]


def test_nothing_recorded_as_sent_when_no_vendor_was_reached(
        lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic, fake_openai: FakeOpenAI) -> None:
    cfg = _config(fake_anthropic.url, fake_openai.url)
    cfg["routing"]["rules"][0]["fallbacks"] = []  # only the keyless model: nothing can leave
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        with pytest.raises(openai.APIStatusError):
            _ask(gw)
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
    assert len(rows) == 1
    assert rows[0]["provider"] is None and rows[0]["region"] is None and rows[0]["model"] == "keyless-x"
    assert json.loads(rows[0]["detail"])["not_sent"] == [{"model": "keyless-x", "reason": "unavailable"}]
    assert fake_openai.requests == [] and fake_anthropic.requests == []


def test_open_breaker_is_not_a_transfer(
        lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic, fake_openai: FakeOpenAI) -> None:
    gw = _gateway(lt, tmp_path, fake_anthropic, fake_openai, breaker={"failure_threshold": 1, "cooldown_s": 60})
    try:
        fake_anthropic.enqueue(*[anthropic_error(529, "overloaded_error", "Overloaded")] * 2)
        _ask(gw)  # opens Claude's breaker
        calls = len(fake_anthropic.requests)
        _ask(gw)
        assert len(fake_anthropic.requests) == calls  # the second request skipped Claude
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
    second = [r for r in rows if r["request_id"] == rows[-1]["request_id"]]
    assert [r["provider"] for r in second] == ["fake"]  # no transfer to the vendor behind the open breaker


def test_budget_downgrade_keeps_the_policy_rule_and_names_the_budget(
        lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic, fake_openai: FakeOpenAI) -> None:
    cheap = fake_model("cheap-x", "fake", prices=[{"effective": "2025-01-01", "currency": "USD",
                                                    "input": "0.01", "output": "0.01"}])
    cfg = _config(fake_anthropic.url, fake_openai.url,
                  finops={"budgets": [{"name": "cs-daily", "scope": "all", "period": "day",
                                       "limit_jpy": "0.000001", "action": "downgrade",
                                       "downgrade_to": "cheap-x"}]})
    cfg["models"].append(cheap)
    cfg["routing"]["rules"][0].update(model="claude-x", fallbacks=[])
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        answer = _ask(gw)
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
    assert answer.model == "cheap-x" and fake_anthropic.requests == []
    assert [(r["model"], r["rule"]) for r in rows] == [("cheap-x", "support-draft")]
    budget = json.loads(rows[0]["detail"])["budget"]
    assert budget["action"] == "downgrade" and budget["budget"] == "cs-daily"
    assert (budget["from"], budget["to"]) == ("claude-x", "cheap-x")


def test_masked_is_per_destination(lt: LoopThread, tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    """Default policy: the domestic first choice gets the prompt as written, the fallback abroad
    gets it masked — each transfer record says what its vendor received."""
    domestic = lt.run(FakeOpenAI().start())
    domestic.script = [{"status": 500}, {"status": 500}]
    cfg = {"providers": {"jp": openai_provider(domestic.url), "fake": openai_provider(fake_openai.url)},
           "models": [fake_model("jp-jp", "jp", region="JP"), fake_model("gpt-x", "fake")],
           "default_model": "jp-jp", "fallbacks": {"jp-jp": ["gpt-x"]}}
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        answer = c.chat.completions.create(model="jp-jp", messages=[{"role": "user", "content": PII}])
        rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    finally:
        gw.stop()
        lt.run(domestic.stop())
    assert answer.model == "gpt-x"
    assert b"090-1234-5678" in domestic.requests[0].body  # Japan, Japanese law: as written
    assert b"090-1234-5678" not in fake_openai.requests[0].body  # abroad: masked
    assert [(r["model"], r["region"], r["jurisdiction"], r["masked"], r["status"]) for r in rows] == [
        ("jp-jp", "JP", "JP", 0, 500), ("gpt-x", "US", "US", 1, 200)]
