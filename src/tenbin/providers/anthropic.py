"""Anthropic Messages API adapter (``POST /v1/messages``).

Clients speak OpenAI chat.completions; this module translates the request body to Anthropic's
shape (top-level ``system``, strictly alternating user/assistant turns, ``tool_use`` /
``tool_result`` blocks, mandatory ``max_tokens``) and translates answers and SSE streams back into
exactly what OpenAI would have sent, so SDKs on the client side cannot tell the difference.

A ``/v1/messages`` request served here is not translated at all: ``native``/``native_stream``
send the client's own Messages body (``call.native``) and hand back the vendor's ``message`` and
events as they came, so cache marks, signed thinking, citations and server tools survive.

OpenAI-shape helpers shared with the Gemini adapter live in ``openai_shapes.py``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from tenbin.context import Usage
from tenbin.providers.base import ChatCall, ChatResult, ErrorKind, NativeResult, ProviderError, StreamChunk, in_one_read
from tenbin.providers.http import HTTPAdapter, meaning
from tenbin.providers.openai_shapes import (
    client_model,
    completion,
    content_parts,
    dumps,
    json_args,
    openai_chunk,
    parse_data_url,
    split_system,
    text_of,
    usage_chunk,
)
from tenbin.providers.sse import SSEDecoder, json_object

DEFAULT_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096

# Anthropic stop_reason → OpenAI finish_reason.
FINISH_REASONS: dict[str, str] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def _blocks(content: Any) -> list[dict[str, Any]]:
    """OpenAI content parts → Anthropic content blocks (empty text is dropped: Anthropic rejects it)."""
    out: list[dict[str, Any]] = []
    for part in content_parts(content):
        kind = part.get("type")
        if kind == "text":
            if part.get("text"):
                block: dict[str, Any] = {"type": "text", "text": part["text"]}
                if isinstance(part.get("cache_control"), dict):
                    # prompt-caching breakpoints (the OpenAI-shaped extension LiteLLM and OpenRouter
                    # use, and what /v1/messages keeps in translation): without them nothing is cached
                    block["cache_control"] = part["cache_control"]
                out.append(block)
        elif kind == "image_url":
            img = part.get("image_url")
            url = img.get("url") if isinstance(img, dict) else img
            if not isinstance(url, str):
                raise ProviderError("bad_request", "image_url part has no url")
            data = parse_data_url(url)
            source = (
                {"type": "base64", "media_type": data[0], "data": data[1]}
                if data
                else {"type": "url", "url": url}
            )
            out.append({"type": "image", "source": source})
        else:
            raise ProviderError("bad_request", f"content part type {kind!r} is not supported by Anthropic")
    return out


def _message_blocks(msg: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """One OpenAI message → (Anthropic role, blocks)."""
    role = msg.get("role")
    if role == "tool":
        result: dict[str, Any] = {
            "type": "tool_result",
            "tool_use_id": str(msg.get("tool_call_id") or ""),
            "content": text_of(msg.get("content")),
        }
        return "user", [result]
    if role == "assistant":
        # Signed thinking blocks go back first, as Anthropic requires when thinking is on.
        blocks = [dict(b) for b in msg.get("thinking_blocks") or [] if isinstance(b, dict)]
        blocks += _blocks(msg.get("content"))
        for tc in msg.get("tool_calls") or []:
            fn = tc.get("function") or {}
            blocks.append(
                {
                    "type": "tool_use",
                    "id": tc.get("id"),
                    "name": fn.get("name"),
                    "input": json_args(fn.get("arguments")),
                }
            )
        return "assistant", blocks
    if role == "user":
        return "user", _blocks(msg.get("content"))
    raise ProviderError("bad_request", f"message role {role!r} is not supported")


def _messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Translate and merge consecutive same-role turns (tool results join the next user turn)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        role, blocks = _message_blocks(m)
        if not blocks:
            continue
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    if not out:
        raise ProviderError("bad_request", "no user or assistant content to send")
    return out


def _tools(tools: Any) -> list[dict[str, Any]]:
    out = []
    for t in tools or []:
        fn = t.get("function") if isinstance(t, dict) else None
        if not isinstance(fn, dict) or t.get("type") != "function":
            raise ProviderError("bad_request", "only function tools are supported")
        tool: dict[str, Any] = {
            "name": fn.get("name"),
            "input_schema": fn.get("parameters") or {"type": "object", "properties": {}},
        }
        if fn.get("description"):
            tool["description"] = fn["description"]
        if isinstance(t.get("cache_control"), dict):
            tool["cache_control"] = t["cache_control"]
        out.append(tool)
    return out


def _tool_choice(choice: Any, parallel: Any) -> dict[str, Any] | None:
    if choice is None and parallel is not False:
        return None
    if choice in (None, "auto"):
        tc: dict[str, Any] = {"type": "auto"}
    elif choice == "required":
        tc = {"type": "any"}
    elif choice == "none":
        return {"type": "none"}
    elif isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        tc = {"type": "tool", "name": choice["function"].get("name")}
    else:
        raise ProviderError("bad_request", f"unsupported tool_choice {choice!r}")
    if parallel is False:
        tc["disable_parallel_tool_use"] = True
    return tc


def _cached_system(messages: Any) -> list[dict[str, Any]] | None:
    """System text as blocks when one of its parts carries a ``cache_control`` breakpoint (the
    system prompt is what callers cache most); None when none does, so the plain string is sent."""
    blocks: list[dict[str, Any]] = []
    marked = False
    for m in messages if isinstance(messages, list) else []:
        if isinstance(m, dict) and m.get("role") in ("system", "developer"):
            new = _blocks(m.get("content"))
            marked = marked or any("cache_control" in b for b in new)
            blocks.extend(new)
    return blocks if marked else None


def build_request(call: ChatCall, stream: bool) -> dict[str, Any]:
    """Translate, turning any shape error in the client's body into a 400 instead of a crash."""
    try:
        return _build_request(call, stream)
    except ProviderError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError) as e:
        raise ProviderError("bad_request", f"malformed request body: {type(e).__name__}: {e}") from e


