"""The Anthropic Messages face (``POST /v1/messages``, ``/v1/messages/count_tokens``).

Applications built on Anthropic's SDK — Claude Code above all, via ``ANTHROPIC_BASE_URL`` — send
Messages requests; the policy may still route a PERSONAL prompt to a domestic model or a budget may
downgrade it, so the request is translated into the pipeline's chat body and the answer back into
Anthropic's ``message`` and event stream. What only Anthropic understands travels in the chat body
as extensions — ``thinking``, signed ``thinking_blocks`` of the history, ``cache_control`` marks —
which the Anthropic adapter sends on and every other adapter leaves out, so extended thinking and
prompt caching work when Anthropic serves, and nothing breaks when another vendor does. ``top_k``
is dropped; a stop caused by one of the ``stop_sequences`` is reported as ``end_turn`` because
chat completions does not say which sequence matched. Cache reads come back as
``cache_read_input_tokens``.

When the model the policy picks is Anthropic's, none of this translation is sent: the request
goes as written (``messages_native.py``), so everything above survives exactly, and so do what
the translation leaves out — server tools (``web_search``, ``code_execution``, …) and
Anthropic-defined tools, their ``server_tool_use``/``*_tool_result`` blocks, citations. For
another vendor those tools are left out and those history blocks become text (their JSON, so the
scan reads them and the model sees them); docs/faces.md lists what a translation loses.
"""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import BadRequest
from tenbin.faces import Face, messages_native
from tenbin.faces.messages_answer import MessagesWriter, error_body, render
from tenbin.routing.features import estimate_tokens

_HISTORY_ONLY = frozenset({"thinking", "redacted_thinking"})
# Fields of a server-tool block the translation's text leaves out: opaque to any other model.
_OPAQUE_FIELDS = frozenset({"encrypted_content", "encrypted_index", "signature"})


def _server_block(kind: str) -> bool:
    """A block of a tool Anthropic runs (``server_tool_use``, ``web_search_tool_result``, …)."""
    return kind in ("server_tool_use", "mcp_tool_use", "container_upload") or kind.endswith("_tool_result")


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _OPAQUE_FIELDS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _as_text(block: dict[str, Any]) -> str:
    """A block only Anthropic understands, as text another model can read (and the scan reads)."""
    return f"[{block['type']}] " + orjson.dumps(_strip({k: v for k, v in block.items() if k != "type"})).decode()


def _bad(message: str, param: str) -> BadRequest:
    return BadRequest(f"{param}: {message}", param=param)


def _text(block: dict[str, Any], param: str) -> str:
    text = block.get("text")
    if not isinstance(text, str):
        raise _bad("text blocks need a string 'text'", param)
    return text


def _image_url(block: dict[str, Any], param: str) -> str:
    src = block.get("source")
    if isinstance(src, dict) and src.get("type") == "base64":
        media, data = src.get("media_type"), src.get("data")
        if isinstance(media, str) and isinstance(data, str):
            return f"data:{media};base64,{data}"
    if isinstance(src, dict) and src.get("type") == "url" and isinstance(src.get("url"), str):
        return str(src["url"])
    raise _bad("image source must be {type: base64, media_type, data} or {type: url, url}", param)


def _result_text(block: dict[str, Any], param: str) -> str:
    content = block.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for k, b in enumerate(content):
            if not isinstance(b, dict) or b.get("type") != "text":
                raise _bad("tool_result content may hold text blocks only here", f"{param}.content.{k}")
            parts.append(_text(b, f"{param}.content.{k}"))
        return "\n".join(parts)
    raise _bad("tool_result content must be a string or a list of blocks", f"{param}.content")


