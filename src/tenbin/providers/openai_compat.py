"""OpenAI-compatible HTTP adapter: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server and
domestic vendors that expose the same API.

The body is passed through unchanged except for ``model`` (the upstream's name), so fields this
gateway does not know about still reach vendors that accept them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import orjson

from tenbin.context import Usage
from tenbin.providers.base import ChatCall, ChatResult, EmbedResult, ProviderError, StreamChunk
from tenbin.providers.http import HTTPAdapter
from tenbin.providers.openai_shapes import without_anthropic_extensions
from tenbin.providers.sse import SSEDecoder


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
    def _url(self, call: ChatCall, op: str = "chat/completions") -> str:
        base = (self.cfg.base_url or "").rstrip("/")
        if self.cfg.azure_deployment:
            return azure_url(base, call.model.upstream, self.cfg.api_version or AZURE_API_VERSION, op)
        return f"{base}/{op}"

    def _headers(self) -> dict[str, str]:
        h = {"content-type": "application/json", **self.cfg.headers}
        if self.cfg.api_key is not None:
            key = self.cfg.api_key.get_secret_value()
            if self.cfg.azure_deployment:
                h["api-key"] = key
            else:
                h["authorization"] = f"Bearer {key}"
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
            for ev in dec.feed(raw):
                if ev.data == "[DONE]":
                    done = True
                    continue
                if ev.event == "error":
                    raise ProviderError("server", f"{self.name}: stream error: {ev.data[:200]}")
                try:
                    chunk = orjson.loads(ev.data)
                except orjson.JSONDecodeError:
                    raise ProviderError("bad_response", f"{self.name}: invalid JSON in stream") from None
                if not isinstance(chunk, dict):
                    raise ProviderError("bad_response", f"{self.name}: stream event is not an object")
                if "error" in chunk and "choices" not in chunk:
                    raise ProviderError("server", f"{self.name}: stream error: {chunk['error']}")
                yield StreamChunk(chunk, usage_from_openai(chunk.get("usage")))
        if not done:
            raise ProviderError("bad_response", f"{self.name}: stream ended before [DONE]")
