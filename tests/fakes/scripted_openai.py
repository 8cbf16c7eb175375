"""A fake OpenAI chat.completions vendor whose answers are scripted per request — text, tool
calls, legacy function calls, streamed deltas split wherever the test says — and built from
what it received, so a test can answer with the very placeholders the gateway sent.

    fake.answer(lambda body: completion(tool_call("send_mail", {"to": first_placeholder(body)})))

Every request is recorded verbatim (``fake.requests``); with nothing scripted it answers "ok".
Wire format as documented at https://platform.openai.com/docs/api-reference/chat (objects
``chat.completion`` and ``chat.completion.chunk``, SSE ``data:`` frames, ``data: [DONE]``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.base import FakeUpstream, Reply

Answer = Callable[[dict[str, Any]], Reply]
_PLACEHOLDER = re.compile(r"〔[^〔〕]{1,12}〕")


def placeholders(body: dict[str, Any]) -> list[str]:
    """Every 〔…〕 token the vendor received, in order of first appearance."""
    seen: dict[str, None] = {}
    for m in _PLACEHOLDER.finditer(orjson.dumps(body).decode()):
        seen.setdefault(m.group())
    return list(seen)


def first(body: dict[str, Any], kind: str) -> str:
    """The first placeholder of one kind (``氏名``, ``電話`` …) the vendor received, escapes excluded."""
    for p in placeholders(body):
        if re.fullmatch(f"〔{kind}[0-9]+〕", p):
            return p
    raise AssertionError(f"the vendor received no 〔{kind}N〕 placeholder: {placeholders(body)}")


def tool_call(name: str, arguments: dict[str, Any] | str, ident: str = "call_1") -> dict[str, Any]:
    args = arguments if isinstance(arguments, str) else orjson.dumps(arguments).decode()
    return {"id": ident, "type": "function", "function": {"name": name, "arguments": args}}


def completion(content: str | None = None, *, tool_calls: Iterable[dict[str, Any]] = (),
               function_call: dict[str, Any] | None = None, refusal: str | None = None,
               finish_reason: str | None = None) -> Reply:
    calls = list(tool_calls)
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if calls:
        message["tool_calls"] = calls
    if function_call is not None:
        message["function_call"] = function_call
    finish = finish_reason or ("tool_calls" if calls else "function_call" if function_call else "stop")
    return Reply(json={
        "id": "chatcmpl-scripted", "object": "chat.completion", "created": 1_700_000_000, "model": "fake",
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 10, "total_tokens": 30},
    })


def chunk(choices: list[dict[str, Any]] | None = None, *, usage: dict[str, Any] | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": 1_700_000_000,
                         "model": "fake", "choices": choices if choices is not None else []}
    if usage is not None:
        c["usage"] = usage
    return c


def delta(d: dict[str, Any] | None, finish_reason: str | None = None, index: int = 0,
          *, omit_delta: bool = False) -> dict[str, Any]:
    """One choice of a chunk; ``omit_delta`` leaves the ``delta`` key out entirely."""
    ch: dict[str, Any] = {"index": index, "finish_reason": finish_reason}
    if not omit_delta:
        ch["delta"] = d
    return ch


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def text_deltas(text: str, size: int = 1) -> list[dict[str, Any]]:
    """``text`` as content chunks of ``size`` characters (every placeholder split when 1)."""
    return [chunk([delta({"content": p})]) for p in pieces(text, size)]


def tool_deltas(name: str, arguments: str, size: int = 1, index: int = 0,
                ident: str = "call_1") -> list[dict[str, Any]]:
    """A streamed tool call as OpenAI sends it: id, type and name first, then argument fragments."""
    out = [chunk([delta({"tool_calls": [{"index": index, "id": ident, "type": "function",
                                         "function": {"name": name, "arguments": ""}}]})])]
    out += [chunk([delta({"tool_calls": [{"index": index, "function": {"arguments": p}}]})])
            for p in pieces(arguments, size)]
    return out


def stream(chunks: Iterable[dict[str, Any]], *, done: bool = True) -> Reply:
    frames = [b"data: " + orjson.dumps(c) + b"\n\n" for c in chunks]
    if done:
        frames.append(b"data: [DONE]\n\n")
    return Reply(events=frames)


class ScriptedOpenAI(FakeUpstream):
    def __init__(self) -> None:
        super().__init__()
        self.answers: deque[Answer] = deque()

    def answer(self, *fns: Answer) -> None:
        """Queue answers, one per request, each built from the request body."""
        self.answers.extend(fns)

    def received(self, n: int = -1) -> dict[str, Any]:
        body: dict[str, Any] = self.requests[n].json()
        return body

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/chat/completions", self.chat)]

    async def chat(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        if self.script:
            return await self.send(request, self.script.popleft())
        body = rec.json()
        if self.answers:
            return await self.send(request, self.answers.popleft()(body))
        if body.get("stream"):
            return await self.send(request, stream([chunk([delta({"role": "assistant", "content": "ok"})]),
                                                    chunk([delta({}, "stop")])]))
        return await self.send(request, completion("ok"))
