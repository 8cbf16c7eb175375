"""A fake Anthropic Messages API on 127.0.0.1, plus the scripted-fault server it is built on.

The fake speaks the real wire format (field names and SSE event sequence as documented at
https://docs.anthropic.com/en/api/messages and /en/docs/build-with-claude/streaming), validates
requests the way the real API does (headers, required fields, roles), records every request
verbatim, and replays scripted replies, including faults, one per request::

    async with FakeAnthropic() as fake:
        fake.enqueue(anthropic_error(429, "rate_limit_error", "slow down", retry_after=3))
        fake.enqueue(Reply(events=message_events(["Hel", "lo"])))
        ...  # point an adapter at fake.url
        assert fake.requests[0].json()["max_tokens"] == 4096

Gateway tests running the fake on another loop use ``await FakeAnthropic().start()`` and
``await fake.stop()`` instead. With an empty script every valid request gets a normal answer
with ``fake.default_text``.
``FakeUpstream``/``Reply``/``Recorded`` live in ``tests/fakes/base.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.base import FakeUpstream, Recorded, Reply

MODEL = "claude-sonnet-4-5-20250929"


def sse(event: str, data: dict[str, Any]) -> bytes:
    """One Anthropic SSE frame: named event, JSON data, blank line."""
    return b"event: " + event.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def _usage(input_tokens: int, output_tokens: int, cache_read: int, cache_creation: int) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": cache_creation,
        "cache_read_input_tokens": cache_read,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def message(
    text: str | None = "Hello!",
    *,
    tool_uses: Iterable[tuple[str, str, dict[str, Any]]] = (),
    stop_reason: str | None = None,
    model: str = MODEL,
    input_tokens: int = 12,
    output_tokens: int = 6,
    cache_read: int = 0,
    cache_creation: int = 0,
    ident: str = "msg_01XFDUDYJgAACzvnptvVoYEL",
) -> dict[str, Any]:
    """A non-streaming Messages API answer; ``tool_uses`` are (id, name, input) triples."""
    content: list[dict[str, Any]] = [{"type": "text", "text": text}] if text is not None else []
    tools = list(tool_uses)
    content += [{"type": "tool_use", "id": i, "name": n, "input": inp} for i, n, inp in tools]
    return {
        "id": ident,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason or ("tool_use" if tools else "end_turn"),
        "stop_sequence": None,
        "usage": _usage(input_tokens, output_tokens, cache_read, cache_creation),
    }


def message_events(
    texts: Sequence[str] = ("Hello", "!"),
    *,
    tool_uses: Iterable[tuple[str, str, dict[str, Any]]] = (),
    stop_reason: str | None = None,
    model: str = MODEL,
    input_tokens: int = 12,
    output_tokens: int = 6,
    cache_read: int = 0,
    cache_creation: int = 0,
    ident: str = "msg_01XFDUDYJgAACzvnptvVoYEL",
) -> list[bytes]:
    """The full event sequence of a streamed answer, as the real API sends it."""
    tools = list(tool_uses)
    start = message(
        None,
        model=model,
        ident=ident,
        input_tokens=input_tokens,
        output_tokens=1,
        cache_read=cache_read,
        cache_creation=cache_creation,
    )
    start.update(stop_reason=None)
    frames = [sse("message_start", {"type": "message_start", "message": start})]
    index = 0
    if texts:
        block: dict[str, Any] = {"type": "text", "text": ""}
        frames.append(
            sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block})
        )
        frames.append(sse("ping", {"type": "ping"}))
        for t in texts:
            delta = {"type": "text_delta", "text": t}
            frames.append(
                sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
            )
        frames.append(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
        index = 1
    for ident_, name, inp in tools:
        block = {"type": "tool_use", "id": ident_, "name": name, "input": {}}
        frames.append(
            sse(
                "content_block_start", {"type": "content_block_start", "index": index, "content_block": block}
            )
        )
        raw = orjson.dumps(inp).decode()
        for frag in ("", raw[: len(raw) // 2], raw[len(raw) // 2 :]):
            delta = {"type": "input_json_delta", "partial_json": frag}
            frames.append(
                sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            )
        frames.append(sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1
    reason = stop_reason or ("tool_use" if tools else "end_turn")
    frames.append(
        sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": reason, "stop_sequence": None},
                "usage": {"output_tokens": output_tokens},
            },
        )
    )
    frames.append(sse("message_stop", {"type": "message_stop"}))
    return frames


def _halves(text: str) -> list[str]:
    return [text[: len(text) // 2], text[len(text) // 2 :]]


def events_of(msg: dict[str, Any]) -> list[bytes]:
    """The event stream the real API sends for the answer ``msg`` (any content blocks): text in
    ``text_delta``s after its ``citations_delta``s, thinking in ``thinking_delta``s then one
    ``signature_delta``, a (server) tool's input in ``input_json_delta``s, and blocks that are not
    streamed (``web_search_tool_result``, ``redacted_thinking``) whole in ``content_block_start``."""
    usage = msg["usage"]
    start = {**msg, "content": [], "stop_reason": None, "stop_sequence": None, "usage": {**usage, "output_tokens": 1}}
    frames = [sse("message_start", {"type": "message_start", "message": start})]

    def delta(index: int, d: dict[str, Any]) -> bytes:
        return sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": d})

    for i, block in enumerate(msg["content"]):
        kind = block["type"]
        deltas: list[bytes] = []
        if kind == "text":
            shell: dict[str, Any] = {"type": "text", "text": ""}
            deltas += [delta(i, {"type": "citations_delta", "citation": c}) for c in block.get("citations") or ()]
            deltas += [delta(i, {"type": "text_delta", "text": t}) for t in _halves(block["text"])]
        elif kind == "thinking":
            shell = {"type": "thinking", "thinking": "", "signature": ""}
            deltas += [delta(i, {"type": "thinking_delta", "thinking": t}) for t in _halves(block["thinking"])]
            deltas.append(delta(i, {"type": "signature_delta", "signature": block["signature"]}))
        elif kind in ("tool_use", "server_tool_use"):
            shell = {**block, "input": {}}
            raw = orjson.dumps(block["input"]).decode()
            deltas += [delta(i, {"type": "input_json_delta", "partial_json": t}) for t in _halves(raw)]
        else:
            shell = block
        frames.append(sse("content_block_start", {"type": "content_block_start", "index": i, "content_block": shell}))
        frames += deltas
        frames.append(sse("content_block_stop", {"type": "content_block_stop", "index": i}))
    end_usage = {k: v for k, v in usage.items() if k in ("output_tokens", "server_tool_use")}
    frames.append(sse("message_delta", {"type": "message_delta", "delta": {
        "stop_reason": msg["stop_reason"], "stop_sequence": None}, "usage": end_usage}))
    frames.append(sse("message_stop", {"type": "message_stop"}))
    return frames


def error_body(kind: str, msg: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": msg}}


def anthropic_error(status: int, kind: str, msg: str, *, retry_after: float | None = None) -> Reply:
    """An HTTP error as Anthropic sends it, e.g. (429, "rate_limit_error"), (529, "overloaded_error")."""
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return Reply(status=status, json=error_body(kind, msg), headers=headers)


def stream_error(kind: str = "overloaded_error", msg: str = "Overloaded") -> bytes:
    """The ``error`` event Anthropic sends inside a 200 stream."""
    return sse("error", error_body(kind, msg))


def _is_4_5(model: str) -> bool:
    """Claude 4.5 models (and later) refuse ``temperature`` and ``top_p`` together."""
    return "-4-5" in model or "-4.5" in model


class FakeAnthropic(FakeUpstream):
    sse_content_type = "text/event-stream; charset=utf-8"

    def __init__(self, api_key: str | None = None, default_text: str = "Hello from fake Anthropic.",
                 echo: bool = False) -> None:
        super().__init__()
        self.api_key = api_key  # None: accept any key
        self.default_text = default_text
        self.echo = echo  # answer with the last user turn's text (what the vendor was sent)

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/messages", self._messages)]

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        reply = self._validate(rec)
        if reply is None:
            reply = self.script.popleft() if self.script else self._default(rec)
        reply.headers.setdefault("request-id", f"req_fake{len(self.requests):04d}")
        return await self.send(request, reply)

    def _default(self, rec: Recorded) -> Reply:
        if self.echo:
            content = rec.json()["messages"][-1]["content"]
            text = content if isinstance(content, str) else "".join(
                b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
            answer = message(text)
            return Reply(events=events_of(answer)) if rec.json().get("stream") else Reply(json=answer)
        words = self.default_text.split(" ")
        if rec.json().get("stream"):
            return Reply(events=message_events([w + " " for w in words[:-1]] + words[-1:]))
        return Reply(json=message(self.default_text))

    def _validate(self, rec: Recorded) -> Reply | None:
        """The checks the real API makes before generating, with its error messages."""
        key = rec.headers.get("x-api-key")
        if not key:
            return anthropic_error(401, "authentication_error", "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            return anthropic_error(401, "authentication_error", "invalid x-api-key")
        if not rec.headers.get("anthropic-version"):
            return anthropic_error(400, "invalid_request_error", "anthropic-version: header is required")
        try:
            body = rec.json()
        except orjson.JSONDecodeError:
            return anthropic_error(400, "invalid_request_error", "There was an error parsing the body")
        for name in ("model", "max_tokens", "messages"):
            if name not in body:
                return anthropic_error(400, "invalid_request_error", f"{name}: Field required")
        for n, m in enumerate(body["messages"]):
            if m.get("role") not in ("user", "assistant"):
                return anthropic_error(
                    400, "invalid_request_error", f"messages.{n}.role: Input should be 'user' or 'assistant'"
                )
        thinking = body.get("thinking") or {}
        if thinking.get("type") == "enabled":
            if body.get("temperature") not in (None, 1) or body.get("top_k") is not None:
                return anthropic_error(400, "invalid_request_error",
                                       "`temperature` may only be set to 1 when thinking is enabled.")
            assistants = [m for m in body["messages"] if m.get("role") == "assistant"]
            last = assistants[-1] if assistants else None
            blocks = last.get("content") if last else None
            if isinstance(blocks, list) and any(b.get("type") == "tool_use" for b in blocks) and \
                    blocks[0].get("type") not in ("thinking", "redacted_thinking"):
                return anthropic_error(400, "invalid_request_error",
                                       "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, "
                                       "but found `tool_use`. When `thinking` is enabled, a final `assistant` "
                                       "message must start with a thinking block.")
        if _is_4_5(str(body["model"])) and body.get("temperature") is not None and body.get("top_p") is not None:
            return anthropic_error(400, "invalid_request_error",
                                   "`temperature` and `top_p` cannot both be specified for this model. "
                                   "Please use only one.")
        return None
