"""Every face is charged to the same budgets: a request that would pass the limit is refused in
that face's own error shape, with ``x-should-retry: false``, so each SDK makes one call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.fake_openai import FakeOpenAI
from tests.fakes.scripted_openai import ScriptedOpenAI, chunk, completion, delta, stream, text_deltas, tool_call
from tests.harness import GatewayHandle, LoopThread, start_gateway


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {"providers": {"v": openai_provider(fake_openai.url)}, "models": [fake_model("m", "v")],
           "default_model": "m",
           "finops": {"budgets": [{"name": "tiny", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": "0.3"}]}}
    g = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"}, clock=ManualClock("2026-11-16T03:00:00Z"))
    yield g
    g.stop()


def test_each_face_spends_the_same_budget_and_is_refused_in_its_own_shape(gw: GatewayHandle,
                                                                         fake_openai: FakeOpenAI) -> None:
    oa = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=2)
    an = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=2)
    oa.chat.completions.create(model="m", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    an.messages.create(model="m", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    oa.responses.create(model="m", max_output_tokens=16, input="hi")
    spent_rows = gw.rows()
    assert [r["status"] for r in spent_rows] == [200, 200, 200] and all(r["cost_jpy_nanos"] > 0 for r in spent_rows)

    big = "長い文書" * 2000  # its reservation alone passes what is left of ¥0.3
    with pytest.raises(anthropic.RateLimitError) as a_err:
        an.messages.create(model="m", max_tokens=4000, messages=[{"role": "user", "content": big}])
    assert a_err.value.response.headers["x-should-retry"] == "false"
    body = a_err.value.body
    assert isinstance(body, dict) and body["type"] == "error" and body["error"]["type"] == "rate_limit_error"
    assert "tiny" in body["error"]["message"]
    with pytest.raises(openai.RateLimitError) as o_err:
        oa.responses.create(model="m", max_output_tokens=4000, input=big)
    assert isinstance(o_err.value.body, dict) and o_err.value.body["code"] == "budget_exceeded"

    rows = gw.rows()
    assert [r["status"] for r in rows] == [200, 200, 200, 429, 429]  # one row per call: the SDKs did not retry
    assert len(fake_openai.requests) == 3


def test_a_messages_request_downgraded_by_a_budget_is_translated_and_answered_as_anthropic(
        lt: LoopThread, tmp_path: Path) -> None:
    """The budget, not the privacy policy, sends a Claude request elsewhere: the cheaper model of
    another vendor gets the translation (tools as functions) and the client an Anthropic message,
    tool calls and stream included; the row says the budget downgraded it."""
    abroad = lt.run(FakeAnthropic(api_key="k").start())
    home = lt.run(ScriptedOpenAI().start())
    cheap = [{"effective": "2025-01-01", "currency": "USD", "input": "0.01", "output": "0.01"}]
    tools = {"tools": True}
    cfg = {"providers": {"a": {"kind": "anthropic", "base_url": abroad.url, "api_key": "${FAKE_KEY}"},
                         "jp": openai_provider(home.url + "/v1")},
           "models": [fake_model("claude", "a", capabilities=tools),
                      fake_model("jp-cheap", "jp", region="JP", prices=cheap, capabilities=tools)],
           "default_model": "claude", "routing": {"constraints": []},
           # claude's reservation (256 output tokens at $10/1M, ≈ ¥0.4) passes ¥0.1; jp-cheap's fits
           "finops": {"budgets": [{"name": "lean", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": "0.1", "action": "downgrade", "downgrade_to": "jp-cheap"}]}}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"}, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        home.answer(lambda body: completion("確認します", tool_calls=[tool_call("lookup", {"q": "稟議"}, "call_3")]),
                    lambda body: stream([*text_deltas("承認済みです", 2), chunk([delta({}, "stop")]),
                                         chunk(usage={"prompt_tokens": 30, "completion_tokens": 3,
                                                      "total_tokens": 33})]))
        an = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=0, timeout=30)
        spec: Any = [{"name": "lookup", "description": "社内検索",
                      "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}}]
        first: Any = {"role": "user", "content": "稟議の状況は?"}
        raw = an.messages.with_raw_response.create(model="claude", max_tokens=256, tools=spec, messages=[first])
        assert raw.headers["x-tenbin-budget"].startswith("downgraded") and raw.headers["x-tenbin-model"] == "jp-cheap"
        msg = raw.parse()
        assert msg.type == "message" and msg.model == "jp-cheap" and msg.stop_reason == "tool_use"
        assert msg.content[0].type == "text" and msg.content[0].text == "確認します"
        use = msg.content[1]
        assert use.type == "tool_use" and use.id == "call_3" and use.name == "lookup" and use.input == {"q": "稟議"}
        sent = home.received()
        assert sent["model"] == "jp-cheap" and sent["max_tokens"] == 256
        assert sent["tools"] == [{"type": "function", "function": {
            "name": "lookup", "description": "社内検索", "parameters": spec[0]["input_schema"]}}]

        history: Any = [first, {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in msg.content]},
                        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "call_3",
                                                      "content": "承認済み"}]}]
        with an.messages.stream(model="claude", max_tokens=256, tools=spec, messages=history) as s:
            assert "".join(s.text_stream) == "承認済みです"
            final = s.get_final_message()
        assert final.model == "jp-cheap" and final.stop_reason == "end_turn" and final.usage.output_tokens == 3
        assert home.received()["messages"][-1] == {"role": "tool", "tool_call_id": "call_3", "content": "承認済み"}
        assert abroad.requests == []

        rows = gw.rows()
        assert [(r["requested_model"], r["served_model"], r["status"]) for r in rows] == [
            ("claude", "jp-cheap", 200)] * 2
        assert all("budget_downgrade" in r["route"] and r["cost_jpy_nanos"] > 0 for r in rows)
    finally:
        gw.stop()
        lt.run(abroad.stop())
        lt.run(home.stop())
