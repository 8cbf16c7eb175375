"""Vendor-neutral helpers for building OpenAI-shaped answers and reading OpenAI-shaped requests.

Adapters for non-OpenAI wire formats (Anthropic, Gemini) translate into exactly what OpenAI would
have sent; these helpers keep that shape in one place.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

import orjson

from tenbin.context import Usage
from tenbin.providers.base import ChatCall, ProviderError, StreamChunk


def client_model(call: ChatCall) -> str:
    """The model name as the client sent it, so answers echo what the client asked for."""
    name = call.body.get("model")
    return name if isinstance(name, str) and name else call.model.id


def openai_chunk(
    ident: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None, index: int = 0
) -> dict[str, Any]:
    """One ``chat.completion.chunk`` with a single choice, field for field as OpenAI sends it."""
    return {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


def usage_chunk(ident: str, created: int, model: str, usage: Usage) -> StreamChunk:
    """The trailing chunk OpenAI sends with ``stream_options.include_usage``: no choices, usage."""
    chunk = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [],
        "usage": usage.to_openai(),
    }
    return StreamChunk(chunk, usage)


def completion(ident: str, model: str, choices: list[dict[str, Any]], usage: Usage) -> dict[str, Any]:
    """A ``chat.completion`` object around already-translated choices."""
    return {
        "id": ident,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
        "usage": usage.to_openai(),
    }


def parse_data_url(url: str) -> tuple[str, str] | None:
    """``data:image/png;base64,AAAA`` → (media type, base64 payload); None for other URLs."""
    if not url.startswith("data:"):
        return None
    header, sep, payload = url[5:].partition(",")
    if not sep or not header.endswith(";base64"):
        raise ProviderError("bad_request", "image data URLs must be base64-encoded")
    try:
        base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ProviderError("bad_request", "image data URL is not valid base64") from None
    return header[: -len(";base64")] or "application/octet-stream", payload


def content_parts(content: Any) -> list[dict[str, Any]]:
    """OpenAI message content (string, list of parts or None) as a list of parts."""
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list):
        return [p for p in content if isinstance(p, dict)]
    raise ProviderError("bad_request", "message content must be a string or a list of parts")


def text_of(content: Any) -> str:
    """Only the text of a message's content (system prompts and tool results are text)."""
    return "".join(
        str(p.get("text") or "") for p in content_parts(content) if p.get("type") in ("text", None)
    )


def json_args(raw: Any) -> Any:
    """Tool-call arguments arrive as a JSON string; vendors want the object."""
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProviderError("bad_request", "tool call arguments are not valid JSON") from None


def dumps(obj: Any) -> str:
    return orjson.dumps(obj).decode()


# ---- request translation --------------------------------------------------------------------


def split_system(messages: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """Pull system/developer messages out wherever they are: both vendors take them separately."""
    if not isinstance(messages, list) or not messages:
        raise ProviderError("bad_request", "'messages' must be a non-empty list")
    system: list[str] = []
    rest: list[dict[str, Any]] = []
    for m in messages:
        if not isinstance(m, dict):
            raise ProviderError("bad_request", "each message must be an object")
        if m.get("role") in ("system", "developer"):
            text = text_of(m.get("content"))
            if text:
                system.append(text)
        else:
            rest.append(m)
    return system, rest


# Fields only the Anthropic adapter sends on (faces/messages.py puts them in the chat body):
_ANTHROPIC_TOP = ("thinking",)


def without_anthropic_extensions(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without Anthropic-only extensions (``thinking``, history ``thinking_blocks``,
    ``cache_control`` marks), which OpenAI-compatible servers refuse as unknown fields. The body
    is copied only when it has some, so the common case costs a few lookups."""
    msgs = body.get("messages")
    marked = any(k in body for k in _ANTHROPIC_TOP) or any(
        isinstance(t, dict) and "cache_control" in t for t in body.get("tools") or [])
    if isinstance(msgs, list):
        for m in msgs:
            if isinstance(m, dict) and ("thinking_blocks" in m or _has_marks(m.get("content"))):
                marked = True
                break
    if not marked:
        return body
    out = {k: v for k, v in body.items() if k not in _ANTHROPIC_TOP}
    if isinstance(body.get("tools"), list):
        out["tools"] = [{k: v for k, v in t.items() if k != "cache_control"} if isinstance(t, dict) else t
                        for t in body["tools"]]
    if isinstance(msgs, list):
        out["messages"] = [_plain_message(m) if isinstance(m, dict) else m for m in msgs]
    return out


def _has_marks(content: Any) -> bool:
    return isinstance(content, list) and any(isinstance(p, dict) and "cache_control" in p for p in content)


def _plain_message(m: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in m.items() if k != "thinking_blocks"}
    content = m.get("content")
    if isinstance(content, list) and _has_marks(content):
        out["content"] = [{k: v for k, v in p.items() if k != "cache_control"} if isinstance(p, dict) else p
                          for p in content]
    return out
