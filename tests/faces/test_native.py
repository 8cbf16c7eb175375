"""Native pass-through: ``/v1/messages`` served by Anthropic and ``/v1/responses`` served by
OpenAI's own Responses API get the client's request as written, and the vendor's answer or event
stream comes back as it came — signed thinking, citations, server tools and their blocks, built-in
tool items — through the one pipeline (masking, restore, ledger row, audit entry). Routed
elsewhere, the same requests are translated."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx
import openai
import orjson
import pytest

from tests.conftest import fake_model, openai_provider
from tests.faces.conftest import ClaudeGateway
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error, events_of, message
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

PII = "山田太郎さん(電話 090-1234-5678)からの問い合わせを要約してください。"
THINKING = {"type": "thinking", "thinking": "天気を検索してから答える。", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA"}
SEARCH_USE = {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "東京 天気"}}
SEARCH_RESULT = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_01", "content": [
    {"type": "web_search_result", "url": "https://example.com/tenki", "title": "東京の天気",
     "encrypted_content": "EqgfCioIARgBIiQ3YTAw", "page_age": "2025年1月1日"}]}
CITED = {"type": "text", "text": "東京は晴れです。", "citations": [
    {"type": "web_search_result_location", "url": "https://example.com/tenki", "title": "東京の天気",
     "encrypted_index": "Eo8BCioIAhgB", "cited_text": "東京は晴れ、最高気温20度。"}]}
TOOLS: Any = [{"name": "get_weather", "input_schema": {"type": "object"}, "cache_control": {"type": "ephemeral"}},
              {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]
SYSTEM: Any = [{"type": "text", "text": "社内規程(長文)…", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]
THINK: Any = {"type": "enabled", "budget_tokens": 1024}


def _rich() -> dict[str, Any]:
    """An answer with every block the translation cannot carry, and cache and server-tool usage."""
    msg = message(None, input_tokens=40, output_tokens=30, cache_read=1000, cache_creation=200)
    msg["content"] = [THINKING, SEARCH_USE, SEARCH_RESULT, CITED]
    msg["usage"]["server_tool_use"] = {"web_search_requests": 1}
    return msg


def _sse(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for frame in raw.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
        if "data" in lines:
            out.append((lines.get("event", ""), orjson.loads(lines["data"])))
    return out


def _audit(gw: GatewayHandle) -> list[dict[str, Any]]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log WHERE request_id IS NOT NULL ORDER BY seq"))


def _claude(gw: GatewayHandle) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=0, timeout=30)


def test_messages_blocks_pass_through_unchanged_plain_and_streamed(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    rich = _rich()
    fake.enqueue(Reply(json=copy.deepcopy(rich)), Reply(events=events_of(rich)))
    request: dict[str, Any] = {"model": "claude", "max_tokens": 2048, "thinking": THINK, "tools": TOOLS,
                               "system": SYSTEM, "messages": [{"role": "user", "content": "東京の天気は?"}]}
    beta = {"anthropic-beta": "web-search-2025-03-05"}
    raw = _claude(gw).messages.with_raw_response.create(**request, extra_headers=beta)
    answer = raw.http_response.json()
    assert answer["content"] == rich["content"] and answer["usage"] == rich["usage"]
    assert answer["model"] == "claude" and raw.http_response.headers["x-tenbin-model"] == "claude"
    sent = fake.requests[-1]
    assert sent.json() == {**request, "model": "claude"}  # as written: cache marks, server tool, thinking
    assert sent.headers["anthropic-beta"] == beta["anthropic-beta"]

    # streamed: the vendor's events relayed as they came (only the message's id and model are ours)
    r = httpx.post(f"{gw.url}/v1/messages", json={**request, "stream": True}, timeout=30,
                   headers={"x-api-key": "local", "anthropic-version": "2023-06-01", **beta})
    got = _sse(r.content)
    want = _sse(b"".join(events_of(rich)))
    assert [e for e, _ in got] == [e for e, _ in want]
    assert [d for _, d in got[1:]] == [d for _, d in want[1:]]
    assert got[0][1]["message"]["model"] == "claude"
    assert fake.requests[-1].json() == {**request, "model": "claude", "stream": True}

    fake.enqueue(Reply(events=events_of(rich)))
    with _claude(gw).messages.stream(**request) as s:
        final = s.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "server_tool_use", "web_search_tool_result", "text"]
    first, last = final.content[0], final.content[3]
    assert first.type == "thinking" and first.signature == THINKING["signature"]
    assert last.type == "text" and last.citations is not None
    assert last.citations[0].model_dump(exclude_none=True) == CITED["citations"][0]

    rows = gw.rows()
    assert [r["status"] for r in rows] == [200, 200, 200]
    for row in rows:  # usage from the native answer: fresh + cache written + cache read, each apart
        assert (row["prompt_tokens"], row["cached_tokens"], row["cache_write_tokens"], row["completion_tokens"]) \
            == (1240, 1000, 200, 30)
        assert row["tokens_reported"] and row["served_model"] == "claude"
    assert sorted(a["request_id"] for a in _audit(gw)) == sorted(row["request_id"] for row in rows)


@pytest.fixture
def responses_gateway(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    """A gateway whose model ``gpt`` is served by a fake of OpenAI's own API (Responses included)."""
    fake = lt.run(FakeOpenAI(reply="東京は晴れです。").start())
    cfg = {"providers": {"o": openai_provider(fake.url, responses_api=True)}, "models": [fake_model("gpt", "o")],
           "default_model": "gpt"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def test_responses_builtin_tool_passes_natively_plain_and_streamed(
        responses_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = responses_gateway
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
    tools: Any = [{"type": "web_search"}]
    r = c.responses.create(model="gpt", input="東京の天気は?", tools=tools, include=["web_search_call.action.sources"])
    assert [o.type for o in r.output] == ["web_search_call", "message"]
    assert r.output_text == "東京は晴れです。" and r.model == "gpt"
    msg = r.output[1]
    assert msg.type == "message" and msg.content[0].type == "output_text"
    assert msg.content[0].annotations[0].type == "url_citation"
    sent = fake.requests[-1]
    assert sent.path == "/v1/responses"  # natively, not translated to chat completions
    assert sent.json["tools"] == tools and sent.json["include"] == ["web_search_call.action.sources"]
    assert sent.json["store"] is False  # the gateway's store keeps responses, not the vendor's
    assert r.usage is not None and (r.usage.input_tokens, r.usage.output_tokens) == (11, 4)

    stream = c.responses.create(model="gpt", input="東京の天気は?", tools=tools, stream=True)
    events = list(stream)
    assert [e.sequence_number for e in events] == list(range(len(events)))
    kinds = [e.type for e in events]
    assert "response.web_search_call.searching" in kinds and kinds[-1] == "response.completed"
    done = events[-1]
    assert done.type == "response.completed" and [o.type for o in done.response.output] == ["web_search_call",
                                                                                              "message"]
    assert done.response.id.startswith("resp_") and done.response.id not in (r.id, "resp_fake1")  # ours
    assert "".join(e.delta for e in events if e.type == "response.output_text.delta") == "東京は晴れです。"
    assert fake.requests[-1].path == "/v1/responses" and fake.requests[-1].json["stream"] is True

    rows = gw.rows()
    assert [(row["status"], row["prompt_tokens"], row["completion_tokens"]) for row in rows] == [(200, 11, 4)] * 2
    assert rows[0]["request_id"] == "req_" + r.id.removeprefix("resp_")
    assert sorted(a["request_id"] for a in _audit(gw)) == sorted(row["request_id"] for row in rows)


def test_the_same_requests_translate_when_routed_elsewhere(lt: LoopThread, tmp_path: Path) -> None:
    """Claude overloaded: the chain falls back mid-way to an OpenAI-compatible model, which gets
    the translation (server tool left out, server blocks as text) and answers in Anthropic's shape."""
    claude = lt.run(FakeAnthropic(api_key="k").start())
    other = lt.run(FakeOpenAI(reply="晴れです。").start())
    try:
        cfg = {"providers": {"a": {"kind": "anthropic", "base_url": claude.url, "api_key": "${FAKE_KEY}",
                                   "max_retries": 0},
                             "o": openai_provider(other.url, max_retries=0)},
               "models": [fake_model("claude", "a", capabilities={"tools": True}),
                          fake_model("gpt", "o", capabilities={"tools": True})],
               "fallbacks": {"claude": ["gpt"]}, "default_model": "claude"}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            history: Any = [{"role": "user", "content": "東京の天気は?"},
                            {"role": "assistant", "content": [THINKING, SEARCH_USE, SEARCH_RESULT, CITED]},
                            {"role": "user", "content": "明日は?"}]
            request: dict[str, Any] = {"model": "claude", "max_tokens": 256, "tools": TOOLS, "system": SYSTEM,
                                       "messages": history}
            for stream in (False, True):
                claude.enqueue(anthropic_error(529, "overloaded_error", "Overloaded"))
                if stream:
                    with _claude(gw).messages.stream(**request) as s:
                        text = "".join(s.text_stream)
                else:
                    block = _claude(gw).messages.create(**request).content[0]
                    assert block.type == "text"
                    text = block.text
                assert text == "晴れです。"
                sent = other.requests[-1].json
                assert [t["function"]["name"] for t in sent["tools"]] == ["get_weather"]
                assistant = sent["messages"][2]
                assert assistant["role"] == "assistant" and "[web_search_tool_result]" in assistant["content"]
                assert "EqgfCioIARgBIiQ3YTAw" not in assistant["content"]  # encrypted: opaque to others
            rows = gw.rows()
            assert [(r["served_model"], r["status"], r["attempts"]) for r in rows] == [("gpt", 200, 2)] * 2
        finally:
            gw.stop()
    finally:
        lt.run(claude.stop())
        lt.run(other.stop())


def _masking(provider: dict[str, Any]) -> dict[str, Any]:
    """One model abroad that PERSONAL text may reach only masked."""
    personal = {"data_class": ["PERSONAL", "SPECIAL_CARE"]}
    return {"providers": {"abroad": provider}, "models": [fake_model("foreign", "abroad")], "default_model": "foreign",
            "routing": {"constraints": [{"name": "personal-in-japan", "when": personal,
                                         "require": {"region": ["JP", "on-prem"]}, "unless_masked": True}],
                        "rules": [{"name": "mask", "when": {}, "model": "foreign", "on_sensitive": "mask"}]}}


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_pii_is_masked_in_the_native_messages_request_and_restored(lt: LoopThread, tmp_path: Path,
                                                                   stream: bool) -> None:
    pytest.importorskip("sudachipy")
    fake = lt.run(FakeAnthropic(api_key="k", echo=True).start())
    try:
        gw = start_gateway(lt, _masking({"kind": "anthropic", "base_url": fake.url, "api_key": "${FAKE_KEY}"}),
                           tmp_path, {"FAKE_KEY": "k"})
        try:
            request: dict[str, Any] = {"model": "foreign", "max_tokens": 256, "system": SYSTEM, "tools": TOOLS[1:],
                                       "messages": [{"role": "user", "content": [{"type": "text", "text": PII}]}]}
            if stream:
                with _claude(gw).messages.stream(**request) as s:
                    answer = "".join(s.text_stream)
            else:
                block = _claude(gw).messages.create(**request).content[0]
                assert block.type == "text"
                answer = block.text
            sent = fake.requests[-1]
            assert "090-1234-5678" not in sent.body.decode() and "山田" not in sent.body.decode()
            assert sent.json()["system"] == SYSTEM and sent.json()["tools"] == TOOLS[1:]  # natively, as written
            assert "〔" in sent.json()["messages"][0]["content"][0]["text"]
            assert answer == PII  # the echo of the masked text, restored on the way back
            rows = gw.rows()
            assert [(r["status"], r["served_model"]) for r in rows] == [(200, "foreign")]
            assert rows[0]["prompt_tokens"] > 0 and rows[0]["completion_tokens"] > 0
            audit = _audit(gw)
            assert [a["request_id"] for a in audit] == [rows[0]["request_id"]]
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_pii_is_masked_in_the_native_responses_request_and_restored(lt: LoopThread, tmp_path: Path,
                                                                    stream: bool) -> None:
    pytest.importorskip("sudachipy")
    fake = lt.run(FakeOpenAI(echo=True).start())
    try:
        gw = start_gateway(lt, _masking(openai_provider(fake.url, responses_api=True)), tmp_path, {"FAKE_KEY": "k"})
        try:
            c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
            items: Any = [{"role": "user", "content": [{"type": "input_text", "text": PII}]}]
            if stream:
                events = list(c.responses.create(model="foreign", input=items, tools=[{"type": "web_search"}],
                                                 stream=True))
                answer = "".join(e.delta for e in events if e.type == "response.output_text.delta")
                assert [e.sequence_number for e in events] == list(range(len(events)))
                done = events[-1]
                assert done.type == "response.completed" and done.response.output_text == PII
            else:
                answer = c.responses.create(model="foreign", input=items, tools=[{"type": "web_search"}]).output_text
            sent = fake.requests[-1]
            assert sent.path == "/v1/responses"
            assert "090-1234-5678" not in sent.body.decode() and "山田" not in sent.body.decode()
            assert answer == PII
            rows = gw.rows()
            assert [(r["status"], r["served_model"], r["prompt_tokens"]) for r in rows] == [(200, "foreign", 11)]
            assert [a["request_id"] for a in _audit(gw)] == [rows[0]["request_id"]]
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


def test_a_pdf_with_citations_passes_natively(claude_gateway: ClaudeGateway) -> None:
    gw, fake = claude_gateway
    pdf = {"type": "document", "title": "就業規則", "citations": {"enabled": True},
           "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQKJcfsj6IKNSAwIG9iago="}}
    cited = {"type": "text", "text": "有給は20日です。", "citations": [
        {"type": "page_location", "cited_text": "年次有給休暇は20日とする。", "document_index": 0,
         "document_title": "就業規則", "start_page_number": 3, "end_page_number": 4}]}
    answer = message(None)
    answer["content"] = [cited]
    fake.enqueue(Reply(json=copy.deepcopy(answer)))
    content: Any = [pdf, {"type": "text", "text": "有給は何日?"}]
    raw = _claude(gw).messages.with_raw_response.create(model="claude", max_tokens=256,
                                                         messages=[{"role": "user", "content": content}])
    assert raw.http_response.json()["content"] == [cited]
    assert fake.requests[-1].json()["messages"][0]["content"] == content


def test_previous_response_id_carries_builtin_items_natively(lt: LoopThread, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The gateway's store keeps the vendor's output items (a web_search_call included) and sends
    them back as input on the next turn; the vendor itself is asked to store nothing."""
    pytest.importorskip("cryptography")
    import base64
    import os

    monkeypatch.setenv("TENBIN_AUDIT_KEY", base64.b64encode(os.urandom(32)).decode())
    fake = lt.run(FakeOpenAI(reply="東京は晴れです。").start())
    try:
        cfg = {"providers": {"o": openai_provider(fake.url, responses_api=True)},
               "models": [fake_model("gpt", "o", region="JP")], "default_model": "gpt",
               "governance": {"retain_raw": {"enabled": True}}}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            key, _ = gw.lt.run(gw.runtime.keyring.create("sales", "p", "app"))
            c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=30)
            first = c.responses.create(model="gpt", input="東京の天気は?", tools=[{"type": "web_search"}])
            with c.responses.stream(model="gpt", input="明日は?", previous_response_id=first.id,
                                    tools=[{"type": "web_search"}]) as s:
                second = s.get_final_response()
            sent = fake.requests[-1].json
            assert "previous_response_id" not in sent and sent["store"] is False
            assert [i.get("type", "message") for i in sent["input"]] == ["message", "web_search_call", "message",
                                                                       "message"]
            assert sent["input"][1] == first.output[0].model_dump(exclude_none=True)
            assert second.output_text == "東京は晴れです。" and c.responses.retrieve(second.id).id == second.id
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())


def test_native_requests_spend_the_same_budget(lt: LoopThread, tmp_path: Path) -> None:
    from tenbin.clock import ManualClock

    claude = lt.run(FakeAnthropic(api_key="k").start())
    oa = lt.run(FakeOpenAI().start())
    try:
        cfg = {"providers": {"a": {"kind": "anthropic", "base_url": claude.url, "api_key": "${FAKE_KEY}"},
                             "o": openai_provider(oa.url, responses_api=True)},
               "models": [fake_model("claude", "a"), fake_model("gpt", "o")], "default_model": "gpt",
               "finops": {"budgets": [{"name": "tiny", "scope": "team", "match": "local", "period": "month",
                                       "limit_jpy": "0.3"}]}}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"}, clock=ManualClock("2026-11-16T03:00:00Z"))
        try:
            an = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=2)
            op = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=2)
            an.messages.create(model="claude", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
            op.responses.create(model="gpt", max_output_tokens=16, input="hi")
            big = "長い文書" * 2000
            with pytest.raises(anthropic.RateLimitError):
                an.messages.create(model="claude", max_tokens=4000, messages=[{"role": "user", "content": big}])
            with pytest.raises(openai.RateLimitError):
                op.responses.create(model="gpt", max_output_tokens=4000, input=big)
            rows = gw.rows()
            assert [(r["served_model"], r["status"]) for r in rows] == [("claude", 200), ("gpt", 200),
                                                                        (None, 429), (None, 429)]
            assert all(r["cost_jpy_nanos"] > 0 for r in rows[:2])
            assert len(claude.requests) == 1 and [r.path for r in oa.requests] == ["/v1/responses"]
        finally:
            gw.stop()
    finally:
        lt.run(claude.stop())
        lt.run(oa.stop())
