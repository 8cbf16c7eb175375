"""The Anthropic Messages face, answer side: a pipeline answer (``chat.completion``) or its chunks
rendered as Anthropic's ``message`` and event stream, with usage split into fresh input, cache
reads and cache writes as Anthropic reports them. The request side is ``messages.py``."""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import GatewayError
from tenbin.faces import first_choice, sse_event

# OpenAI finish_reason → Anthropic stop_reason.
STOP_REASONS: dict[str, str] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}

# HTTP status → Anthropic error type (https://docs.anthropic.com/en/api/errors).
_ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    415: "invalid_request_error",
    429: "rate_limit_error",
    503: "overloaded_error",
    529: "overloaded_error",
}


def usage(u: dict[str, Any] | None) -> dict[str, int]:
    """OpenAI usage → Anthropic's: cache reads are counted apart from ``input_tokens``."""
    u = u or {}
    details = u.get("prompt_tokens_details") or {}
    cached = int(details.get("cached_tokens") or 0)
    written = int(details.get("cache_write_tokens") or 0)
    return {
        "input_tokens": max(int(u.get("prompt_tokens") or 0) - cached - written, 0),
        "output_tokens": int(u.get("completion_tokens") or 0),
        "cache_creation_input_tokens": written,
        "cache_read_input_tokens": cached,
    }


def message_id(request_id: str) -> str:
    return "msg_" + request_id.removeprefix("req_")


def _tool_input(arguments: Any) -> Any:
    if isinstance(arguments, dict):
        return arguments
    try:
        return orjson.loads(arguments or "{}")
    except orjson.JSONDecodeError:
        return {"_raw_arguments": arguments}  # the model wrote invalid JSON: keep it visible, not lost


def render(completion: dict[str, Any], request_id: str) -> dict[str, Any]:
    """A ``chat.completion`` → an Anthropic ``message``."""
    choice = (completion.get("choices") or [{}])[0]
    msg = choice.get("message") or {}
    content: list[dict[str, Any]] = [b for b in msg.get("thinking_blocks") or [] if isinstance(b, dict)]
    if msg.get("content"):
        content.append({"type": "text", "text": msg["content"]})
    for tc in msg.get("tool_calls") or []:
        fn = tc.get("function") or {}
        content.append({"type": "tool_use", "id": tc.get("id"), "name": fn.get("name"),
                        "input": _tool_input(fn.get("arguments"))})
    return {
        "id": message_id(request_id),
        "type": "message",
        "role": "assistant",
        "model": completion.get("model"),
        "content": content,
        "stop_reason": STOP_REASONS.get(str(choice.get("finish_reason")), "end_turn"),
        "stop_sequence": None,
        "usage": usage(completion.get("usage")),
    }


def error_body(err: GatewayError) -> dict[str, Any]:
    kind = _ERROR_TYPES.get(err.status, "api_error" if err.status >= 500 else "invalid_request_error")
    return {"type": "error", "error": {"type": kind, "message": err.message}}


class MessagesWriter:
    """Pipeline chunks → Anthropic's event stream: ``message_start``, one block at a time
    (``content_block_start``/``delta``/``stop``), ``message_delta`` with stop reason and usage,
    ``message_stop``; an error mid-stream becomes an ``error`` event and ends the stream."""

    def __init__(self, request_id: str, model: str) -> None:
        self.id = message_id(request_id)
        self.model = model
        self.block = -1  # index of the open content block, -1 when none is open
        self.kind: str | None = None
        # Tool calls are held until the answer ends, then sent one complete block each: OpenAI may
        # interleave the fragments of parallel calls, and an Anthropic block cannot be reopened.
        self.calls: dict[int, dict[str, Any]] = {}
        self.stop = "end_turn"
        self.usage: dict[str, Any] | None = None
        self.failed = False

    def start(self) -> bytes:
        message: dict[str, Any] = {"id": self.id, "type": "message", "role": "assistant", "model": self.model,
                   "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage(None)}
        return sse_event("message_start", {"type": "message_start", "message": message}) + sse_event(
            "ping", {"type": "ping"})

    def _close(self) -> bytes:
        if self.block < 0 or self.kind is None:
            return b""
        self.kind = None
        return sse_event("content_block_stop", {"type": "content_block_stop", "index": self.block})

    def _open(self, kind: str, block: dict[str, Any]) -> bytes:
        out = self._close()
        self.block += 1
        self.kind = kind
        return out + sse_event("content_block_start",
                               {"type": "content_block_start", "index": self.block, "content_block": block})

    def _delta(self, delta: dict[str, Any]) -> bytes:
        return sse_event("content_block_delta", {"type": "content_block_delta", "index": self.block, "delta": delta})

    def feed(self, chunk: dict[str, Any]) -> bytes:
        if "error" in chunk:
            self.failed = True
            err = chunk["error"] or {}
            return self._close() + sse_event("error", {"type": "error", "error": {
                "type": "api_error", "message": str(err.get("message") or "the answer failed")}})
        out = b""
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for delta, finish in first_choice(chunk):
            for block in delta.get("thinking_blocks") or []:
                out += self._thinking(block)
            text = delta.get("content")
            if text:
                if self.kind != "text":
                    out += self._open("text", {"type": "text", "text": ""})
                out += self._delta({"type": "text_delta", "text": text})
            for tc in delta.get("tool_calls") or []:
                call = self.calls.setdefault(int(tc.get("index") or 0), {"id": None, "name": None, "args": []})
                fn = tc.get("function") or {}
                call["id"] = call["id"] or tc.get("id")
                call["name"] = call["name"] or fn.get("name")
                if fn.get("arguments"):
                    call["args"].append(fn["arguments"])
            if finish:
                self.stop = STOP_REASONS.get(finish, "end_turn")
        return out

    def _thinking(self, block: dict[str, Any]) -> bytes:
        """Thinking from the Anthropic adapter's deltas (``thinking_blocks`` fragments) → a thinking
        block with ``thinking_delta`` and ``signature_delta`` events, or a whole redacted block."""
        if block.get("type") == "redacted_thinking":
            return self._open("redacted", {"type": "redacted_thinking", "data": block.get("data")})
        out = b""
        if self.kind != "thinking":
            out += self._open("thinking", {"type": "thinking", "thinking": "", "signature": ""})
        if block.get("thinking"):
            out += self._delta({"type": "thinking_delta", "thinking": block["thinking"]})
        if block.get("signature"):
            out += self._delta({"type": "signature_delta", "signature": block["signature"]})
        return out

    def _tool_blocks(self) -> bytes:
        out = b""
        for n in sorted(self.calls):
            call = self.calls[n]
            out += self._open("tool", {"type": "tool_use", "id": call["id"], "name": call["name"], "input": {}})
            if call["args"]:
                out += self._delta({"type": "input_json_delta", "partial_json": "".join(call["args"])})
        self.calls.clear()
        return out

    def end(self) -> bytes:
        if self.failed:
            return b""
        return self._tool_blocks() + self._close() + sse_event("message_delta", {
            "type": "message_delta", "delta": {"stop_reason": self.stop, "stop_sequence": None},
            "usage": usage(self.usage)}) + sse_event("message_stop", {"type": "message_stop"})


