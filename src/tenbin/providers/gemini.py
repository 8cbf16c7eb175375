"""Google Generative Language API adapter (Gemini): ``generateContent`` and ``streamGenerateContent``.

Clients speak OpenAI chat.completions; Gemini wants ``contents`` with ``user``/``model`` roles,
``systemInstruction``, a ``generationConfig`` and ``functionDeclarations``. Answers and the SSE
stream (``alt=sse``: every event is a whole GenerateContentResponse holding the new parts) are
translated back into OpenAI's shapes so clients cannot tell which vendor answered.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from urllib.parse import quote

import orjson

from tenbin.context import Usage
from tenbin.providers.base import ChatCall, ChatResult, EmbedResult, ProviderError, StreamChunk, in_one_read
from tenbin.providers.http import HTTPAdapter
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

# Gemini finishReason → OpenAI finish_reason; anything unknown is a filter of some kind.
FINISH_REASONS: dict[str, str] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
    "LANGUAGE": "content_filter",
    "OTHER": "stop",
}
# The model tried to call a function and failed (invalid call, or a call nobody declared): not an
# answer — mapped to "stop" an agent would end silently — but a bad response, so the request is
# retried or falls back like any other broken answer.
FAILED_CALLS = frozenset({"MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL"})

# OpenAI reasoning_effort → Gemini 2.5 thinkingBudget (tokens) and Gemini 3 thinkingLevel.
THINKING_BUDGETS = {"minimal": 0, "low": 1024, "medium": 8192, "high": 24576}
THINKING_LEVELS = {"minimal": "low", "low": "low", "medium": "high", "high": "high"}


# ---- request translation --------------------------------------------------------------------


def _parts(content: Any) -> list[dict[str, Any]]:
    """OpenAI content parts → Gemini parts (images only as inline base64 data URLs)."""
    out: list[dict[str, Any]] = []
    for part in content_parts(content):
        kind = part.get("type")
        if kind == "text":
            if part.get("text"):
                out.append({"text": part["text"]})
        elif kind == "image_url":
            img = part.get("image_url")
            url = img.get("url") if isinstance(img, dict) else img
            data = parse_data_url(url) if isinstance(url, str) else None
            if data is None:
                raise ProviderError("bad_request", "Gemini accepts images only as base64 data: URLs")
            out.append({"inlineData": {"mimeType": data[0], "data": data[1]}})
        else:
            raise ProviderError("bad_request", f"content part type {kind!r} is not supported by Gemini")
    return out


def _tool_response(content: Any) -> dict[str, Any]:
    """Gemini wants a JSON object back from a function; wrap anything that is not one."""
    text = text_of(content)
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        value = text
    return value if isinstance(value, dict) else {"result": value}


def thought_signature(tool_call: Mapping[str, Any]) -> str | None:
    """The signature Gemini put on a function call, as its OpenAI-compatible API hands it to clients
    (``extra_content.google.thought_signature``): Gemini 3 refuses the next turn without it."""
    extra = tool_call.get("extra_content")
    google = extra.get("google") if isinstance(extra, dict) else None
    sig = google.get("thought_signature") if isinstance(google, dict) else None
    return sig if isinstance(sig, str) and sig else None


def _contents(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Translate turns, merging consecutive same-role ones; tool results become user turns."""
    names: dict[str, str] = {}  # tool_call_id → function name (Gemini answers by name)
    out: list[dict[str, Any]] = []
    for m in messages:
        role = m.get("role")
        if role == "user":
            grole, parts = "user", _parts(m.get("content"))
        elif role == "assistant":
            grole, parts = "model", _parts(m.get("content"))
            for tc in m.get("tool_calls") or []:
                fn = tc.get("function") or {}
                names[str(tc.get("id"))] = str(fn.get("name"))
                fcall = {"name": fn.get("name"), "args": json_args(fn.get("arguments"))}
                part: dict[str, Any] = {"functionCall": fcall}
                sig = thought_signature(tc)
                if sig:
                    part["thoughtSignature"] = sig
                parts.append(part)
        elif role == "tool":
            name = m.get("name") or names.get(str(m.get("tool_call_id")))
            if not name:
                raise ProviderError("bad_request", "tool message answers no known tool call")
            fr = {"name": name, "response": _tool_response(m.get("content"))}
            grole, parts = "user", [{"functionResponse": fr}]
        else:
            raise ProviderError("bad_request", f"message role {role!r} is not supported")
        if not parts:
            continue
        if out and out[-1]["role"] == grole:
            out[-1]["parts"].extend(parts)
        else:
            out.append({"role": grole, "parts": parts})
    if not out:
        raise ProviderError("bad_request", "no user or assistant content to send")
    return out


