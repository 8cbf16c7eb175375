"""The Responses face's translation on its own: input items → chat messages, chat answers → response
objects and typed events."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from tenbin.errors import BadRequest
from tenbin.faces import responses as face


def _events(raw: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(f.split("\n")[1].removeprefix("data: ")) for f in raw.decode().split("\n\n") if f]


def test_parallel_function_calls_of_one_turn_become_one_assistant_message() -> None:
    chat = face.to_chat({"model": "m", "instructions": "be brief", "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "二都市の天気"}]},
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "function_call", "call_id": "c1", "name": "w", "arguments": '{"city": "東京"}'},
        {"type": "function_call", "call_id": "c2", "name": "w", "arguments": '{"city": "大阪"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "晴れ"},
        {"type": "function_call_output", "call_id": "c2", "output": [{"type": "input_text", "text": "雨"}]},
    ]})
    assert [m["role"] for m in chat["messages"]] == ["system", "user", "assistant", "tool", "tool"]
    assert [c["id"] for c in chat["messages"][2]["tool_calls"]] == ["c1", "c2"]
    assert chat["messages"][4] == {"role": "tool", "tool_call_id": "c2", "content": "雨"}


def test_string_input_and_limits() -> None:
    chat = face.to_chat({"model": "m", "input": "hi", "max_output_tokens": 7, "temperature": 0.1,
                         "stream": True, "safety_identifier": "u-1"})
    assert chat["messages"] == [{"role": "user", "content": "hi"}]
    assert chat["max_tokens"] == 7 and chat["stream_options"] == {"include_usage": True} and chat["user"] == "u-1"


@pytest.mark.parametrize(("body", "param"), [
    ({"input": "x"}, "model"),
    ({"model": "m", "input": []}, "input"),
    ({"model": "m", "input": [{"type": "item_reference", "id": "x"}]}, "input[0].type"),
    ({"model": "m", "input": [{"role": "user", "content": [{"type": "input_file", "file_id": "f"}]}]},
     "input[0].content[0].type"),
    ({"model": "m", "input": "x", "max_output_tokens": 0}, "max_output_tokens"),
    ({"model": "m", "input": "x", "text": {"format": {"type": "json_schema"}}}, "text.format"),
    ({"model": "m", "input": "x", "background": True}, "background"),
])
def test_bad_requests_name_the_param(body: dict[str, Any], param: str) -> None:
    with pytest.raises(BadRequest) as e:
        face.to_chat(body)
    assert e.value.param == param


def test_a_cut_answer_is_incomplete() -> None:
    r = face.render({"model": "m", "created": 5, "choices": [{"index": 0, "finish_reason": "length",
                                                             "message": {"role": "assistant", "content": "途"}}],
                     "usage": {"prompt_tokens": 3, "completion_tokens": 1}}, "req_9", {"max_output_tokens": 1})
    assert r["status"] == "incomplete" and r["incomplete_details"] == {"reason": "max_output_tokens"}
    assert r["output"][0]["content"][0]["text"] == "途" and r["max_output_tokens"] == 1
    assert r["usage"]["total_tokens"] == 4 and r["created_at"] == 5


def test_interleaved_calls_stream_under_their_own_output_index() -> None:
    w = face.ResponsesWriter("req_1", "m", {}, created=1)
    raw = w.start()
    for n, frag in [(0, '{"a"'), (1, "{}"), (0, ": 1}")]:
        raw += w.feed({"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": n, "id": f"c{n}", "function": {"name": "f", "arguments": frag}}]}, "finish_reason": None}]})
    raw += w.feed({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]})
    raw += w.end()
    ev = _events(raw)
    assert [e["sequence_number"] for e in ev] == list(range(len(ev)))
    done = [e for e in ev if e["type"] == "response.function_call_arguments.done"]
    assert [(e["output_index"], e["arguments"]) for e in done] == [(0, '{"a": 1}'), (1, "{}")]
    final = ev[-1]["response"]
    assert ev[-1]["type"] == "response.completed" and [o["call_id"] for o in final["output"]] == ["c0", "c1"]
    created = ev[0]["response"]
    assert created["output"] == [] and created["status"] == "in_progress"  # sent events are not mutated


def test_failure_mid_stream_sends_error_then_failed() -> None:
    w = face.ResponsesWriter("req_1", "m", {}, created=1)
    raw = w.start() + w.feed({"choices": [{"index": 0, "delta": {"content": "途中"}}]})
    raw += w.feed({"error": {"message": "upstream stream failed", "code": "server"}}) + w.end()
    kinds = [e["type"] for e in _events(raw)]
    assert kinds[-2:] == ["error", "response.failed"] and "response.completed" not in kinds