def _build_request(call: ChatCall, stream: bool) -> dict[str, Any]:
    """OpenAI chat.completions body → Anthropic Messages body."""
    body = call.body
    if (body.get("n") or 1) != 1:
        raise ProviderError("bad_request", "Anthropic does not support n > 1")
    system, rest = split_system(body.get("messages"))
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens") or DEFAULT_MAX_TOKENS
    req: dict[str, Any] = {
        "model": call.model.upstream,
        "max_tokens": int(max_tokens),
        "messages": _messages(rest),
    }
    if system:
        cached = _cached_system(body.get("messages"))
        req["system"] = cached if cached is not None else "\n\n".join(system)
    thinking = body.get("thinking")
    if isinstance(thinking, dict):
        req["thinking"] = thinking  # from /v1/messages (faces/messages.py); Anthropic-only
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        pass  # extended thinking refuses temperature and top_p changes: neither is sent
    elif body.get("temperature") is not None:
        # OpenAI allows 0-2, Anthropic 0-1: clamp rather than fail a request that is fine elsewhere.
        req["temperature"] = min(float(body["temperature"]), 1.0)
    elif body.get("top_p") is not None:
        # Claude 4.5 models refuse temperature and top_p together; Anthropic advises setting one, so
        # temperature wins when a client (written for OpenAI) sends both.
        req["top_p"] = body["top_p"]
    stop = body.get("stop")
    if stop:
        req["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if isinstance(body.get("user"), str):
        req["metadata"] = {"user_id": body["user"]}
    if body.get("tools"):
        req["tools"] = _tools(body["tools"])
        tc = _tool_choice(body.get("tool_choice"), body.get("parallel_tool_calls"))
        if tc is not None:
            req["tool_choice"] = tc
    if stream:
        req["stream"] = True
    return req


# ---- response translation -------------------------------------------------------------------


def usage_from_anthropic(u: Any) -> Usage:
    """Anthropic counts cache reads and writes apart from ``input_tokens``; OpenAI counts them in."""
    u = u if isinstance(u, dict) else {}
    read = int(u.get("cache_read_input_tokens") or 0)
    fresh = int(u.get("input_tokens") or 0) + int(u.get("cache_creation_input_tokens") or 0)
    return Usage(
        prompt_tokens=fresh + read,
        completion_tokens=int(u.get("output_tokens") or 0),
        cached_tokens=read,
        cache_write_tokens=int(u.get("cache_creation_input_tokens") or 0),
        reported=True,
    )


def translate_response(data: Any, model: str) -> ChatResult:
    """Anthropic ``message`` → OpenAI ``chat.completion``."""
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise ProviderError("bad_response", "anthropic: answer has no 'content' list")
    text: list[str] = []
    calls: list[dict[str, Any]] = []
    thinking: list[dict[str, Any]] = []
    for block in data["content"]:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            text.append(str(block.get("text") or ""))
        elif block.get("type") in ("thinking", "redacted_thinking"):
            thinking.append(block)
        elif block.get("type") == "tool_use":
            calls.append(
                {
                    "id": block.get("id"),
                    "type": "function",
                    "function": {"name": block.get("name"), "arguments": dumps(block.get("input") or {})},
                }
            )
    message: dict[str, Any] = {"role": "assistant", "content": "".join(text) if text or not calls else None}
    if calls:
        message["tool_calls"] = calls
    if thinking:
        # Outside OpenAI's shape, under the names LiteLLM uses: /v1/messages renders them back as
        # blocks (with their signatures, which the next turn must carry); chat clients ignore them.
        message["thinking_blocks"] = thinking
        message["reasoning_content"] = "".join(str(b.get("thinking") or "") for b in thinking)
    finish = FINISH_REASONS.get(str(data.get("stop_reason")), "stop")
    usage = usage_from_anthropic(data.get("usage"))
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    return ChatResult(completion(str(data.get("id") or ""), model, [choice], usage), usage)


@dataclass(slots=True)
class _StreamState:
    """What the translation of one Anthropic event stream needs to remember between events."""

    ident: str
    model: str
    created: int = field(default_factory=lambda: int(time.time()))
    usage: dict[str, Any] = field(default_factory=dict)  # raw Anthropic counters, merged as they come
    tools: dict[int, int] = field(default_factory=dict)  # Anthropic block index → OpenAI tool index
    finish: str = "stop"
    started: bool = False
    done: bool = False

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> StreamChunk:
        return StreamChunk(openai_chunk(self.ident, self.created, self.model, delta, finish))


def _on_event(st: _StreamState, ev: dict[str, Any]) -> list[StreamChunk]:
    """One decoded Anthropic stream event → the OpenAI chunks it stands for (often none)."""
    kind = ev.get("type")
    if kind == "message_start":
        msg = ev.get("message") or {}
        st.ident = str(msg.get("id") or st.ident)
        st.usage.update(msg.get("usage") or {})
        st.started = True
        return [st.chunk({"role": "assistant", "content": ""})]
    if not st.started and kind not in ("ping", "error"):
        raise ProviderError("bad_response", f"anthropic: stream began with {kind!r}, not message_start")
    if kind == "content_block_start":
        block = ev.get("content_block") or {}
        if block.get("type") == "tool_use":
            n = st.tools[int(ev.get("index") or 0)] = len(st.tools)
            call = {
                "index": n,
                "id": block.get("id"),
                "type": "function",
                "function": {"name": block.get("name"), "arguments": ""},
            }
            return [st.chunk({"tool_calls": [call]})]
        if block.get("type") == "text" and block.get("text"):
            return [st.chunk({"content": block["text"]})]
        if block.get("type") == "redacted_thinking":
            return [st.chunk({"thinking_blocks": [dict(block)]})]
        return []
    if kind == "content_block_delta":
        delta = ev.get("delta") or {}
        if delta.get("type") == "text_delta":
            return [st.chunk({"content": delta.get("text") or ""})]
        if delta.get("type") == "input_json_delta":
            tool = st.tools.get(int(ev.get("index") or 0))
            if tool is None:
                raise ProviderError("bad_response", "anthropic: input_json_delta for an unknown block")
            frag = {"index": tool, "function": {"arguments": delta.get("partial_json") or ""}}
            return [st.chunk({"tool_calls": [frag]})]
        if delta.get("type") == "thinking_delta":
            t = str(delta.get("thinking") or "")
            return [st.chunk({"reasoning_content": t, "thinking_blocks": [{"type": "thinking", "thinking": t}]})]
        if delta.get("type") == "signature_delta":
            sig = str(delta.get("signature") or "")
            return [st.chunk({"thinking_blocks": [{"type": "thinking", "thinking": "", "signature": sig}]})]
        return []  # citations: not part of the OpenAI shape
    if kind == "message_delta":
        reason = (ev.get("delta") or {}).get("stop_reason")
        if reason:
            st.finish = FINISH_REASONS.get(reason, "stop")
        # message_delta counters are cumulative and override message_start's (output_tokens).
        st.usage.update({k: v for k, v in (ev.get("usage") or {}).items() if v is not None})
        return []
    if kind == "message_stop":
        st.done = True
        usage = usage_from_anthropic(st.usage)
        return [st.chunk({}, st.finish), usage_chunk(st.ident, st.created, st.model, usage)]
    if kind == "error":
        err = ev.get("error") or {}
        ek: ErrorKind = meaning({"error": err}) or "server"  # overloaded_error mid-stream, or billing_error, …
        raise ProviderError(ek, f"anthropic: stream error {err.get('type')}: {err.get('message')}")
    return []  # ping, content_block_stop and future event types


MESSAGES = "anthropic.messages"  # the face format this vendor speaks natively
# Stream events that carry some of the answer: the stream commits to its model at the first one
# (a message_start or an empty text block before it is held back, so a failure still falls back).
_OPENING_BLOCKS = frozenset({"text", "thinking"})


def native_body(call: ChatCall, stream: bool) -> dict[str, Any]:
    """The client's Messages request for this model: its upstream name, ``stream`` as asked, and
    the two refusals the translation also avoids (``build_request``): sampling changes with
    extended thinking on, and ``temperature`` with ``top_p`` on Claude 4.5 (temperature wins)."""
    assert call.native is not None
    body = dict(call.native.body)
    body["model"] = call.model.upstream
    if stream:
        body["stream"] = True
    else:
        body.pop("stream", None)
    thinking = body.get("thinking")
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        body.pop("temperature", None)
        body.pop("top_p", None)
    elif body.get("temperature") is not None:
        body.pop("top_p", None)
    return body


def _bears(ev: dict[str, Any]) -> bool:
    kind = ev.get("type")
    if kind == "content_block_start":
        return (ev.get("content_block") or {}).get("type") not in _OPENING_BLOCKS
    return kind in ("content_block_delta", "message_delta", "message_stop")


class AnthropicProvider(HTTPAdapter):
    def _url(self) -> str:
        base = (self.cfg.base_url or "https://api.anthropic.com").rstrip("/")
        return f"{base}/messages" if base.endswith("/v1") else f"{base}/v1/messages"

    def _headers(self) -> dict[str, str]:
        return {
            "content-type": "application/json",
            "anthropic-version": self.cfg.api_version or DEFAULT_VERSION,
            **self.cfg.headers,
            "x-api-key": self.secret(),
        }

    def _ready(self) -> None:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")

    async def complete(self, call: ChatCall) -> ChatResult:
        self._ready()
        data = await self.post_json(self._url(), build_request(call, False), self._headers())
        return translate_response(data, client_model(call))

    async def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        self._ready()
        st = _StreamState(ident=f"chatcmpl-{call.request_id}", model=client_model(call))
        dec = SSEDecoder()
        async for raw in self.post_stream(self._url(), build_request(call, True), self._headers()):
            made, failed = in_one_read(chain.from_iterable(
                _on_event(st, json_object(self.name, sse.data)) for sse in dec.feed(raw)))
            for chunk in made:
                yield chunk
            if failed is not None:
                raise failed
        if not st.done:
            raise ProviderError("bad_response", f"{self.name}: stream ended before message_stop")

    # ---- the Messages face, natively -------------------------------------------------------
    def speaks(self, fmt: str) -> bool:
        return fmt == MESSAGES

    def _native_headers(self, call: ChatCall) -> dict[str, str]:
        """The client's ``anthropic-beta`` and ``anthropic-version`` where it sent them: the native
        body is the client's, written for that version and those betas (a translated request is
        tenbin's own, for the configured ``api_version``)."""
        headers = self._headers()
        sent = call.native.headers if call.native is not None else {}
        for name in ("anthropic-beta", "anthropic-version"):
            if sent.get(name):
                headers[name] = sent[name]
        return headers

    async def native(self, call: ChatCall) -> NativeResult:
        self._ready()
        data = await self.post_json(self._url(), native_body(call, False), self._native_headers(call))
        if not isinstance(data, dict) or not isinstance(data.get("content"), list):
            raise ProviderError("bad_response", f"{self.name}: answer has no 'content' list")
        return NativeResult(data, usage_from_anthropic(data.get("usage")))

    async def native_stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        """The vendor's events as they come (``event`` and data), the usage on ``message_stop``
        (``message_start``'s counters updated by ``message_delta``'s); an ``error`` event is a
        ``ProviderError`` like a failed status."""
        self._ready()
        dec = SSEDecoder()
        usage: dict[str, Any] = {}
        started = done = False
        async for raw in self.post_stream(self._url(), native_body(call, True), self._native_headers(call)):
            events = dec.feed(raw)
            last = len(events) - 1
            for i, sse in enumerate(events):
                ev = json_object(self.name, sse.data)
                kind = ev.get("type")
                if kind == "error":
                    err = ev.get("error") or {}
                    ek: ErrorKind = meaning({"error": err}) or "server"
                    raise ProviderError(ek, f"anthropic: stream error {err.get('type')}: {err.get('message')}")
                if kind == "message_start":
                    started = True
                    usage.update((ev.get("message") or {}).get("usage") or {})
                elif not started and kind != "ping":
                    raise ProviderError("bad_response", f"anthropic: stream began with {kind!r}, not message_start")
                elif kind == "message_delta":
                    usage.update({k: v for k, v in (ev.get("usage") or {}).items() if v is not None})
                done = done or kind == "message_stop"
                yield StreamChunk(ev, usage_from_anthropic(usage) if kind == "message_stop" else None,
                                  event=str(kind), content=_bears(ev), more=i < last)
        if not done:
            raise ProviderError("bad_response", f"{self.name}: stream ended before message_stop")
