"""A fake OpenAI-compatible upstream on loopback, speaking the exact chat.completions wire format
(JSON and SSE), recording every request and failing on cue.

``script`` is a list of faults consumed one per request (then it answers normally):
  {"status": 500}                       HTTP error with an OpenAI error body
  {"status": 429, "retry_after": "1"}   rate limited
  {"status": 429, "code": "insufficient_quota", "type": "insufficient_quota"}   out of credit
  {"delay": 2.0}                        wait before sending headers
  {"reset": True}                       accept, then drop the connection without an answer
  {"reset_mid_body": True}              send headers and half a body, then drop
  {"malformed": True}                   200 with a body that is not JSON
  {"truncate": True}                    (stream) stop before [DONE]
  {"drip": 0.05}                        (stream) pause between chunks
  {"cut_after": 0}                      (stream) close the connection after N content chunks
                                        (0: only the role-only first chunk went out)
  {"invalid_after": 0}                  (stream) after N content chunks, an event that is not JSON
  {"stall_after": 1, "stall": 5.0}      (stream) after N content chunks, silence for that long
  {"body_stall": 5.0}                   (plain) headers and half the body, then silence that long

``POST /v1/responses`` answers as OpenAI's Responses API does (``responses``): a ``response``
object, or its typed event stream with sequence numbers; with a ``web_search`` tool the answer
holds a ``web_search_call`` item and a ``url_citation`` annotation, as the real built-in tool's do;
``input`` is required and tool types OpenAI does not have are refused.

``POST /v1/embeddings`` answers as OpenAI does (``embeddings``): ``input`` a string, strings or
token arrays, ``encoding_format`` float or base64 (little-endian float32), ``dimensions`` only for
``text-embedding-3-*`` models, the same 400s for an empty or malformed input.
"""

from __future__ import annotations

import asyncio
import base64
import struct
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.vectors import vector

#: Tool types the Responses API has (function tools and the built-in ones).
RESPONSES_TOOLS = frozenset({"function", "web_search", "web_search_preview", "file_search", "computer_use_preview",
                             "code_interpreter", "image_generation", "mcp", "local_shell", "custom"})
#: Native sizes of OpenAI's embedding models (anything else: ``default_dims``).
NATIVE_DIMS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return orjson.loads(self.body)


def _anthropic_only(body: dict[str, Any]) -> str | None:
    """The first Anthropic-only field in a chat body (OpenAI refuses them), or None."""
    if "thinking" in body:
        return "thinking"
    for t in body.get("tools") or []:
        if isinstance(t, dict) and "cache_control" in t:
            return "tools.cache_control"
    for m in body.get("messages") or []:
        if not isinstance(m, dict):
            continue
        if "thinking_blocks" in m:
            return "messages.thinking_blocks"
        content = m.get("content")
        for p in content if isinstance(content, list) else []:
            if isinstance(p, dict) and "cache_control" in p:
                return "messages.content.cache_control"
    return None


