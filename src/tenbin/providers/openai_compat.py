"""OpenAI-compatible HTTP adapter: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server and
domestic vendors that expose the same API.

The body is passed through unchanged except for ``model`` (the upstream's name), so fields this
gateway does not know about still reach vendors that accept them.

Where the server speaks OpenAI's Responses API (``responses_api``; by default api.openai.com
only), a ``/v1/responses`` request is sent there as the client wrote it (``native``,
``native_stream``) and its ``response`` and typed events come back as they came, built-in tools
and their output items included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

from tenbin.context import Usage
from tenbin.providers.base import ChatCall, ChatResult, EmbedResult, ErrorKind, NativeResult, ProviderError, StreamChunk
from tenbin.providers.http import HTTPAdapter, meaning
from tenbin.providers.openai_shapes import without_anthropic_extensions
from tenbin.providers.sse import SSEDecoder, json_object


def usage_from_openai(u: Any) -> Usage | None:
    if not isinstance(u, dict):
        return None
    details = u.get("prompt_tokens_details") or {}
    return Usage(
        prompt_tokens=int(u.get("prompt_tokens") or 0),
        completion_tokens=int(u.get("completion_tokens") or 0),
        cached_tokens=int((details or {}).get("cached_tokens") or 0),
        reported=True,
    )


def usage_from_responses(u: Any) -> Usage:
    """A Responses ``usage`` (``input_tokens`` with its cached share, ``output_tokens``)."""
    if not isinstance(u, dict):
        return Usage()
    return Usage(prompt_tokens=int(u.get("input_tokens") or 0), completion_tokens=int(u.get("output_tokens") or 0),
                 cached_tokens=int((u.get("input_tokens_details") or {}).get("cached_tokens") or 0), reported=True)


RESPONSES = "openai.responses"  # the face format OpenAI's own API speaks natively
# Stream events that carry some of the answer (the stream commits to its model at the first).
_BEARING = frozenset({
    "response.output_text.delta", "response.refusal.delta", "response.function_call_arguments.delta",
    "response.output_item.done", "response.completed", "response.incomplete",
})
_ENDS = frozenset({"response.completed", "response.incomplete"})

AZURE_API_VERSION = "2024-10-21"  # the GA version used when the config names none


def azure_url(base_url: str, deployment: str, api_version: str, op: str = "chat/completions") -> str:
    """Azure OpenAI's URL for ``op``, ``{resource}/openai/deployments/{deployment}/chat/completions``
    (or ``…/embeddings``).

    The deployment is the model's ``upstream`` (one provider serves every deployment of the
    resource), so ``base_url`` is the resource (``https://x.openai.azure.com``), or that with
    ``/openai`` or ``/openai/deployments``. A base_url that already names a deployment
    (``…/openai/deployments/gpt4o``) is used as is, for configs written one provider per deployment.
    """
    base = base_url.rstrip("/")
    head, sep, tail = base.partition("/openai/deployments")
    if sep and tail.strip("/"):
        return f"{base}/{op}?api-version={api_version}"
    if sep:
        base = head
    elif base.endswith("/openai"):
        base = base.removesuffix("/openai")
    return f"{base}/openai/deployments/{quote(deployment, safe='')}/{op}?api-version={api_version}"


def vectors_from_openai(name: str, data: Any, n: int) -> list[list[float]]:
    """``data[*].embedding`` in input order (``index``), checked: one float vector per input."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) != n:
        raise ProviderError("bad_response", f"{name}: embeddings answer has no 'data' for each of the {n} inputs")
    out: list[list[float] | None] = [None] * n
    for pos, item in enumerate(items):
        idx = item.get("index", pos) if isinstance(item, dict) else None
        vec = item.get("embedding") if isinstance(item, dict) else None
        if not isinstance(idx, int) or not 0 <= idx < n or out[idx] is not None or not isinstance(vec, list) \
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in vec):
            raise ProviderError("bad_response", f"{name}: embeddings answer item {pos} is not a float vector")
        out[idx] = [float(x) for x in vec]
    return [v for v in out if v is not None]


def input_count(inp: Any) -> int:
    """How many vectors an OpenAI ``input`` asks for: one for a string or a single token array."""
    if isinstance(inp, list) and inp and not all(isinstance(x, int) for x in inp):
        return len(inp)
    return 1


