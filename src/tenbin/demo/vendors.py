"""Fake OpenAI, Anthropic and Gemini vendors for ``tenbin demo``, on loopback ports, in-process.

They speak each vendor's wire format (plain JSON and SSE streams, errors in the vendor's own
error shape) so the gateway's real adapters talk to them exactly as to the real services; the test
suite has fuller fakes that replay scripts and record requests, which this package does not ship.
Answers are canned Japanese or English text, chosen by the language of the last user message, with
token counts that grow with the prompt so costs look plausible. An :class:`Outage` makes a vendor
answer with its overload error while the demo's clock is inside a window, which is how the demo
stages a fallback storm in the past without waiting for it.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from aiohttp import web

from tenbin.clock import SYSTEM, Clock

Wire = Literal["openai", "anthropic", "gemini"]

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

REPLIES_JA = (
    "承知しました。要点は三つです。第一に現状の課題、第二に対応方針、第三に次回までの作業です。",
    "ご連絡ありがとうございます。ご指摘の件について確認いたしました。本日中に担当者より改めてご案内いたします。",
    "概要をまとめます。売上は前月比で微増、主な要因は既存顧客の追加発注です。来週は見積二件の提出を予定しています。",
    "この変更は妥当ですが、例外処理の範囲が広すぎます。想定するエラーだけを捕捉し、ログに原因を残してください。",
    "お問い合わせの件、営業時間は平日九時から十八時です。土日祝日はお休みをいただいております。",
)
REPLIES_EN = (
    "Here is a short summary: the main risk is schedule slip; the mitigation is to split the release in two.",
    "The function looks correct, but it swallows every exception. Catch only the errors you expect and log the rest.",
    "Thanks for reaching out. We have looked into your request and will follow up with the details today.",
    "Three options: keep the current plan, reduce scope, or add one engineer for two sprints. The second is cheapest.",
)


@dataclass(frozen=True)
class Outage:
    """While the vendor's clock is in ``[start, end)`` (epoch seconds) every call fails with ``status``."""

    start: float
    end: float
    status: int = 529


def last_user_text(messages: Sequence[Any]) -> str:
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            c = m.get("content", m.get("parts"))
            if isinstance(c, str):
                return c
            if isinstance(c, list):
                return " ".join(str(p.get("text", "")) for p in c if isinstance(p, dict))
    return ""


def _strings(v: Any) -> list[str]:
    if isinstance(v, str):
        return [v]
    if isinstance(v, dict):
        return [s for k, x in v.items() if k not in ("role", "type") for s in _strings(x)]
    if isinstance(v, list):
        return [s for x in v for s in _strings(x)]
    return []


def tokens(text: str) -> int:
    """A tokenizer's rough count: about one token per Japanese character, one per four others."""
    ja = len(_JAPANESE.findall(text))
    return ja + (len(text) - ja) // 4


def prompt_tokens(*parts: Any) -> int:
    """The prompt's token count: every text the request carries (system prompt included), plus the
    few tokens of message framing a vendor adds."""
    return 8 + sum(tokens(s) for s in _strings(list(parts)))


def reply_for(prompt: str) -> str:
    """A canned answer of two to four sentences in the prompt's language, the same for the same prompt."""
    pool = REPLIES_JA if _JAPANESE.search(prompt) else REPLIES_EN
    h = hashlib.blake2b(prompt.encode(), digest_size=2).digest()
    return ("" if pool is REPLIES_JA else " ").join(pool[(h[0] + i) % len(pool)] for i in range(2 + h[1] % 3))


def pieces(text: str) -> list[str]:
    """The answer cut like a stream: a few characters per chunk."""
    step = 6 if _JAPANESE.search(text) else 12
    return [text[i:i + step] for i in range(0, len(text), step)]