@dataclass
class FakeOpenAI:
    reply: str = "こんにちは、テストです。"
    script: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    prompt_tokens: int = 11
    delay: float = 0.0
    echo: bool = False
    default_dims: int = 64
    url: str = ""
    _runner: web.AppRunner | None = None

    def tokens(self, text: str) -> list[str]:
        # Split the reply into small pieces like a tokenizer would (2 characters each).
        return [text[i : i + 2] for i in range(0, len(text), 2)] or [""]

    def answer_text(self, body: dict[str, Any]) -> str:
        if self.echo:
            msgs = body.get("messages") or []
            last = msgs[-1].get("content") if msgs else ""
            return last if isinstance(last, str) else orjson.dumps(last).decode()
        return self.reply

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(Recorded(request.path, dict(request.headers), raw))
        fault = self.script.pop(0) if self.script else {}
        if self.delay or fault.get("delay"):
            await asyncio.sleep(fault.get("delay", self.delay))
        if "status" in fault:
            headers = {}
            if "retry_after" in fault:
                headers["retry-after"] = str(fault["retry_after"])
            return web.json_response(
                {
                    "error": {
                        "message": f"injected {fault['status']}",
                        "type": fault.get("type", "server_error"),
                        "param": None,
                        "code": fault.get("code"),
                    }
                },
                status=fault["status"],
                headers=headers,
            )
        if fault.get("reset"):
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        body = orjson.loads(raw)
        unknown = _anthropic_only(body)
        if unknown:  # what the real API answers for fields it does not know
            return web.json_response({"error": {"message": f"Unrecognized request argument supplied: {unknown}",
                                                "type": "invalid_request_error", "param": unknown,
                                                "code": None}}, status=400)
        text = self.answer_text(body)
        if fault.get("malformed"):
            return web.Response(body=b'{"id": "chatcmpl-x", "choices": [', content_type="application/json")
        created = int(time.time())
        pieces = self.tokens(text)
        usage = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": len(pieces),
            "total_tokens": self.prompt_tokens + len(pieces),
            "prompt_tokens_details": {"cached_tokens": 0},
        }
        if not body.get("stream"):
            payload = orjson.dumps(
                {
                    "id": "chatcmpl-fake1",
                    "object": "chat.completion",
                    "created": created,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text, "refusal": None},
                            "logprobs": None,
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": usage,
                    "system_fingerprint": "fp_fake",
                }
            )
            if fault.get("body_stall"):
                resp = web.StreamResponse(
                    headers={"content-type": "application/json", "content-length": str(len(payload))}
                )
                await resp.prepare(request)
                await resp.write(payload[: len(payload) // 2])
                await asyncio.sleep(fault["body_stall"])
                await resp.write(payload[len(payload) // 2 :])
                await resp.write_eof()
                return resp
            if fault.get("reset_mid_body"):
                resp = web.StreamResponse(
                    headers={"content-type": "application/json", "content-length": str(len(payload))}
                )
                await resp.prepare(request)
                await resp.write(payload[: len(payload) // 2])
                assert request.transport is not None
                request.transport.close()
                return resp
            return web.Response(body=payload, content_type="application/json")
        resp = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8"})
        await resp.prepare(request)
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            c: dict[str, Any] = {
                "id": "chatcmpl-fake1",
                "object": "chat.completion.chunk",
                "created": created,
                "model": body["model"],
                "system_fingerprint": "fp_fake",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                c["usage"] = None
            return b"data: " + orjson.dumps(c) + b"\n\n"

        await resp.write(chunk({"role": "assistant", "content": "", "refusal": None}))
        for i, piece in enumerate(pieces):
            if fault.get("cut_after") == i:
                assert request.transport is not None
                request.transport.close()
                return resp
            if fault.get("invalid_after") == i:
                await resp.write(b"data: {\"id\": \"chatcmpl-fake1\", \"choices\": [\n\n")
                await resp.write_eof()
                return resp
            if fault.get("stall_after") == i:
                await asyncio.sleep(fault["stall"])
            if fault.get("truncate") and i == len(pieces) // 2:
                assert request.transport is not None
                request.transport.close()
                return resp
            if fault.get("reset_mid_body") and i == 1:
                assert request.transport is not None
                request.transport.close()
                return resp
            if fault.get("drip"):
                await asyncio.sleep(fault["drip"])
            await resp.write(chunk({"content": piece}))
        await resp.write(chunk({}, "stop"))
        if include_usage:
            await resp.write(
                b"data: "
                + orjson.dumps(
                    {
                        "id": "chatcmpl-fake1",
                        "object": "chat.completion.chunk",
                        "created": created,
                        "model": body["model"],
                        "system_fingerprint": "fp_fake",
                        "choices": [],
                        "usage": usage,
                    }
                )
                + b"\n\n"
            )
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    @staticmethod
    def _invalid(message: str, param: str | None) -> web.Response:
        return web.json_response({"error": {"message": message, "type": "invalid_request_error", "param": param,
                                            "code": None}}, status=400)

    async def embeddings(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(Recorded(request.path, dict(request.headers), raw))
        fault = self.script.pop(0) if self.script else {}
        if "status" in fault:
            return web.json_response({"error": {"message": f"injected {fault['status']}",
                                                "type": fault.get("type", "server_error"), "param": None,
                                                "code": fault.get("code")}}, status=fault["status"])
        body = orjson.loads(raw)
        model, inp = body.get("model"), body.get("input")
        if not isinstance(model, str):
            return self._invalid("you must provide a model parameter", None)
        if isinstance(inp, str) or (isinstance(inp, list) and inp and all(isinstance(t, int) for t in inp)):
            items: list[Any] = [inp]
        elif isinstance(inp, list) and inp and (all(isinstance(x, str) for x in inp)
                                                or all(isinstance(x, list) and x for x in inp)):
            items = inp
        else:
            return self._invalid("'$.input' is invalid. Please check the API reference: "
                                 "https://platform.openai.com/docs/api-reference.", None)
        if any(x == "" for x in items):
            return self._invalid("'$.input' is invalid. Please check the API reference: "
                                 "https://platform.openai.com/docs/api-reference.", None)
        dims = body.get("dimensions")
        native = NATIVE_DIMS.get(model, self.default_dims)
        if dims is not None:
            if not model.startswith("text-embedding-3"):
                return self._invalid("This model does not support specifying dimensions.", None)
            if not isinstance(dims, int) or not 1 <= dims <= native:
                return self._invalid(f"Invalid value for 'dimensions' = {dims}. Must be between 1 and {native}.",
                                     "dimensions")
        encoding = body.get("encoding_format", "float")
        if encoding not in ("float", "base64"):
            return self._invalid(f"Invalid value for 'encoding_format' = {encoding}.", "encoding_format")
        data = []
        for i, item in enumerate(items):
            vec = vector(item, dims or native)
            emb: Any = base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode() if encoding == "base64" else vec
            data.append({"object": "embedding", "index": i, "embedding": emb})
        tokens = sum(len(x) if isinstance(x, list) else max(1, len(x.encode()) // 3) for x in items)
        return web.json_response({"object": "list", "data": data, "model": model,
                                  "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})

    def input_text(self, body: dict[str, Any]) -> str:
        """The last user text of a Responses ``input`` (what ``echo`` answers)."""
        inp = body.get("input")
        if isinstance(inp, str):
            return inp
        for item in reversed(inp or []):
            if isinstance(item, dict) and item.get("role") == "user":
                content = item.get("content")
                if isinstance(content, str):
                    return content
                return "".join(p.get("text", "") for p in content or [] if isinstance(p, dict))
        return ""

    async def responses(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(Recorded(request.path, dict(request.headers), raw))
        fault = self.script.pop(0) if self.script else {}
        if "status" in fault:
            return web.json_response({"error": {"message": f"injected {fault['status']}",
                                                "type": fault.get("type", "server_error"), "param": None,
                                                "code": fault.get("code")}}, status=fault["status"])
        body = orjson.loads(raw)
        if not isinstance(body.get("model"), str):
            return self._invalid("Missing required parameter: 'model'.", "model")
        if body.get("input") in (None, "", []):
            return self._invalid("Missing required parameter: 'input'.", "input")
        tools = body.get("tools") or []
        for k, t in enumerate(tools):
            if not isinstance(t, dict) or t.get("type") not in RESPONSES_TOOLS:
                return self._invalid(f"Invalid value: '{t.get('type') if isinstance(t, dict) else t}'.",
                                     f"tools[{k}].type")
        text = self.input_text(body) if self.echo else self.reply
        pieces = self.tokens(text)
        searched = any(t.get("type") in ("web_search", "web_search_preview") for t in tools)
        annotations = [{"type": "url_citation", "start_index": 0, "end_index": len(text),
                        "url": "https://example.com/tenki", "title": "天気予報"}] if searched else []
        output: list[dict[str, Any]] = []
        if searched:
            output.append({"type": "web_search_call", "id": "ws_fake1", "status": "completed",
                           "action": {"type": "search", "query": text[:40]}})
        message = {"type": "message", "id": "msg_fake1", "status": "completed", "role": "assistant",
                   "content": [{"type": "output_text", "text": text, "annotations": annotations, "logprobs": []}]}
        output.append(message)
        usage = {"input_tokens": self.prompt_tokens, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": len(pieces), "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": self.prompt_tokens + len(pieces)}
        resp: dict[str, Any] = {
            "id": "resp_fake1", "object": "response", "created_at": int(time.time()), "status": "completed",
            "model": body["model"], "output": output, "usage": usage, "error": None, "incomplete_details": None,
            "instructions": body.get("instructions"), "max_output_tokens": body.get("max_output_tokens"),
            "metadata": body.get("metadata") or {}, "parallel_tool_calls": body.get("parallel_tool_calls", True),
            "previous_response_id": None, "store": body.get("store", True), "temperature": body.get("temperature", 1.0),
            "top_p": body.get("top_p", 1.0), "text": body.get("text") or {"format": {"type": "text"}},
            "tool_choice": body.get("tool_choice", "auto"), "tools": tools, "truncation": "disabled",
            "reasoning": {"effort": None, "summary": None},
        }
        if not body.get("stream"):
            return web.json_response(resp)
        http = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8"})
        await http.prepare(request)
        seq = 0

        async def ev(kind: str, **fields: Any) -> None:
            nonlocal seq
            await http.write(b"event: " + kind.encode() + b"\ndata: "
                             + orjson.dumps({"type": kind, "sequence_number": seq, **fields}) + b"\n\n")
            seq += 1

        pending = {**resp, "status": "in_progress", "output": [], "usage": None}
        await ev("response.created", response=pending)
        await ev("response.in_progress", response=pending)
        for n, item in enumerate(output):
            if item["type"] == "web_search_call":
                await ev("response.output_item.added", output_index=n, item={**item, "status": "in_progress"})
                for phase in ("in_progress", "searching", "completed"):
                    await ev(f"response.web_search_call.{phase}", output_index=n, item_id=item["id"])
                await ev("response.output_item.done", output_index=n, item=item)
                continue
            opening = {**item, "status": "in_progress", "content": []}
            await ev("response.output_item.added", output_index=n, item=opening)
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            await ev("response.content_part.added", item_id=item["id"], output_index=n, content_index=0, part=part)
            for piece in pieces:
                await ev("response.output_text.delta", item_id=item["id"], output_index=n, content_index=0,
                         delta=piece, logprobs=[])
            for a, ann in enumerate(annotations):
                await ev("response.output_text.annotation.added", item_id=item["id"], output_index=n,
                         content_index=0, annotation_index=a, annotation=ann)
            await ev("response.output_text.done", item_id=item["id"], output_index=n, content_index=0,
                     text=text, logprobs=[])
            await ev("response.content_part.done", item_id=item["id"], output_index=n, content_index=0,
                     part=item["content"][0])
            await ev("response.output_item.done", output_index=n, item=item)
        await ev("response.completed", response=resp)
        await http.write_eof()
        return http

    async def start(self) -> FakeOpenAI:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self.handle)
        app.router.add_post("/v1/responses", self.responses)
        app.router.add_post("/v1/embeddings", self.embeddings)
        # handler_cancellation: a hung reply whose client gave up (deadline tests) must not keep
        # its handler, and so stop(), waiting.
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeOpenAI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
