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
from tenbin.providers.base import ChatCall, ChatResult, ProviderError, StreamChunk
from tenbin.providers.http import HTTPAdapter
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


def azure_url(base_url: str, deployment: str, api_version: str) -> str:
    """Azure OpenAI's chat URL, ``{resource}/openai/deployments/{deployment}/chat/completions``.

    The deployment is the model's ``upstream`` (one provider serves every deployment of the
    resource), so ``base_url`` is the resource (``https://x.openai.azure.com``), or that with
    ``/openai`` or ``/openai/deployments``. A base_url that already names a deployment
    (``…/openai/deployments/gpt4o``) is used as is, for configs written one provider per deployment.
    """
    base = base_url.rstrip("/")
    head, sep, tail = base.partition("/openai/deployments")
    if sep and tail.strip("/"):
        return f"{base}/chat/completions?api-version={api_version}"
    if sep:
        base = head
    elif base.endswith("/openai"):
        base = base.removesuffix("/openai")
    return f"{base}/openai/deployments/{quote(deployment, safe='')}/chat/completions?api-version={api_version}"


class OpenAICompatProvider(HTTPAdapter):
    def _url(self, call: ChatCall) -> str:
        base = (self.cfg.base_url or "").rstrip("/")
        if self.cfg.azure_deployment:
            return azure_url(base, call.model.upstream, self.cfg.api_version or "2024-10-21")
        return f"{base}/chat/completions"

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
        body = dict(call.body)
        body["model"] = call.model.upstream
        body["stream"] = stream
        if stream:
            # Always ask for usage so the ledger gets vendor-counted tokens; the API layer hides
            # the usage chunk from clients that did not ask for it.
            opts = dict(body.get("stream_options") or {})
            opts["include_usage"] = True
            body["stream_options"] = opts
        else:
            body.pop("stream_options", None)
        return body

    async def complete(self, call: ChatCall) -> ChatResult:
        if self.cfg.missing_secret:
            raise ProviderError("unavailable", self.availability().reason or "unavailable")
        data = await self.post_json(self._url(call), self._body(call, False), self._headers())
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise ProviderError("bad_response", f"{self.name}: answer has no 'choices'")
        usage = usage_from_openai(data.get("usage")) or Usage()
        return ChatResult(response=data, usage=usage)

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
