"""``/v1/responses`` through the real ``openai`` SDK (``responses.create`` and the ``responses.stream``
helper, which checks the event order and identities): the same pipeline as chat completions,
translated to whichever vendor the policy picks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.faces.conftest import ClaudeGateway, VendorGateway
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import message, message_events
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

TOOLS: Any = [{"type": "function", "name": "get_weather", "description": "天気",
               "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]


def _client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)


def test_plain_and_streamed_answers_from_every_vendor(vendor_gateway: VendorGateway) -> None:
    gw, _fake, text = vendor_gateway
    c = _client(gw)
    r = c.responses.create(model="m", instructions="丁寧に", input="こんにちは", max_output_tokens=64,
                           metadata={"use_case": "greeting", "ticket": "T-1"})
    assert r.object == "response" and r.status == "completed" and r.output_text == text
    assert r.usage is not None and r.usage.input_tokens > 0 and r.usage.output_tokens > 0
    assert r.id == "resp_" + gw.rows()[0]["request_id"].removeprefix("req_")

    events = []
    with c.responses.stream(model="m", input=[{"role": "user", "content": "こんにちは"}]) as s:
        for ev in s:
            events.append(ev)
        final = s.get_final_response()
    assert final.output_text == text and final.status == "completed"
    assert final.usage is not None and final.usage.output_tokens > 0
    kinds = [e.type for e in events]
    assert kinds[:2] == ["response.created", "response.in_progress"] and kinds[-1] == "response.completed"
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == text
    assert [e.sequence_number for e in events] == list(range(len(events)))

    rows = gw.rows()
    assert [r["status"] for r in rows] == [200, 200] and rows[0]["use_case"] == "greeting"
    assert all(r["completion_tokens"] > 0 for r in rows)


def test_function_calls_round_trip_plain_and_streamed(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    c = _client(gw)
    fake.enqueue(Reply(json=message(None, tool_uses=[("toolu_1", "get_weather", {"city": "東京"})])))
    r = c.responses.create(model="claude", input="東京の天気は?", tools=TOOLS)
    call = r.output[0]
    assert call.type == "function_call" and call.name == "get_weather" and call.call_id == "toolu_1"
    assert json.loads(call.arguments) == {"city": "東京"}

    fake.enqueue(Reply(events=message_events(["晴れ", "です"])))
    follow_up: Any = [{"role": "user", "content": "東京の天気は?"},
                      {"type": "function_call", "call_id": "toolu_1", "name": "get_weather",
                       "arguments": call.arguments},
                      {"type": "function_call_output", "call_id": "toolu_1", "output": "晴れ 20度"}]
    with c.responses.stream(model="claude", input=follow_up, tools=TOOLS) as s:
        assert s.get_final_response().output_text == "晴れです"
    sent = fake.requests[-1].json()["messages"]
    assert sent[1]["content"][0] == {"type": "tool_use", "id": "toolu_1", "name": "get_weather",
                                     "input": {"city": "東京"}}
    assert sent[2]["content"][0]["type"] == "tool_result" and sent[2]["content"][0]["tool_use_id"] == "toolu_1"

    fake.enqueue(Reply(events=message_events([], tool_uses=[("toolu_2", "get_weather", {"city": "大阪"})])))
    with c.responses.stream(model="claude", input="大阪は?", tools=TOOLS) as s:
        events = list(s)
        final = s.get_final_response()
    calls = [o for o in final.output if o.type == "function_call"]
    assert len(calls) == 1 and json.loads(calls[0].arguments) == {"city": "大阪"}
    deltas = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    assert json.loads(deltas) == {"city": "大阪"}


def test_json_schema_format_reaches_an_openai_vendor(lt: LoopThread, tmp_path: Path) -> None:
    fake = lt.run(FakeOpenAI(reply='{"ok": true}').start())
    try:
        cfg = {"providers": {"v": openai_provider(fake.url)},
               "models": [fake_model("m", "v", capabilities={"json_mode": True})], "default_model": "m"}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"],
                      "additionalProperties": False}
            r = _client(gw).responses.create(model="m", input="返答をJSONで", text={
                "format": {"type": "json_schema", "name": "answer", "schema": schema, "strict": True}})
            assert json.loads(r.output_text) == {"ok": True}
            sent = fake.requests[-1].json
            assert sent["response_format"] == {"type": "json_schema", "json_schema": {
                "name": "answer", "schema": schema, "strict": True}}
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


def test_unsupported_parts_are_refused_in_openai_shape(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gateway
    c = _client(gw)
    with pytest.raises(openai.BadRequestError) as e:
        c.responses.create(model="m", input="続き", previous_response_id="resp_123")
    assert isinstance(e.value.body, dict) and e.value.body["param"] == "previous_response_id"
    assert fake.requests == []
    # a built-in tool goes natively to OpenAI's own API (test_native.py); translated for a server
    # that has no Responses API, it is left out of the chat request
    r = c.responses.create(model="m", input="検索して", tools=[{"type": "web_search"}])
    assert r.output_text == fake.reply and "tools" not in fake.requests[-1].json


PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_an_input_image_and_a_forced_tool_choice_reach_anthropic_translated(claude_gateway: ClaudeGateway) -> None:
    """The SDK's ``input_image`` part becomes an Anthropic image block, and ``tool_choice`` naming
    a function becomes Anthropic's ``{type: tool, name}``: nothing of either is dropped on the way."""
    gw, fake = claude_gateway
    fake.enqueue(Reply(json=message(None, tool_uses=[("toolu_9", "get_weather", {"city": "札幌"})])))
    image: Any = [{"role": "user", "content": [
        {"type": "input_text", "text": "この写真の街の天気を調べて"},
        {"type": "input_image", "image_url": f"data:image/png;base64,{PNG}"}]}]
    r = _client(gw).responses.create(model="claude", input=image, tools=TOOLS,
                                     tool_choice={"type": "function", "name": "get_weather"})
    assert r.output[0].type == "function_call" and r.output[0].name == "get_weather"
    sent = fake.requests[-1].json()
    assert sent["tool_choice"] == {"type": "tool", "name": "get_weather"}
    blocks = sent["messages"][0]["content"]
    assert {"type": "text", "text": "この写真の街の天気を調べて"} in blocks
    [img] = [b for b in blocks if b["type"] == "image"]
    assert img["source"] == {"type": "base64", "media_type": "image/png", "data": PNG}
    assert gw.rows()[-1]["status"] == 200