class OpenAICompatProvider(HTTPAdapter):
    _base: str | None = None
    _fixed_headers: dict[str, str] | None = None

    def _url(self, call: ChatCall, op: str = "chat/completions") -> str:
        base = self._base
        if base is None:
            base = self._base = (self.cfg.base_url or "").rstrip("/")
        if self.cfg.azure_deployment:
            return azure_url(base, call.model.upstream, self.cfg.api_version or AZURE_API_VERSION, op)
        return f"{base}/{op}"

    def _headers(self) -> dict[str, str]:
        """The same for every call of this provider, so built once (aiohttp copies it into the
        request's own headers; a trace header is merged into a copy, http._post)."""
        h = self._fixed_headers
        if h is None:
            h = {"content-type": "application/json", **self.cfg.headers}
            if self.cfg.api_key is not None:
                key = self.cfg.api_key.get_secret_value()
                if self.cfg.azure_deployment:
                    h["api-key"] = key
                else:
                    h["authorization"] = f"Bearer {key}"
            self._fixed_headers = h
        return h

    def _body(self, call: ChatCall, stream: bool) -> dict[str, Any]:
        body = dict(without_anthropic_extensions(call.body))
        body["model"] = call.model.upstream
        body["stream"] = stream
        if stream and self._takes_stream_options():
            # Always ask for usage so the ledger gets vendor-counted tokens; the API layer hides
            # the usage chunk from clients that did not ask for it.
            opts = dict(body.get("stream_options") or {})
            opts["include_usage"] = True
            body["stream_options"] = opts
        else:
            body.pop("stream_options", None)
        return body

    def _takes_stream_options(self) -> bool:
        """Azure OpenAI accepts ``stream_options`` from api-version 2024-09-01(-preview) on and
        refuses it as an unknown argument before; there a stream is billed on tenbin's estimate."""
        if not self.cfg.azure_deployment:
            return True
        return (self.cfg.api_version or AZURE_API_VERSION)[:10] >= "2024-09-01"

    async def complete(self, call: ChatCall) -> ChatResult:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        data = await self.post_json(self._url(call), self._body(call, False), self._headers())
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise ProviderError("bad_response", f"{self.name}: answer has no 'choices'")
        usage = usage_from_openai(data.get("usage")) or Usage()
        return ChatResult(response=data, usage=usage)

    async def embed(self, call: ChatCall) -> EmbedResult:
        """``POST {base}/embeddings``, always asking for floats (the face encodes base64 itself)."""
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        body = {**call.body, "model": call.model.upstream, "encoding_format": "float"}
        data = await self.post_json(self._url(call, "embeddings"), body, self._headers())
        vectors = vectors_from_openai(self.name, data, input_count(call.body.get("input")))
        u = data.get("usage") if isinstance(data.get("usage"), dict) else {}
        return EmbedResult(vectors, Usage(prompt_tokens=int(u.get("prompt_tokens") or 0), reported=bool(u)))

    async def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        dec = SSEDecoder()
        done = False
        async for raw in self.post_stream(self._url(call), self._body(call, True), self._headers()):
            events = dec.feed(raw)
            if events and events[-1].data == "[DONE]":
                done = True
                events.pop()
            last = len(events) - 1
            for i, ev in enumerate(events):
                if ev.data == "[DONE]":  # not the last event: whatever follows it is still read
                    done = True
                    continue
                if ev.event == "error":
                    raise ProviderError("server", f"{self.name}: stream error: {ev.data[:200]}")
                chunk = json_object(self.name, ev.data)
                if "error" in chunk and "choices" not in chunk:
                    raise ProviderError("server", f"{self.name}: stream error: {chunk['error']}")
                u = chunk.get("usage")
                # After [DONE] nothing of the answer comes: the read's last events are not flushed
                # alone but go out with the stream's end ([DONE] and the chunked terminator) in
                # one write — a syscall fewer per stream, and nothing the client could use earlier
                # (its SDK ends the stream at [DONE], which waits for the end of the vendor's body).
                yield StreamChunk(chunk, None if u is None else usage_from_openai(u), more=i < last or done)
        if not done:
            raise ProviderError("bad_response", f"{self.name}: stream ended before [DONE]")

    # ---- the Responses face, natively ------------------------------------------------------
    def speaks(self, fmt: str) -> bool:
        """Only servers that speak OpenAI's Responses API: ``responses_api`` in the provider's
        config, by default true for api.openai.com and false elsewhere (vLLM, Ollama, domestic
        vendors, Azure's deployment URLs), where the request is translated to chat completions."""
        if fmt != RESPONSES or self.cfg.azure_deployment:
            return False
        if self.cfg.responses_api is not None:
            return self.cfg.responses_api
        return urlsplit(self.cfg.base_url or "").hostname == "api.openai.com"

    def _native_body(self, call: ChatCall, stream: bool) -> dict[str, Any]:
        assert call.native is not None
        # The gateway keeps stored responses itself (previous_response_id is resolved before the
        # pipeline, under the raw-retention policy): the vendor is asked not to keep another copy.
        body = {**call.native.body, "model": call.model.upstream, "store": False}
        if stream:
            body["stream"] = True
        else:
            body.pop("stream", None)
        return body

    async def native(self, call: ChatCall) -> NativeResult:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        data = await self.post_json(self._url(call, "responses"), self._native_body(call, False), self._headers())
        if not isinstance(data, dict) or not isinstance(data.get("output"), list):
            raise ProviderError("bad_response", f"{self.name}: answer has no 'output' list")
        return NativeResult(data, usage_from_responses(data.get("usage")))

    async def native_stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]:
        """The vendor's typed events as they come, the usage on ``response.completed`` (or
        ``incomplete``); ``error`` and ``response.failed`` are a ``ProviderError``."""
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        dec = SSEDecoder()
        done = False
        async for raw in self.post_stream(self._url(call, "responses"), self._native_body(call, True),
                                          self._headers()):
            events = dec.feed(raw)
            last = len(events) - 1
            for i, sse in enumerate(events):
                ev = json_object(self.name, sse.data)
                kind = str(ev.get("type"))
                if kind == "error":
                    ek: ErrorKind = meaning({"error": ev}) or "server"
                    raise ProviderError(ek, f"{self.name}: stream error {ev.get('code')}: {ev.get('message')}")
                if kind == "response.failed":
                    err = (ev.get("response") or {}).get("error") or {}
                    raise ProviderError(meaning({"error": err}) or "server", f"{self.name}: response failed: {err}")
                usage = None
                if kind in _ENDS:
                    done = True
                    usage = usage_from_responses((ev.get("response") or {}).get("usage"))
                yield StreamChunk(ev, usage, event=kind, content=kind in _BEARING, more=i < last)
        if not done:
            raise ProviderError("bad_response", f"{self.name}: stream ended before response.completed")
