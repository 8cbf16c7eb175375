"""``/v1/messages`` through the real ``anthropic`` SDK: the same pipeline (routing, privacy, ledger,
audit) as chat completions, whichever vendor the policy picks, answers in Anthropic's shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import pytest

from tests.conftest import fake_model, openai_provider
from tests.faces.conftest import ClaudeGateway, VendorGateway
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, message, message_events
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

PII = "山田太郎さん(電話 090-1234-5678)からの問い合わせを要約してください。"


def _client(gw: GatewayHandle, key: str = "local") -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gw.url, api_key=key, max_retries=0, timeout=30)


def test_plain_and_streamed_answers_from_every_vendor(vendor_gateway: VendorGateway) -> None:
    gw, _fake, text = vendor_gateway
    c = _client(gw)
    msg = c.messages.create(model="m", max_tokens=64, system="丁寧に",
                            messages=[{"role": "user", "content": "こんにちは"}])
    assert msg.type == "message" and msg.role == "assistant" and msg.model == "m"
    assert msg.content[0].type == "text" and msg.content[0].text == text
    assert msg.stop_reason == "end_turn" and msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0

    with c.messages.stream(model="m", max_tokens=64, messages=[{"role": "user", "content": "こんにちは"}]) as s:
        streamed = "".join(s.text_stream)
        final = s.get_final_message()
    assert streamed == text and final.content[0].type == "text" and final.content[0].text == text
    assert final.stop_reason == "end_turn" and final.usage.output_tokens > 0 and final.usage.input_tokens > 0

    rows = gw.rows()
    assert [r["status"] for r in rows] == [200, 200]
    assert all(r["served_model"] == "m" and r["completion_tokens"] > 0 for r in rows)
    assert rows[0]["request_id"] == "req_" + msg.id.removeprefix("msg_")


def test_tool_use_round_trip_plain_and_streamed(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    tools: Any = [{"name": "get_weather", "description": "天気", "input_schema": {
        "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    fake.enqueue(Reply(json=message("調べます", tool_uses=[("toolu_1", "get_weather", {"city": "東京"})])))
    c = _client(gw)
    msg = c.messages.create(model="claude", max_tokens=64, tools=tools,
                            messages=[{"role": "user", "content": "東京の天気は?"}])
    assert msg.stop_reason == "tool_use"
    use = msg.content[1]
    assert use.type == "tool_use" and use.id == "toolu_1" and use.input == {"city": "東京"}

    fake.enqueue(Reply(events=message_events(["晴れ", "です"])))
    history: Any = [{"role": "user", "content": "東京の天気は?"},
                    {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in msg.content]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                                  "content": "晴れ 20度"}]}]
    with c.messages.stream(model="claude", max_tokens=64, tools=tools, messages=history) as s:
        assert "".join(s.text_stream) == "晴れです"
    sent = fake.requests[-1].json()  # served by Anthropic: the client's blocks as it sent them
    assert sent["messages"][1]["content"] == history[1]["content"]
    assert sent["messages"][1]["content"][-1] == {"type": "tool_use", "id": "toolu_1",
                                                  "name": "get_weather", "input": {"city": "東京"}}
    assert sent["messages"][2]["content"][0]["type"] == "tool_result"

    fake.enqueue(Reply(events=message_events([], tool_uses=[("toolu_2", "get_weather", {"city": "大阪"})])))
    with c.messages.stream(model="claude", max_tokens=64, tools=tools,
                           messages=[{"role": "user", "content": "大阪は?"}]) as s:
        final = s.get_final_message()
    assert final.stop_reason == "tool_use"
    blocks = [b for b in final.content if b.type == "tool_use"]
    assert len(blocks) == 1 and blocks[0].input == {"city": "大阪"} and blocks[0].id == "toolu_2"


def test_personal_prompt_is_rerouted_to_the_domestic_model(lt: LoopThread, tmp_path: Path) -> None:
    pytest.importorskip("sudachipy")
    abroad = lt.run(FakeAnthropic(api_key="k").start())
    home = lt.run(FakeOpenAI(echo=True).start())
    try:
        cfg = {
            "providers": {"a": {"kind": "anthropic", "base_url": abroad.url, "api_key": "${FAKE_KEY}"},
                          "jp": openai_provider(home.url)},
            "models": [fake_model("claude", "a"), fake_model("jp-small", "jp", region="JP")],
            "default_model": "claude",
            # Claude Code asks for a Claude model by name: on_sensitive reroute serves it elsewhere
            "routing": {"on_sensitive": "reroute",
                        "constraints": [{"name": "personal-in-japan",
                                         "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
                                         "require": {"region": ["JP", "on-prem"]}}]},
        }
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            c = _client(gw)
            msg = c.messages.create(model="claude", max_tokens=64, messages=[{"role": "user", "content": PII}])
            assert msg.model == "jp-small"
            assert msg.content[0].type == "text" and "山田" in msg.content[0].text
            assert abroad.requests == [] and len(home.requests) == 1
            public = c.messages.create(model="claude", max_tokens=64,
                                       messages=[{"role": "user", "content": "敬語の使い方を教えて"}])
            assert public.model == "claude" and len(abroad.requests) == 1
            rows = gw.rows()
            assert [r["served_model"] for r in rows] == ["jp-small", "claude"]
        finally:
            gw.stop()
    finally:
        lt.run(abroad.stop())
        lt.run(home.stop())


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_masked_abroad_and_restored_for_the_client(lt: LoopThread, tmp_path: Path, stream: bool) -> None:
    pytest.importorskip("sudachipy")
    fake = lt.run(FakeOpenAI(echo=True).start())
    try:
        cfg = {
            "providers": {"abroad": openai_provider(fake.url)},
            "models": [fake_model("foreign", "abroad")],
            "default_model": "foreign",
            "routing": {"constraints": [{"name": "personal-in-japan",
                                         "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
                                         "require": {"region": ["JP", "on-prem"]}, "unless_masked": True}],
                        "rules": [{"name": "mask", "when": {}, "model": "foreign", "on_sensitive": "mask"}]},
        }
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            c = _client(gw)
            if stream:
                with c.messages.stream(model="foreign", max_tokens=256,
                                       messages=[{"role": "user", "content": PII}]) as s:
                    answer = "".join(s.text_stream)
            else:
                block = c.messages.create(model="foreign", max_tokens=256,
                                          messages=[{"role": "user", "content": PII}]).content[0]
                assert block.type == "text"
                answer = block.text
            sent = fake.requests[-1].body.decode()
            assert "090-1234-5678" not in sent and "山田" not in sent
            assert "090-1234-5678" in answer and "山田太郎" in answer  # restored on the way back
            assert gw.rows()[0]["status"] == 200
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


def test_errors_come_in_anthropic_shape(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gateway
    c = _client(gw)
    with pytest.raises(anthropic.BadRequestError) as bad:
        c.messages.create(model="m", max_tokens=0, messages=[{"role": "user", "content": "x"}])
    assert bad.value.body == {"type": "error", "error": {"type": "invalid_request_error",
                                                         "message": "max_tokens: must be an integer >= 1"}}
    with pytest.raises(anthropic.NotFoundError) as missing:
        c.messages.create(model="no-such-model", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert isinstance(missing.value.body, dict) and missing.value.body["type"] == "error"
    assert fake.requests == []


def test_count_tokens_estimates_without_calling_a_vendor(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gateway
    c = _client(gw)
    short = c.messages.count_tokens(model="m", messages=[{"role": "user", "content": "こんにちは"}])
    long = c.messages.count_tokens(model="m", messages=[{"role": "user", "content": "こんにちは" * 50}])
    assert 0 < short.input_tokens < long.input_tokens
    assert fake.requests == [] and gw.rows() == []


def test_langchain_chat_anthropic_plain_and_streamed(lt: LoopThread, tmp_path: Path) -> None:
    from langchain_anthropic import ChatAnthropic

    fake = lt.run(FakeOpenAI(reply="こんにちは、テストです。").start())
    try:
        cfg = {"providers": {"v": openai_provider(fake.url)},
               "models": [fake_model("m", "v", capabilities={"tools": True})], "default_model": "m"}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            llm = ChatAnthropic(model_name="m", base_url=gw.url, api_key="local", max_retries=0,  # type: ignore[call-arg]
                                timeout=30, max_tokens_to_sample=64)
            assert llm.invoke("こんにちは").content == "こんにちは、テストです。"
            assert "".join(str(c.content) for c in llm.stream("こんにちは")) == "こんにちは、テストです。"
            sent = fake.requests[-1].json
            assert sent["messages"][-1]["content"] == [{"type": "text", "text": "こんにちは"}]
            rows = gw.rows()
            assert [r["status"] for r in rows] == [200, 200]
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


THINKING = {"type": "thinking", "thinking": "東京の天気を調べる必要がある。", "signature": "EqQBCgIYAhIM1gbc"}


def test_extended_thinking_and_cache_marks_survive_through_the_anthropic_adapter(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    tools: Any = [{"name": "get_weather", "input_schema": {"type": "object"},
                   "cache_control": {"type": "ephemeral"}}]
    system: Any = [{"type": "text", "text": "社内規程(長文)…", "cache_control": {"type": "ephemeral"}}]
    answer = message(None, tool_uses=[("toolu_1", "get_weather", {"city": "東京"})])
    answer["content"].insert(0, THINKING)
    fake.enqueue(Reply(json=answer))
    c = _client(gw)
    thinking: Any = {"type": "enabled", "budget_tokens": 1024}
    msg = c.messages.create(model="claude", max_tokens=2048, thinking=thinking, tools=tools, system=system,
                            extra_body={"temperature": 0.5},
                            messages=[{"role": "user", "content": "東京の天気は?"}])
    assert [b.type for b in msg.content] == ["thinking", "tool_use"]
    assert msg.content[0].type == "thinking" and msg.content[0].signature == THINKING["signature"]
    sent = fake.requests[-1].json()
    assert sent["thinking"] == thinking and "temperature" not in sent
    assert sent["system"] == system and sent["tools"][0]["cache_control"] == {"type": "ephemeral"}

    # The next turn carries the signed thinking block back; the fake refuses the turn without it.
    fake.enqueue(Reply(events=message_events(["晴れです"])))
    history: Any = [{"role": "user", "content": "東京の天気は?"},
                    {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in msg.content]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                                  "content": "晴れ"}]}]
    with c.messages.stream(model="claude", max_tokens=2048, thinking=thinking, tools=tools,
                           messages=history) as s:
        assert "".join(s.text_stream) == "晴れです"
    assert fake.requests[-1].json()["messages"][1]["content"][0] == THINKING


def test_streamed_thinking_arrives_as_a_signed_thinking_block(claude_gateway: ClaudeGateway) -> None:
    from tests.fakes.fake_anthropic import sse

    gw, fake = claude_gateway
    events = message_events(["答え"])
    start = {"type": "content_block_start", "index": 0,
             "content_block": {"type": "thinking", "thinking": "", "signature": ""}}
    thinking_events = [
        sse("content_block_start", start),
        sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "thinking_delta", "thinking": "考え中"}}),
        sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                    "delta": {"type": "signature_delta", "signature": "sig-1"}}),
        sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
    ]
    # message_start first, then the thinking block, then the text block (renumbered by the client)
    fake.enqueue(Reply(events=[events[0], *thinking_events, *events[1:]]))
    with _client(gw).messages.stream(model="claude", max_tokens=2048,
                                     thinking={"type": "enabled", "budget_tokens": 1024},
                                     messages=[{"role": "user", "content": "質問"}]) as s:
        final = s.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "text"]
    first = final.content[0]
    assert first.type == "thinking" and first.thinking == "考え中" and first.signature == "sig-1"


def test_anthropic_only_fields_never_reach_an_openai_vendor(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gateway
    system: Any = [{"type": "text", "text": "規程", "cache_control": {"type": "ephemeral"}}]
    history: Any = [{"role": "user", "content": "a"},
                    {"role": "assistant", "content": [THINKING, {"type": "text", "text": "b"}]},
                    {"role": "user", "content": [{"type": "text", "text": "c",
                                                  "cache_control": {"type": "ephemeral"}}]}]
    msg = _client(gw).messages.create(model="m", max_tokens=64, system=system, messages=history,
                                      thinking={"type": "enabled", "budget_tokens": 1024})
    assert msg.content[0].type == "text"  # the fake refuses unknown fields, so this proves they were left out
    sent = fake.requests[-1].json
    assert "thinking" not in sent and "thinking_blocks" not in sent["messages"][2]


def test_cache_writes_are_billed_at_their_own_rate_and_reported_back(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    fake.enqueue(Reply(json=message("はい", input_tokens=10, output_tokens=5, cache_creation=1000, cache_read=0)))
    msg = _client(gw).messages.create(model="claude", max_tokens=64, messages=[{"role": "user", "content": "規程"}])
    assert (msg.usage.input_tokens, msg.usage.cache_creation_input_tokens) == (10, 1000)
    row = gw.rows()[-1]
    assert (row["prompt_tokens"], row["cache_write_tokens"], row["completion_tokens"]) == (1010, 1000, 5)


def test_a_chat_client_sees_openai_usage_only(lt: LoopThread, tmp_path: Path) -> None:
    import openai

    fake = lt.run(FakeAnthropic(api_key="k").start())
    try:
        cfg = {"providers": {"a": {"kind": "anthropic", "base_url": fake.url, "api_key": "${FAKE_KEY}"}},
               "models": [fake_model("claude", "a")], "default_model": "claude"}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            fake.enqueue(Reply(json=message("はい", cache_creation=1000)))
            r = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0).chat.completions.create(
                model="claude", messages=[{"role": "user", "content": "規程"}])
            assert r.usage is not None and r.usage.prompt_tokens_details is not None
            assert r.usage.prompt_tokens_details.model_dump(exclude_none=True) == {"cached_tokens": 0}
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())