class DemoVendor:
    """One fake vendor on ``127.0.0.1``. ``clock`` decides whether an outage is on; the demo sets it
    to its stepped clock while it fills the store and back to the system clock when it serves."""

    def __init__(self, name: str, wire: Wire, outages: Sequence[Outage] = (), clock: Clock = SYSTEM) -> None:
        self.name = name
        self.wire = wire
        self.outages = tuple(outages)
        self.clock = clock
        self.calls = 0
        self.failed = 0
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        if self.wire == "openai":
            app.router.add_post("/v1/chat/completions", self._openai)
            app.router.add_post("/openai/deployments/{deployment}/chat/completions", self._openai)  # Azure
        elif self.wire == "anthropic":
            app.router.add_post("/v1/messages", self._anthropic)
        else:
            app.router.add_post("/v1beta/models/{target}", self._gemini)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _outage(self) -> Outage | None:
        self.calls += 1
        now = self.clock.now().timestamp()
        hit = next((o for o in self.outages if o.start <= now < o.end), None)
        self.failed += hit is not None
        return hit

    # ---- OpenAI chat.completions (and Azure OpenAI deployments) --------------------------------
    async def _openai(self, request: web.Request) -> web.StreamResponse:
        body = await request.json(loads=orjson.loads)
        if (o := self._outage()) is not None:
            status = 503 if o.status == 529 else o.status
            kind = "rate_limit_exceeded" if status == 429 else "server_error"
            return web.json_response({"error": {"message": "The server is overloaded (demo outage).",
                                                "type": kind, "param": None, "code": None}}, status=status)
        prompt = last_user_text(body.get("messages") or [])
        text = reply_for(prompt)
        parts = pieces(text)
        p_tok, c_tok = prompt_tokens(body.get("messages")), tokens(text)
        usage = {"prompt_tokens": p_tok, "completion_tokens": c_tok, "total_tokens": p_tok + c_tok,
                 "prompt_tokens_details": {"cached_tokens": 0}}
        base = {"id": f"chatcmpl-demo{self.calls}", "created": int(time.time()), "model": body.get("model")}
        if not body.get("stream"):
            return web.json_response({**base, "object": "chat.completion", "usage": usage, "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]})

        def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return {**base, "object": "chat.completion.chunk",
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

        frames = [chunk({"role": "assistant", "content": ""})]
        frames += [chunk({"content": p}) for p in parts] + [chunk({}, "stop")]
        if (body.get("stream_options") or {}).get("include_usage"):
            frames.append({**base, "object": "chat.completion.chunk", "choices": [], "usage": usage})
        return await _sse(request, [b"data: " + orjson.dumps(f) + b"\n\n" for f in frames] + [b"data: [DONE]\n\n"])

    # ---- Anthropic Messages ------------------------------------------------------------------
    async def _anthropic(self, request: web.Request) -> web.StreamResponse:
        body = await request.json(loads=orjson.loads)
        if (o := self._outage()) is not None:
            kind = "rate_limit_error" if o.status == 429 else "overloaded_error"
            return web.json_response({"type": "error", "error": {"type": kind, "message": "Overloaded"}},
                                     status=o.status)
        prompt = last_user_text(body.get("messages") or [])
        text = reply_for(prompt)
        usage = {"input_tokens": prompt_tokens(body.get("system"), body.get("messages")), "output_tokens": tokens(text),
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        msg = {"id": f"msg_demo{self.calls}", "type": "message", "role": "assistant", "model": body.get("model"),
               "stop_sequence": None}
        if not body.get("stream"):
            return web.json_response({**msg, "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                                      "usage": usage})

        def ev(name: str, data: dict[str, Any]) -> bytes:
            return b"event: " + name.encode() + b"\ndata: " + orjson.dumps({"type": name, **data}) + b"\n\n"

        frames = [ev("message_start", {"message": {**msg, "content": [], "stop_reason": None,
                                                   "usage": {**usage, "output_tokens": 1}}}),
                  ev("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})]
        frames += [ev("content_block_delta", {"index": 0, "delta": {"type": "text_delta", "text": p}})
                   for p in pieces(text)]
        frames += [ev("content_block_stop", {"index": 0}),
                   ev("message_delta", {"delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                        "usage": {"output_tokens": usage["output_tokens"]}}),
                   ev("message_stop", {})]
        return await _sse(request, frames)

    # ---- Gemini generateContent ----------------------------------------------------------------
    async def _gemini(self, request: web.Request) -> web.StreamResponse:
        body = await request.json(loads=orjson.loads)
        model, _, method = request.match_info["target"].partition(":")
        if (o := self._outage()) is not None:
            status = 503 if o.status == 529 else o.status  # 529 is Anthropic's; Google says 503
            return web.json_response({"error": {"code": status, "message": "The model is overloaded.",
                                                "status": "RESOURCE_EXHAUSTED" if status == 429 else "UNAVAILABLE"}},
                                     status=status)
        prompt = last_user_text(body.get("contents") or [])
        text = reply_for(prompt)
        p_tok, c_tok = prompt_tokens(body.get("systemInstruction"), body.get("contents")), tokens(text)

        def response(part: str, last: bool) -> dict[str, Any]:
            cand: dict[str, Any] = {"content": {"parts": [{"text": part}], "role": "model"}, "index": 0}
            usage: dict[str, Any] = {"promptTokenCount": p_tok}
            if last:
                cand["finishReason"] = "STOP"
                usage |= {"candidatesTokenCount": c_tok, "totalTokenCount": p_tok + c_tok}
            return {"candidates": [cand], "usageMetadata": usage, "modelVersion": model}

        if method == "generateContent":
            return web.json_response(response(text, True))
        parts = pieces(text)
        return await _sse(request, [b"data: " + orjson.dumps(response(p, i == len(parts) - 1)) + b"\r\n\r\n"
                                    for i, p in enumerate(parts)])


async def _sse(request: web.Request, frames: list[bytes]) -> web.StreamResponse:
    resp = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"})
    await resp.prepare(request)
    for f in frames:
        await resp.write(f)
    await resp.write_eof()
    return resp
