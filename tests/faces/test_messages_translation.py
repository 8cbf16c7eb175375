"""The Messages face's translation on its own: what each Anthropic request part becomes in the chat
body, what each chat answer part becomes in Anthropic's message and event stream."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tenbin.errors import BadRequest, GatewayError
from tenbin.faces import messages as face
from tenbin.faces import messages_answer as answer


def _events(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for frame in raw.decode().split("\n\n"):
        if not frame:
            continue
        name, data = frame.split("\n")
        out.append((name.removeprefix("event: "), orjson.loads(data.removeprefix("data: "))))
    return out


def test_system_blocks_become_one_system_message() -> None:
    chat = face.to_chat({"model": "m", "max_tokens": 5, "system": [{"type": "text", "text": "a"},
                                                                    {"type": "text", "text": "b"}],
                         "messages": [{"role": "user", "content": "hi"}]})
    assert chat["messages"][0] == {"role": "system", "content": "a\n\nb"}
    assert chat["messages"][1] == {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    assert chat["max_tokens"] == 5


def test_tool_results_come_right_after_the_calls_they_answer() -> None:
    chat = face.to_chat({"model": "m", "max_tokens": 5, "messages": [
        {"role": "user", "content": "天気は?"},
        {"role": "assistant", "content": [{"type": "thinking", "thinking": "…", "signature": "s"},
                                          {"type": "text", "text": "調べます"},
                                          {"type": "tool_use", "id": "tu1", "name": "weather",
                                           "input": {"city": "東京"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "tu1",
                                      "content": [{"type": "text", "text": "晴れ"}]},
                                     {"type": "text", "text": "ありがとう"}]},
    ]})
    roles = [m["role"] for m in chat["messages"]]
    assert roles == ["user", "assistant", "tool", "user"]
    call = chat["messages"][1]["tool_calls"][0]
    assert call["id"] == "tu1" and orjson.loads(call["function"]["arguments"]) == {"city": "東京"}
    assert chat["messages"][1]["content"] == "調べます"  # the thinking block is history only
    assert chat["messages"][2] == {"role": "tool", "tool_call_id": "tu1", "content": "晴れ"}


def test_tools_choice_stops_and_user_id_map_to_chat_fields() -> None:
    chat = face.to_chat({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}],
                         "tools": [{"name": "f", "description": "d", "input_schema": {"type": "object"}}],
                         "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
                         "stop_sequences": ["END"], "metadata": {"user_id": "u1"}, "temperature": 0.2})
    assert chat["tools"] == [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"},
                                                               "description": "d"}}]
    assert chat["tool_choice"] == "required" and chat["parallel_tool_calls"] is False
    assert chat["stop"] == ["END"] and chat["user"] == "u1" and chat["temperature"] == 0.2


def test_images_become_data_urls() -> None:
    chat = face.to_chat({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]}]})
    assert chat["messages"][0]["content"][0]["image_url"]["url"] == "data:image/png;base64,iVBORw0KGgo="


@pytest.mark.parametrize(("body", "param"), [
    ({"max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "m", "messages": [{"role": "user", "content": "x"}]}, "max_tokens"),
    ({"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "x"}]}, "max_tokens"),
    ({"model": "m", "max_tokens": 5, "messages": []}, "messages"),
    ({"model": "m", "max_tokens": 5, "messages": [{"role": "system", "content": "x"}]}, "messages.0.role"),
    ({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [{"type": "video"}]}]},
     "messages.0.content.0"),
    ({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": 3}]}, "messages.0.content"),
    ({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}], "temperature": 1.5},
     "temperature"),
])
def test_bad_requests_name_the_anthropic_param(body: dict[str, Any], param: str) -> None:
    with pytest.raises(BadRequest) as e:
        face.to_chat(body)
    assert e.value.param == param


def test_answer_with_tool_call_renders_as_tool_use_block() -> None:
    completion = {"model": "m", "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": "見ます", "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}]}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 3, "prompt_tokens_details": {"cached_tokens": 4}}}
    msg = answer.render(completion, "req_abc")
    assert msg["id"] == "msg_abc" and msg["stop_reason"] == "tool_use"
    assert msg["content"] == [{"type": "text", "text": "見ます"},
                              {"type": "tool_use", "id": "c1", "name": "f", "input": {"a": 1}}]
    assert msg["usage"] == {"input_tokens": 6, "output_tokens": 3, "cache_creation_input_tokens": 0,
                            "cache_read_input_tokens": 4}


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def test_interleaved_parallel_tool_calls_arrive_complete() -> None:
    w = answer.MessagesWriter("req_1", "m")
    raw = w.start()
    raw += w.feed(_chunk({"role": "assistant", "content": "はい"}))
    raw += w.feed(_chunk({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": '{"x"'}}]}))
    raw += w.feed(_chunk({"tool_calls": [{"index": 1, "id": "b", "function": {"name": "g", "arguments": "{}"}}]}))
    raw += w.feed(_chunk({"tool_calls": [{"index": 0, "function": {"arguments": ": 1}"}}]}, "tool_calls"))
    raw += w.feed({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 2}})
    raw += w.end()
    ev = _events(raw)
    names = [n for n, _ in ev]
    assert names[:2] == ["message_start", "ping"] and names[-2:] == ["message_delta", "message_stop"]
    starts = [d["content_block"] for n, d in ev if n == "content_block_start"]
    assert [b["type"] for b in starts] == ["text", "tool_use", "tool_use"]
    args = [d["delta"]["partial_json"] for n, d in ev if n == "content_block_delta"
            and d["delta"]["type"] == "input_json_delta"]
    assert args == ['{"x": 1}', "{}"]
    assert names.count("content_block_start") == names.count("content_block_stop") == 3
    delta = ev[-2][1]
    assert delta["delta"]["stop_reason"] == "tool_use" and delta["usage"]["output_tokens"] == 2


def test_error_mid_stream_ends_with_an_error_event() -> None:
    w = answer.MessagesWriter("req_1", "m")
    raw = w.start() + w.feed(_chunk({"content": "途中"})) + w.feed({"error": {"message": "upstream stream failed"}})
    raw += w.end()
    names = [n for n, _ in _events(raw)]
    assert names[-1] == "error" and "message_stop" not in names


@pytest.mark.parametrize(("status", "kind"), [(400, "invalid_request_error"), (401, "authentication_error"),
                                              (403, "permission_error"), (404, "not_found_error"),
                                              (429, "rate_limit_error"), (500, "api_error"),
                                              (502, "api_error"), (503, "overloaded_error")])
def test_errors_use_anthropic_types(status: int, kind: str) -> None:
    body = answer.error_body(GatewayError("boom", status=status))
    assert body == {"type": "error", "error": {"type": kind, "message": "boom"}}


def test_server_tools_are_left_out_and_their_blocks_become_text() -> None:
    """Sent natively to Anthropic they pass as written (test_native.py); translated for another
    vendor, the tool goes and its blocks are text the scan reads and the model sees."""
    use = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "東京 天気"}}
    result = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": [
        {"type": "web_search_result", "url": "https://example.com/", "title": "天気", "encrypted_content": "Eq"}]}
    chat = face.to_chat({"model": "m", "max_tokens": 5, "tool_choice": {"type": "tool", "name": "web_search"},
                         "tools": [{"type": "web_search_20250305", "name": "web_search"},
                                   {"name": "get_weather", "input_schema": {"type": "object"}}],
                         "messages": [{"role": "user", "content": "天気は?"},
                                      {"role": "assistant", "content": [use, result,
                                                                        {"type": "text", "text": "晴れ"}]},
                                      {"role": "user", "content": "明日は?"}]})
    assert [t["function"]["name"] for t in chat["tools"]] == ["get_weather"] and chat["tool_choice"] == "auto"
    text = chat["messages"][1]["content"]
    assert text.startswith('[server_tool_use] {"id":"srvtoolu_1"') and "東京 天気" in text
    assert "[web_search_tool_result]" in text and "天気" in text and "Eq" not in text and text.endswith("晴れ")


def test_a_pdf_becomes_a_file_part_and_a_url_document_text() -> None:
    chat = face.to_chat({"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": [
        {"type": "document", "title": "規則", "source": {"type": "base64", "media_type": "application/pdf",
                                                       "data": "JVBERi0="}},
        {"type": "document", "source": {"type": "url", "url": "https://example.com/a.pdf"}}]}]})
    pdf, url = chat["messages"][0]["content"]
    assert pdf == {"type": "file", "file": {"filename": "規則", "file_data": "data:application/pdf;base64,JVBERi0="}}
    assert url["type"] == "text" and url["text"].startswith("[document] ")
    assert "https://example.com/a.pdf" in url["text"]
