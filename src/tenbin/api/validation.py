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


# The optional fields validate_chat checks, by what each must be when present and not null:
# (kind, low, high); "num" is an int or float in [low, high], "int" an int >= low.
_FIELDS: dict[str, tuple[str, float, float]] = {
    "stream": ("bool", 0, 0), "stream_options": ("object", 0, 0), "metadata": ("object", 0, 0),
    "temperature": ("num", 0, 2), "top_p": ("num", 0, 1),
    "presence_penalty": ("num", -2, 2), "frequency_penalty": ("num", -2, 2),
    "max_tokens": ("int", 1, 0), "max_completion_tokens": ("int", 1, 0), "n": ("int", 1, 0),
    "stop": ("stop", 0, 0),
}


def _plainly_valid(body: dict[str, Any]) -> bool:
    """True only when :func:`validate_chat` would pass ``body``, in one pass over what it holds:
    text messages and the fields it carries, with the exact types orjson builds. False is no
    verdict (a multimodal message, an assistant turn without text, a wrong value): the full
    checks then run and name the first fault in their own order, so the errors are the same."""
    model = body.get("model")
    msgs = body.get("messages")
    if type(model) is not str or not model or type(msgs) is not list or not msgs:
        return False
    for m in msgs:
        if type(m) is not dict:
            return False
        role = m.get("role")
        if type(role) is not str or role not in ROLES or type(m.get("content")) is not str:
            return False
    for name, v in body.items():
        rule = _FIELDS.get(name)
        if rule is None or v is None:
            continue
        kind, lo, hi = rule
        t = type(v)
        if kind == "num":
            if (t is not int and t is not float) or not lo <= v <= hi:
                return False
        elif kind == "int":
            if t is not int or v < lo:
                return False
        elif kind == "bool":
            if t is not bool:
                return False
        elif kind == "object":
            if t is not dict:
                return False
        elif t is not str and not (t is list and all(type(s) is str for s in v)):  # stop
            return False
    return True


def validate_chat(body: dict[str, Any]) -> None:
    """Refuse a chat body that breaks the contract below, with OpenAI's error for its first fault."""
    if not _plainly_valid(body):
        validate_fully(body)


def validate_fully(body: dict[str, Any]) -> None:
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