def _no_penalties(upstream: str) -> bool:
    """Gemini 2.5 and later refuse presence/frequency penalties ("Penalty is not enabled")."""
    name = upstream.rsplit("/", 1)[-1]
    return name.startswith(("gemini-2.5", "gemini-3"))


def _thinking(upstream: str, effort: Any) -> dict[str, Any] | None:
    if not isinstance(effort, str) or effort not in THINKING_BUDGETS:
        return None
    name = upstream.rsplit("/", 1)[-1]
    if name.startswith("gemini-3"):
        return {"thinkingLevel": THINKING_LEVELS[effort]}
    return {"thinkingBudget": THINKING_BUDGETS[effort]}


def _generation_config(body: Mapping[str, Any], upstream: str = "") -> dict[str, Any]:
    gc: dict[str, Any] = {}
    simple = {"temperature": "temperature", "top_p": "topP", "seed": "seed"}
    if not _no_penalties(upstream):
        simple.update(presence_penalty="presencePenalty", frequency_penalty="frequencyPenalty")
    for src, dst in simple.items():
        if body.get(src) is not None:
            gc[dst] = body[src]
    thinking = _thinking(upstream, body.get("reasoning_effort"))
    if thinking is not None:
        gc["thinkingConfig"] = thinking
    max_tokens = body.get("max_completion_tokens") or body.get("max_tokens")
    if max_tokens:
        gc["maxOutputTokens"] = int(max_tokens)
    stop = body.get("stop")
    if stop:
        gc["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    if (body.get("n") or 1) != 1:
        gc["candidateCount"] = int(body["n"])
    fmt = body.get("response_format") or {}
    # Gemini refuses a JSON response mime type together with function declarations; with tools the
    # format is left to the prompt (the tools decide the shape of a call anyway).
    if fmt.get("type") in ("json_object", "json_schema") and not body.get("tools"):
        gc["responseMimeType"] = "application/json"
        schema = (fmt.get("json_schema") or {}).get("schema")
        if schema:
            gc["responseJsonSchema"] = schema
    return gc


def _tools(body: Mapping[str, Any]) -> dict[str, Any]:
    """``tools`` and ``toolConfig``; JSON Schema goes in ``parametersJsonSchema`` (full JSON Schema,
    unlike ``parameters`` which rejects keys such as ``additionalProperties``)."""
    decls = []
    for t in body.get("tools") or []:
        fn = t.get("function") if isinstance(t, dict) else None
        if not isinstance(fn, dict) or t.get("type") != "function":
            raise ProviderError("bad_request", "only function tools are supported")
        decl: dict[str, Any] = {"name": fn.get("name"), "description": fn.get("description") or ""}
        if fn.get("parameters"):
            decl["parametersJsonSchema"] = fn["parameters"]
        decls.append(decl)
    if not decls:
        return {}
    out: dict[str, Any] = {"tools": [{"functionDeclarations": decls}]}
    choice = body.get("tool_choice")
    if choice is None:
        return out
    modes = {"auto": "AUTO", "none": "NONE", "required": "ANY"}
    if isinstance(choice, str) and choice in modes:
        cfg: dict[str, Any] = {"mode": modes[choice]}
    elif isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        cfg = {"mode": "ANY", "allowedFunctionNames": [choice["function"].get("name")]}
    else:
        raise ProviderError("bad_request", f"unsupported tool_choice {choice!r}")
    out["toolConfig"] = {"functionCallingConfig": cfg}
    return out


def build_request(call: ChatCall) -> dict[str, Any]:
    """Translate, turning any shape error in the client's body into a 400 instead of a crash."""
    try:
        return _build_request(call)
    except ProviderError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError) as e:
        raise ProviderError("bad_request", f"malformed request body: {type(e).__name__}: {e}") from e


def _build_request(call: ChatCall) -> dict[str, Any]:
    """OpenAI chat.completions body → Gemini GenerateContentRequest."""
    system, rest = split_system(call.body.get("messages"))
    req: dict[str, Any] = {"contents": _contents(rest)}
    if system:
        req["systemInstruction"] = {"parts": [{"text": "\n\n".join(system)}]}
    gc = _generation_config(call.body, call.model.upstream)
    if gc:
        req["generationConfig"] = gc
    req.update(_tools(call.body))
    return req


# ---- response translation -------------------------------------------------------------------


def usage_from_gemini(u: Any) -> Usage:
    """Thinking tokens are billed as output, so they count as completion tokens."""
    u = u if isinstance(u, dict) else {}
    return Usage(
        prompt_tokens=int(u.get("promptTokenCount") or 0) + int(u.get("toolUsePromptTokenCount") or 0),
        completion_tokens=int(u.get("candidatesTokenCount") or 0) + int(u.get("thoughtsTokenCount") or 0),
        cached_tokens=int(u.get("cachedContentTokenCount") or 0),
        reported=True,
    )


