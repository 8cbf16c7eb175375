"""A fake Azure OpenAI resource: chat completions (and embeddings) only under
``/openai/deployments/{deployment}/chat/completions?api-version=…`` (``…/embeddings?…``) with an ``api-key`` header,
answering as Azure does — 404 ``DeploymentNotFound`` for a deployment the resource does not have,
401 without the key, 404 ``Resource not found`` for any other path (e.g. a missing deployment
segment) — and OpenAI's chat.completion body otherwise."""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.base import FakeUpstream, Recorded, Reply
from tests.fakes.vectors import vector


class FakeAzure(FakeUpstream):
    def __init__(self, deployments: dict[str, str], api_key: str) -> None:
        """``deployments``: deployment name -> the model it runs (what Azure reports as ``model``)."""
        super().__init__()
        self.deployments = deployments
        self.api_key = api_key

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/openai/deployments/{deployment}/chat/completions", self._chat),
                web.post("/openai/deployments/{deployment}/embeddings", self._embeddings),
                web.post("/{tail:.*}", self._not_found)]

    async def _not_found(self, request: web.Request) -> web.StreamResponse:
        await self.record(request)
        return await self.send(request, Reply(status=404, json={"error": {"code": "404",
                                                                           "message": "Resource not found"}}))

    def _refused(self, rec: Recorded, name: str) -> Reply | None:
        if rec.headers.get("api-key") != self.api_key:
            return Reply(status=401, json={"error": {
                "code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}})
        if not rec.query.get("api-version"):
            return Reply(status=404, json={"error": {"code": "404", "message": "Resource not found"}})
        if name not in self.deployments:
            return Reply(status=404, json={"error": {
                "code": "DeploymentNotFound",
                "message": "The API deployment for this resource does not exist. If you created the deployment "
                           "within the last 5 minutes, please wait a moment and try again."}})
        return None

    async def _embeddings(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        name = request.match_info["deployment"]
        refused = self._refused(rec, name)
        if refused is not None:
            return await self.send(request, refused)
        body = rec.json()
        inp = body["input"]
        items = inp if isinstance(inp, list) and not all(isinstance(t, int) for t in inp) else [inp]
        data = [{"object": "embedding", "index": i, "embedding": vector(x, body.get("dimensions") or 1536)}
                for i, x in enumerate(items)]
        return await self.send(request, Reply(json={"object": "list", "data": data, "model": self.deployments[name],
                                                    "usage": {"prompt_tokens": 7, "total_tokens": 7}}))

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        refused = self._refused(rec, request.match_info["deployment"])
        if refused is not None:
            return await self.send(request, refused)
        name = request.match_info["deployment"]
        body = rec.json()
        if "stream_options" in body and rec.query["api-version"][:10] < "2024-09-01":
            return await self.send(request, Reply(status=400, json={"error": {
                "message": "Unrecognized request argument supplied: stream_options", "type": "invalid_request_error",
                "param": None, "code": None}}))
        if self.script:
            return await self.send(request, self.script.popleft())
        if body.get("stream"):
            def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
                return b"data: " + orjson.dumps({"id": "chatcmpl-azure1", "object": "chat.completion.chunk",
                                                 "created": 0, "model": self.deployments[name], "choices": [
                                                     {"index": 0, "delta": delta, "finish_reason": finish}]}) + b"\n\n"
            events = [chunk({"role": "assistant", "content": ""}), chunk({"content": f"{name} です"}),
                      chunk({}, "stop")]
            if (body.get("stream_options") or {}).get("include_usage"):
                events.append(b"data: " + orjson.dumps({"id": "chatcmpl-azure1", "object": "chat.completion.chunk",
                                                        "created": 0, "model": self.deployments[name], "choices": [],
                                                        "usage": {"prompt_tokens": 12, "completion_tokens": 3,
                                                                  "total_tokens": 15}}) + b"\n\n")
            return await self.send(request, Reply(events=[*events, b"data: [DONE]\n\n"]))
        return await self.send(request, Reply(json={
            "id": "chatcmpl-azure1", "object": "chat.completion", "created": int(time.time()),
            "model": self.deployments[name],
            "choices": [{"index": 0, "message": {"role": "assistant", "content": f"{name} です"},
                         "finish_reason": "stop", "content_filter_results": {}}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
            "prompt_filter_results": [], "system_fingerprint": "fp_azure"}))
