"""Strict, fast validation of the chat.completions body (OpenAI's schema, the parts we rely on).

Hand-written rather than a model class because it runs on every request and must keep unknown
fields untouched for pass-through; errors name the offending ``param`` like OpenAI does.
"""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import BadRequest

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})


def parse_json(raw: bytes) -> dict[str, Any]:
    if not raw:
        raise BadRequest("The request body is empty; expected a JSON object.")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        raise BadRequest(f"The request body is not valid JSON: {e}", code="invalid_json") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.", code="invalid_json")
    return body


def _num(body: dict[str, Any], name: str, lo: float, hi: float) -> None:
    v = body.get(name)
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        raise BadRequest(f"'{name}' must be a number between {lo} and {hi}.", param=name)


def _int(body: dict[str, Any], name: str, lo: int) -> None:
    v = body.get(name)
    if v is None:
        return
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise BadRequest(f"'{name}' must be an integer >= {lo}.", param=name)


def validate_chat(body: dict[str, Any]) -> None:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise BadRequest("you must provide a model parameter", param="model", code="missing_required_parameter")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs:
        raise BadRequest("'messages' must be a non-empty array.", param="messages")
    for i, m in enumerate(msgs):
        if not isinstance(m, dict):
            raise BadRequest(f"messages[{i}] must be an object.", param=f"messages[{i}]")
        role = m.get("role")
        if not isinstance(role, str) or role not in ROLES:  # a dict role is unhashable (fuzzer find)
            raise BadRequest(f"messages[{i}].role must be one of {sorted(ROLES)}.", param=f"messages[{i}].role")
        content = m.get("content")
        if content is None:
            if role not in ("assistant", "tool") and not m.get("tool_calls"):
                raise BadRequest(f"messages[{i}].content is required.", param=f"messages[{i}].content")
        elif isinstance(content, list):
            for j, part in enumerate(content):
                if not isinstance(part, dict) or not isinstance(part.get("type"), str):
                    raise BadRequest(f"messages[{i}].content[{j}] must be an object with a 'type'.",
                                     param=f"messages[{i}].content[{j}]")
        elif not isinstance(content, str):
            raise BadRequest(f"messages[{i}].content must be a string or an array of parts.",
                             param=f"messages[{i}].content")
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise BadRequest("'stream' must be a boolean.", param="stream")
    so = body.get("stream_options")
    if so is not None and not isinstance(so, dict):
        raise BadRequest("'stream_options' must be an object.", param="stream_options")
    _num(body, "temperature", 0, 2)
    _num(body, "top_p", 0, 1)
    _num(body, "presence_penalty", -2, 2)
    _num(body, "frequency_penalty", -2, 2)
    _int(body, "max_tokens", 1)
    _int(body, "max_completion_tokens", 1)
    _int(body, "n", 1)
    stop = body.get("stop")
    if stop is not None and not isinstance(stop, str) and not (
        isinstance(stop, list) and all(isinstance(s, str) for s in stop)
    ):
        raise BadRequest("'stop' must be a string or an array of strings.", param="stop")
    meta = body.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise BadRequest("'metadata' must be an object.", param="metadata")