def _split_parts(cand: Mapping[str, Any], call_ids: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """A candidate's parts → (visible text, OpenAI tool calls). Thought summaries are dropped.

    ``call_ids`` is the running list of ids handed out so far; Gemini's calls rarely carry one, so
    an id is made up that is unique within the answer.
    """
    text: list[str] = []
    calls: list[dict[str, Any]] = []
    for part in (cand.get("content") or {}).get("parts") or []:
        if not isinstance(part, dict) or part.get("thought"):
            continue
        if "text" in part:
            text.append(str(part["text"]))
        fc = part.get("functionCall")
        if isinstance(fc, dict):
            ident = str(fc.get("id") or f"call_{len(call_ids)}")
            call_ids.append(ident)
            fn = {"name": fc.get("name"), "arguments": dumps(fc.get("args") or {})}
            call: dict[str, Any] = {"id": ident, "type": "function", "function": fn}
            if isinstance(part.get("thoughtSignature"), str):
                call["extra_content"] = {"google": {"thought_signature": part["thoughtSignature"]}}
            calls.append(call)
    return "".join(text), calls


def _finish(reason: Any, has_calls: bool) -> str:
    if reason in FAILED_CALLS:
        raise ProviderError("bad_response", f"gemini: the model's function call failed ({reason})")
    finish = FINISH_REASONS.get(str(reason), "content_filter")
    return "tool_calls" if has_calls and finish == "stop" else finish


def _check_blocked(data: Mapping[str, Any]) -> None:
    """A prompt blocked before generation comes back as 200 with no candidates."""
    if not data.get("candidates"):
        reason = (data.get("promptFeedback") or {}).get("blockReason")
        if reason:
            raise ProviderError("bad_request", f"gemini blocked the prompt: {reason}", body=dict(data))
        raise ProviderError("bad_response", "gemini: answer has no candidates")


def translate_response(data: Any, model: str, ident: str) -> ChatResult:
    """GenerateContentResponse → OpenAI ``chat.completion`` (one choice per candidate)."""
    if not isinstance(data, dict):
        raise ProviderError("bad_response", "gemini: answer is not a JSON object")
    _check_blocked(data)
    choices = []
    ids: list[str] = []
    for pos, cand in enumerate(data["candidates"]):
        text, calls = _split_parts(cand, ids)
        message: dict[str, Any] = {"role": "assistant", "content": text if text or not calls else None}
        if calls:
            message["tool_calls"] = calls
        finish = _finish(cand.get("finishReason"), bool(calls))
        index = int(cand.get("index") or pos)
        choices.append({"index": index, "message": message, "logprobs": None, "finish_reason": finish})
    usage = usage_from_gemini(data.get("usageMetadata"))
    return ChatResult(completion(str(data.get("responseId") or ident), model, choices, usage), usage)


@dataclass(slots=True)
class _StreamState:
    """Per-stream memory: which candidates have started/finished, tool indexes, last usage."""

    ident: str
    model: str
    created: int = field(default_factory=lambda: int(time.time()))
    started: set[int] = field(default_factory=set)
    finished: set[int] = field(default_factory=set)
    tool_count: dict[int, int] = field(default_factory=dict)
    call_ids: list[str] = field(default_factory=list)
    usage: Any = None

    def chunk(self, index: int, delta: dict[str, Any], finish: str | None = None) -> StreamChunk:
        return StreamChunk(openai_chunk(self.ident, self.created, self.model, delta, finish, index))


def _on_response(st: _StreamState, data: Mapping[str, Any]) -> list[StreamChunk]:
    """One streamed GenerateContentResponse → OpenAI chunks."""
    if data.get("usageMetadata"):
        st.usage = data["usageMetadata"]
    out: list[StreamChunk] = []
    if not data.get("candidates") and (data.get("promptFeedback") or {}).get("blockReason"):
        _check_blocked(data)
    for pos, cand in enumerate(data.get("candidates") or []):
        index = int(cand.get("index") or pos)
        if index not in st.started:
            st.started.add(index)
            out.append(st.chunk(index, {"role": "assistant", "content": ""}))
        text, calls = _split_parts(cand, st.call_ids)
        if text:
            out.append(st.chunk(index, {"content": text}))
        for call in calls:
            n = st.tool_count.get(index, 0)
            st.tool_count[index] = n + 1
            out.append(st.chunk(index, {"tool_calls": [{"index": n, **call}]}))
        if cand.get("finishReason"):
            st.finished.add(index)
            out.append(st.chunk(index, {}, _finish(cand["finishReason"], index in st.tool_count)))
    return out


def _embed_texts(inp: Any) -> tuple[list[str], bool]:
    """The texts to embed and whether the client sent a list; Gemini takes text only."""
    items = inp if isinstance(inp, list) else [inp]
    if not items or not all(isinstance(x, str) for x in items):
        raise ProviderError("bad_request", "Gemini embeds text only, not token arrays: send the input as strings",
                            sent=False)
    return items, isinstance(inp, list)


def _vector(name: str, emb: Any) -> list[float]:
    values = emb.get("values") if isinstance(emb, dict) else None
    if not isinstance(values, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                               for x in values):
        raise ProviderError("bad_response", f"{name}: embedding has no float 'values'")
    return [float(x) for x in values]


class GeminiProvider(HTTPAdapter):
    def _url(self, call: ChatCall, method: str) -> str:
        base = (self.cfg.base_url or "https://generativelanguage.googleapis.com").rstrip("/")
        if not base.endswith(("/v1beta", "/v1")):
            base += "/v1beta"
        name = call.model.upstream
        if "/" not in name:
            name = f"models/{name}"
        return f"{base}/{quote(name, safe='/')}:{method}"

    def _headers(self) -> dict[str, str]:
        return {"content-type": "application/json", **self.cfg.headers, "x-goog-api-key": self.secret()}

    def _ready(self) -> None:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")

    def http_error(self, status: int, headers: Mapping[str, str], raw: bytes) -> ProviderError:
        """Gemini answers a bad key with 400 API_KEY_INVALID and puts the retry hint in the body."""
        err = super().http_error(status, headers, raw)
        detail = err.body.get("error") if isinstance(err.body, dict) else None
        details = detail.get("details") if isinstance(detail, dict) else None
        for d in details if isinstance(details, list) else []:
            if not isinstance(d, dict):
                continue
            if d.get("reason") == "API_KEY_INVALID":
                err.kind = "auth"
            delay = d.get("retryDelay")
            if err.retry_after is None and isinstance(delay, str) and delay.endswith("s"):
                with contextlib.suppress(ValueError):
                    err.retry_after = float(delay[:-1])
        return err

    async def complete(self, call: ChatCall) -> ChatResult:
        self._ready()
        url = self._url(call, "generateContent")
        data = await self.post_json(url, build_request(call), self._headers())
        return translate_response(data, client_model(call), f"chatcmpl-{call.request_id}")

    async def embed(self, call: ChatCall) -> EmbedResult:
        """``embedContent`` for one string, ``batchEmbedContents`` for a list; ``dimensions`` is
        ``outputDimensionality``. Gemini reports no token count here, so the usage is unreported
        (the pipeline estimates it for the ledger, marked ``tokens_reported = false``)."""
        self._ready()
        texts, batch = _embed_texts(call.body.get("input"))
        dims = call.body.get("dimensions")
        name = call.model.upstream if "/" in call.model.upstream else f"models/{call.model.upstream}"

        def one(text: str) -> dict[str, Any]:
            req: dict[str, Any] = {"content": {"parts": [{"text": text}]}}
            if isinstance(dims, int):
                req["outputDimensionality"] = dims
            return req

        if not batch:
            data = await self.post_json(self._url(call, "embedContent"), one(texts[0]), self._headers())
            return EmbedResult([_vector(self.name, data.get("embedding") if isinstance(data, dict) else None)],
                               Usage())
        body = {"requests": [{"model": name, **one(t)} for t in texts]}
        data = await self.post_json(self._url(call, "batchEmbedContents"), body, self._headers())
        embs = data.get("embeddings") if isinstance(data, dict) else None
        if not isinstance(embs, list) or len(embs) != len(texts):
            raise ProviderError("bad_response", f"{self.name}: batchEmbedContents answer has no embedding per input")
        return EmbedResult([_vector(self.name, e) for e in embs], Usage())

    async def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        self._ready()
        st = _StreamState(ident=f"chatcmpl-{call.request_id}", model=client_model(call))
        dec = SSEDecoder()
        url = self._url(call, "streamGenerateContent") + "?alt=sse"
        async for raw in self.post_stream(url, build_request(call), self._headers()):
            made, failed = in_one_read(chain.from_iterable(
                _on_response(st, self._streamed(sse.data)) for sse in dec.feed(raw)))
            for chunk in made:
                yield chunk
            if failed is not None:
                raise failed
        if not st.finished or st.finished != st.started:
            raise ProviderError("bad_response", f"{self.name}: stream ended before finishReason")
        yield usage_chunk(st.ident, st.created, st.model, usage_from_gemini(st.usage))

    def _streamed(self, data: str) -> dict[str, Any]:
        """One streamed response; an ``error`` object in place of candidates is a failure."""
        obj = json_object(self.name, data)
        if "error" in obj and "candidates" not in obj:
            raise ProviderError("server", f"{self.name}: stream error: {obj['error']}")
        return obj