def _blocks(content: Any, param: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise _bad("content must be a string or a list of content blocks", param)
    for k, b in enumerate(content):
        if not isinstance(b, dict) or not isinstance(b.get("type"), str):
            raise _bad("each content block must be an object with a 'type'", f"{param}.{k}")
    return content


def _cached(part: dict[str, Any], block: dict[str, Any]) -> dict[str, Any]:
    """Keep a block's prompt-caching breakpoint on its chat part: the Anthropic adapter sends it on,
    the other adapters leave it out (``openai_shapes.without_anthropic_extensions``)."""
    if isinstance(block.get("cache_control"), dict):
        part["cache_control"] = block["cache_control"]
    return part


def _thinking_block(b: dict[str, Any], where: str) -> dict[str, Any]:
    if b["type"] == "thinking" and isinstance(b.get("thinking"), str) and isinstance(b.get("signature"), str):
        return {"type": "thinking", "thinking": b["thinking"], "signature": b["signature"]}
    if b["type"] == "redacted_thinking" and isinstance(b.get("data"), str):
        return {"type": "redacted_thinking", "data": b["data"]}
    raise _bad("thinking blocks need 'thinking' and 'signature' (redacted_thinking: 'data')", where)


def _user(content: Any, param: str) -> list[dict[str, Any]]:
    """One user turn → tool messages (they must directly follow the assistant's calls) then the rest."""
    tools: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for k, b in enumerate(_blocks(content, param)):
        kind, where = b["type"], f"{param}.{k}"
        if kind == "text":
            parts.append(_cached({"type": "text", "text": _text(b, where)}, b))
        elif kind == "image":
            parts.append({"type": "image_url", "image_url": {"url": _image_url(b, where)}})
        elif kind == "tool_result":
            ident = b.get("tool_use_id")
            if not isinstance(ident, str) or not ident:
                raise _bad("tool_result needs a 'tool_use_id'", where)
            tools.append({"role": "tool", "tool_call_id": ident, "content": _result_text(b, where)})
        elif kind == "document" and isinstance(b.get("source"), dict) and b["source"].get("type") == "text":
            parts.append({"type": "text", "text": str(b["source"].get("data") or "")})
        elif kind == "document" and isinstance(b.get("source"), dict) and b["source"].get("type") == "base64":
            # a PDF: a chat file part, which the scan reads and privacy.binary governs like an image
            src = b["source"]
            data = f"data:{src.get('media_type')};base64,{src.get('data')}"
            parts.append({"type": "file", "file": {"filename": str(b.get("title") or "document"), "file_data": data}})
        elif kind in ("document", "search_result", "container_upload"):
            parts.append({"type": "text", "text": _as_text(b)})  # a URL or file-id document, a RAG result
        else:
            raise _bad(f"content block type {kind!r} is not supported by this gateway", where)
    out = list(tools)
    if parts:
        out.append({"role": "user", "content": parts})
    return out


def _assistant(content: Any, param: str) -> dict[str, Any]:
    text: list[str] = []
    calls: list[dict[str, Any]] = []
    thinking: list[dict[str, Any]] = []
    for k, b in enumerate(_blocks(content, param)):
        kind, where = b["type"], f"{param}.{k}"
        if kind == "text":
            text.append(_text(b, where))
        elif kind == "tool_use":
            ident, name = b.get("id"), b.get("name")
            if not isinstance(ident, str) or not isinstance(name, str):
                raise _bad("tool_use needs string 'id' and 'name'", where)
            args = b.get("input") if b.get("input") is not None else {}
            calls.append({"id": ident, "type": "function",
                          "function": {"name": name, "arguments": orjson.dumps(args).decode()}})
        elif kind in _HISTORY_ONLY:
            thinking.append(_thinking_block(b, where))
        elif _server_block(kind):
            text.append(("\n" if text else "") + _as_text(b) + "\n")
        else:
            raise _bad(f"content block type {kind!r} is not supported in assistant turns", where)
    msg: dict[str, Any] = {"role": "assistant", "content": "".join(text) if text or not calls else None}
    if calls:
        msg["tool_calls"] = calls
    if thinking:
        # Signed by Anthropic and required back in the history when thinking is on; only the
        # Anthropic adapter sends them, the others leave them out.
        msg["thinking_blocks"] = thinking
    return msg


def _system(system: Any) -> str | list[dict[str, Any]] | None:
    """A string, or text parts when a block carries a cache breakpoint (the system prompt is what
    Claude Code and most callers cache)."""
    if system is None:
        return None
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        blocks = [b if isinstance(b, dict) else {} for b in system]
        texts = [_text(b, f"system.{k}") for k, b in enumerate(blocks)]
        if any(isinstance(b.get("cache_control"), dict) for b in blocks):
            return [_cached({"type": "text", "text": t}, b) for t, b in zip(texts, blocks, strict=True)]
        return "\n\n".join(texts)
    raise _bad("system must be a string or a list of text blocks", "system")


def _tools(tools: Any) -> list[dict[str, Any]]:
    if not isinstance(tools, list):
        raise _bad("tools must be a list", "tools")
    out = []
    for k, t in enumerate(tools):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            raise _bad("each tool needs a 'name'", f"tools.{k}")
        if t.get("type") not in (None, "custom"):
            continue  # a server or Anthropic-defined tool: sent natively to Anthropic, left out here
        fn: dict[str, Any] = {"name": t["name"], "parameters": t.get("input_schema") or {"type": "object"}}
        if isinstance(t.get("description"), str):
            fn["description"] = t["description"]
        out.append(_cached({"type": "function", "function": fn}, t))
    return out


def _tool_choice(choice: Any) -> tuple[Any, bool | None]:
    if not isinstance(choice, dict):
        raise _bad("tool_choice must be an object", "tool_choice")
    kind = choice.get("type")
    parallel = False if choice.get("disable_parallel_tool_use") else None
    if kind == "auto":
        return "auto", parallel
    if kind == "any":
        return "required", parallel
    if kind == "none":
        return "none", None
    if kind == "tool" and isinstance(choice.get("name"), str):
        return {"type": "function", "function": {"name": choice["name"]}}, parallel
    raise _bad("tool_choice.type must be auto, any, tool (with a name) or none", "tool_choice.type")


def _int_field(body: dict[str, Any], name: str, required: bool) -> int | None:
    v = body.get(name)
    if v is None and not required:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise _bad("must be an integer >= 1" if v is not None else "Field required", name)
    return v


def to_chat(body: dict[str, Any], *, count_only: bool = False) -> dict[str, Any]:
    """A Messages request → the pipeline's chat-completions body."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise _bad("Field required", "model")
    max_tokens = _int_field(body, "max_tokens", required=not count_only)
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _bad("at least one message is required", "messages")
    out: list[dict[str, Any]] = []
    system = _system(body.get("system"))
    if system:
        out.append({"role": "system", "content": system})
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise _bad("each message must be an object", f"messages.{i}")
        role = m.get("role")
        if role == "user":
            out.extend(_user(m.get("content"), f"messages.{i}.content"))
        elif role == "assistant":
            out.append(_assistant(m.get("content"), f"messages.{i}.content"))
        else:
            raise _bad("role must be 'user' or 'assistant'", f"messages.{i}.role")
    chat: dict[str, Any] = {"model": model, "messages": out}
    if max_tokens is not None:
        chat["max_tokens"] = max_tokens
    for name in ("temperature", "top_p"):
        v = body.get(name)
        if v is not None:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise _bad("must be a number between 0 and 1", name)
            chat[name] = v
    stops = body.get("stop_sequences")
    if stops is not None:
        if not isinstance(stops, list) or not all(isinstance(s, str) for s in stops):
            raise _bad("must be a list of strings", "stop_sequences")
        if stops:
            chat["stop"] = stops
    if body.get("tools"):
        chat["tools"] = _tools(body["tools"])
    if body.get("tool_choice") is not None:
        choice, parallel = _tool_choice(body["tool_choice"])
        names = {t["function"]["name"] for t in chat.get("tools") or ()}
        if isinstance(choice, dict) and choice["function"]["name"] not in names:
            choice = "auto"  # the tool named is one the translation left out
        if chat.get("tools"):
            chat["tool_choice"] = choice
            if parallel is not None:
                chat["parallel_tool_calls"] = parallel
    meta = body.get("metadata")
    if meta is not None:
        if not isinstance(meta, dict):
            raise _bad("must be an object", "metadata")
        if isinstance(meta.get("user_id"), str):
            chat["user"] = meta["user_id"]
    thinking = body.get("thinking")
    if thinking is not None:
        if not isinstance(thinking, dict) or thinking.get("type") not in ("enabled", "disabled", "adaptive"):
            raise _bad("thinking must be {type: enabled, budget_tokens} or {type: disabled}", "thinking")
        chat["thinking"] = thinking  # an Anthropic-only extension: other adapters leave it out
    stream = body.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise _bad("must be a boolean", "stream")
    if stream:
        chat["stream"] = True
        chat["stream_options"] = {"include_usage": True}  # message_delta carries the usage
    return chat


def count_tokens(body: dict[str, Any]) -> int:
    """An estimate, not a vendor's count: the same estimator budgets size requests with, over the
    translated prompt and tools (the vendor's own tokenizer is not available offline)."""
    chat = to_chat(body, count_only=True)
    return estimate_tokens(orjson.dumps([chat["messages"], chat.get("tools")]).decode())


MESSAGES = Face(
    "messages", to_chat, lambda completion, request_id, body: render(completion, request_id),
    lambda request_id, model, body, created: MessagesWriter(request_id, model), error_body,
    messages_native.CODEC, lambda *_: messages_native.Writer())
