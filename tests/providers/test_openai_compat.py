"""OpenAICompatProvider against a scripted OpenAI-wire server over real loopback HTTP, and the SSE
decoder it stands on (LF, CRLF and lone-CR line ends, comments, multi-line data, cut-off events).

The fake sends exactly the bytes a test scripts, so line-end and comment handling is exercised
through aiohttp's real chunking, not only by feeding the decoder by hand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from aiohttp import web
from tests.fakes.base import FakeUpstream, Reply

from tenbin.catalog.catalog import ModelSpec
from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import ChatCall, ProviderError, StreamChunk
from tenbin.providers.openai_compat import OpenAICompatProvider
from tenbin.providers.sse import Event, SSEDecoder, iter_events

KEY = "sk-test-openai"
MODEL = ModelSpec.model_validate({
    "id": "gpt-4o", "provider": "openai", "upstream": "gpt-4o-2024-08-06", "region": "US", "jurisdiction": "US",
    "retention_days": 30, "context_window": 128_000,
    "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "2.50", "output": "10.00"}]})


class OpenAIWire(FakeUpstream):
    """Chat completions on ``/v1`` and on an Azure deployment path; answers what is scripted."""

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/chat/completions", self.handle),
                web.post("/openai/deployments/{name}/chat/completions", self.handle)]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        await self.record(request)
        return await self.send(request, self.script.popleft())


def completion(text: str = "こんにちは", usage: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-2024-08-06",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": usage or {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12,
                               "prompt_tokens_details": {"cached_tokens": 4}}}


def chunk(content: str | None = None, usage: dict[str, Any] | None = None) -> bytes:
    c: dict[str, Any] = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1,
                         "model": "gpt-4o-2024-08-06",
                         "choices": [] if content is None else [{"index": 0, "delta": {"content": content},
                                                                 "finish_reason": None}]}
    if usage is not None:
        c["usage"] = usage
    return orjson.dumps(c)


USAGE = {"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}


@pytest.fixture
async def fake() -> AsyncIterator[OpenAIWire]:
    async with OpenAIWire() as f:
        yield f


def provider(fake: OpenAIWire, **cfg: Any) -> OpenAICompatProvider:
    cfg.setdefault("base_url", fake.url + "/v1")
    cfg.setdefault("api_key", KEY)
    return OpenAICompatProvider("openai", ProviderConfig(kind="openai", max_retries=0, **cfg))


def call(**body: Any) -> ChatCall:
    body.setdefault("model", "gpt-4o")
    body.setdefault("messages", [{"role": "user", "content": "hi"}])
    return ChatCall(model=MODEL, body=body, request_id="req-1")


async def collect(it: AsyncIterator[StreamChunk]) -> list[StreamChunk]:
    return [c async for c in it]


# ---- the SSE decoder on its own -------------------------------------------------------------
def test_decoder_line_ends_comments_and_multiline_data() -> None:
    d = SSEDecoder()
    evs = d.feed(b": keep-alive\r\ndata: a\r\ndata:b\r\n\r\n"   # CRLF, a comment, data with and without space
                 b"event: ping\rdata: c\r\r"                     # lone CR line ends
                 b": only a comment\n\n"                         # a comment-only block is no event
                 b"id: 7\nretry: 10\ndata: d\n\n")               # unknown fields are ignored
    assert evs == [Event("message", "a\nb"), Event("ping", "c"), Event("message", "d")]
    assert not d.pending


def test_decoder_cr_split_across_chunks_is_one_line_end() -> None:
    """A chunk ending in CR may be the first half of CRLF: it must not end an extra (empty) line,
    which would close the event early."""
    d = SSEDecoder()
    assert d.feed(b"data: x\r") == []
    assert d.feed(b"\ndata: y\r") == []
    assert d.feed(b"\n\r") == []  # the blank line's CR, also possibly half of CRLF
    assert d.feed(b"\n") == [Event("message", "x\ny")]
    # "data: z" CR CR: the second CR ends the event only once the next byte shows it is not CRLF
    assert d.feed(b"data: z\r") == [] and d.feed(b"\r") == [] and d.pending
    assert d.feed(b"data: w\n\n") == [Event("message", "z"), Event("message", "w")]
    assert not d.pending


def test_decoder_bytewise_equals_whole() -> None:
    raw = b": c\r\ndata: {\"k\": \"\xe6\x97\xa5\xe6\x9c\xac\"}\r\r\nevent: e\ndata: 1\n\ndata: [DONE]\r\n\r\n"
    whole = SSEDecoder().feed(raw)
    d = SSEDecoder()
    bytewise = [e for i in range(len(raw)) for e in d.feed(raw[i : i + 1])]
    assert whole == bytewise == [Event("message", '{"k": "日本"}'), Event("e", "1"), Event("message", "[DONE]")]


def test_decoder_lf_only_stream_split_anywhere_equals_whole() -> None:
    """The LF-only path (every vendor's framing) and the general one agree wherever the chunks
    are cut: mid-line, mid-UTF-8 character, between the two LFs of an event's end, or with a CR
    arriving later in the stream."""
    raw = (b": keep-alive\ndata: {\"k\": \"\xe6\x97\xa5\xe6\x9c\xac\"}\n\nevent: e\ndata: 1\ndata: 2\n\n"
           b"id: 3\ndata:x\n\ndata: [DONE]\n\n")
    want = [Event("message", '{"k": "日本"}'), Event("e", "1\n2"), Event("message", "x"), Event("message", "[DONE]")]
    assert SSEDecoder().feed(raw) == want
    for cut in range(len(raw) + 1):
        d = SSEDecoder()
        assert d.feed(raw[:cut]) + d.feed(raw[cut:]) == want, cut
        assert not d.pending
    d = SSEDecoder()
    assert d.feed(b"data: a\n") == [] and d.pending
    assert d.feed(b"\r") == []  # a CR later on: the general path takes over (it may be half a CRLF)
    assert d.feed(b"\ndata: b\n\n") == [Event("message", "a"), Event("message", "b")]


def test_decoder_lf_blocks_that_are_not_one_data_line() -> None:
    """The LF path takes a block that is one ``data:`` line whole; everything else (extra blank
    lines, an empty ``data:``, a ``data`` line without a colon, an event begun in a CR chunk and
    ended in an LF one) goes line by line, split anywhere, with the same events."""
    raw = b"\n\ndata: a\n\n\ndata:\n\ndata\n\ndata:  two spaces\n\n"
    want = [Event("message", "a"), Event("message", ""), Event("message", ""), Event("message", " two spaces")]
    for cut in range(len(raw) + 1):
        d = SSEDecoder()
        assert d.feed(raw[:cut]) + d.feed(raw[cut:]) == want, cut
        assert not d.pending
    d = SSEDecoder()
    assert d.feed(b"event: e\r\ndata: 1\r\n") == []
    assert d.feed(b"data: 2\n\ndata: 3\n\n") == [Event("e", "1\n2"), Event("message", "3")]


async def test_iter_events_reports_a_cut_off_event_at_the_end() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"data: done\n\n"
        yield b"data: cut"

    d = SSEDecoder()
    d.feed(b"data: cut")
    assert d.pending
    assert [e async for e in iter_events(chunks())] == [Event("message", "done"), Event("message", "cut")]


# ---- requests --------------------------------------------------------------------------------
async def test_plain_request_passes_the_body_through(fake: OpenAIWire) -> None:
    fake.enqueue(Reply(json=completion()))
    p = provider(fake, headers={"OpenAI-Organization": "org-1"})
    try:
        res = await p.complete(call(temperature=0.2, vendor_extension={"x": 1}, stream_options={"include_usage": True}))
    finally:
        await p.aclose()
    req = fake.requests[0]
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == f"Bearer {KEY}" and req.headers["openai-organization"] == "org-1"
    assert req.json() == {"model": "gpt-4o-2024-08-06", "messages": [{"role": "user", "content": "hi"}],
                          "temperature": 0.2, "vendor_extension": {"x": 1}, "stream": False}
    assert res.response["choices"][0]["message"]["content"] == "こんにちは"
    u = res.usage
    assert (u.prompt_tokens, u.completion_tokens, u.cached_tokens, u.reported) == (9, 3, 4, True)


async def test_a_cookie_the_vendor_sets_is_not_sent_on_later_calls(fake: OpenAIWire) -> None:
    """The provider's one session serves every caller: what a vendor's CDN sets on one answer
    (Cloudflare's ``__cf_bm`` on OpenAI's) is not carried to the next caller's call."""
    fake.enqueue(Reply(json=completion(), headers={"set-cookie": "__cf_bm=abc123; Path=/; HttpOnly"}))
    fake.enqueue(Reply(json=completion()))
    # by name: aiohttp's cookie jar takes no cookie from a bare IP address
    p = provider(fake, base_url=fake.url.replace("127.0.0.1", "localhost") + "/v1")
    try:
        await p.complete(call())
        await p.complete(call())
    finally:
        await p.aclose()
    assert len(fake.requests) == 2
    assert "cookie" not in fake.requests[1].headers


async def test_azure_deployment_url_and_key_header(fake: OpenAIWire) -> None:
    fake.enqueue(Reply(json=completion()), Reply(json=completion()))
    p = provider(fake, base_url=fake.url + "/openai/deployments/gpt4o", azure_deployment=True)
    q = provider(fake, base_url=fake.url + "/openai/deployments/gpt4o/", azure_deployment=True,
                 api_version="2025-01-01-preview")
    try:
        await p.complete(call())
        await q.complete(call())
    finally:
        await p.aclose()
        await q.aclose()
    a, b = fake.requests
    assert a.path == "/openai/deployments/gpt4o/chat/completions" and a.query == {"api-version": "2024-10-21"}
    assert b.query == {"api-version": "2025-01-01-preview"}
    assert a.headers["api-key"] == KEY and "authorization" not in a.headers


async def test_missing_secret_is_unavailable_without_a_request(fake: OpenAIWire) -> None:
    p = OpenAICompatProvider("openai", ProviderConfig(kind="openai", base_url=fake.url + "/v1",
                                                      missing_secret="OPENAI_API_KEY"))
    assert p.availability().reason == "environment variable OPENAI_API_KEY is not set"
    with pytest.raises(ProviderError) as ei:
        await p.complete(call())
    assert ei.value.kind == "unavailable"
    with pytest.raises(ProviderError):
        await collect(p.stream(call()))
    await p.aclose()
    assert fake.requests == []


@pytest.mark.parametrize("reply,kind,status", [
    (Reply(status=429, json={"error": {"message": "slow down"}}, headers={"retry-after": "7"}), "rate_limit", 429),
    (Reply(status=401, json={"error": {"message": "bad key"}}), "auth", 401),
    (Reply(status=400, json={"error": {"message": "bad field"}}), "bad_request", 400),
    (Reply(status=503, raw=b"<html>down</html>"), "server", 503),
    (Reply(json={"id": "x", "object": "chat.completion"}), "bad_response", None),  # no choices
    (Reply(raw=b'{"id": "x", "choices": ['), "bad_response", None),  # invalid JSON
])
async def test_plain_errors_map_to_kinds(fake: OpenAIWire, reply: Reply, kind: str, status: int | None) -> None:
    fake.enqueue(reply)
    p = provider(fake)
    try:
        with pytest.raises(ProviderError) as ei:
            await p.complete(call())
    finally:
        await p.aclose()
    assert (ei.value.kind, ei.value.status) == (kind, status)
    if kind == "rate_limit":
        assert ei.value.retry_after == 7.0 and "slow down" in ei.value.message


# ---- streams ---------------------------------------------------------------------------------
async def test_stream_with_crlf_cr_and_comments(fake: OpenAIWire) -> None:
    events = [b": OPENROUTER PROCESSING\r\n\r\n",
              b"data: " + chunk("こん") + b"\r\n\r\n",
              b"data: " + chunk("にちは") + b"\r\r",
              b": keep-alive\n\n",
              b"data: " + chunk(None, USAGE) + b"\n\n",
              b"data: [DONE]\n\n"]
    fake.enqueue(Reply(events=events))
    p = provider(fake)
    try:
        got = await collect(p.stream(call(stream=True, stream_options={"include_usage": False})))
    finally:
        await p.aclose()
    assert fake.requests[0].json()["stream"] is True
    assert fake.requests[0].json()["stream_options"] == {"include_usage": True}  # always asked for the ledger
    assert ["".join(ch["delta"].get("content", "") for ch in c.chunk["choices"]) for c in got] == ["こん", "にちは", ""]
    assert [c.usage for c in got[:2]] == [None, None]
    u = got[2].usage
    assert u is not None and (u.prompt_tokens, u.completion_tokens, u.reported) == (9, 2, True)


async def test_stream_split_byte_by_byte_still_decodes(fake: OpenAIWire) -> None:
    body = b"data: " + chunk("日本語") + b"\r\n\r\ndata: [DONE]\r\n\r\n"
    fake.enqueue(Reply(events=[body[i : i + 1] for i in range(len(body))]))
    p = provider(fake)
    try:
        got = await collect(p.stream(call(stream=True)))
    finally:
        await p.aclose()
    assert [c.chunk["choices"][0]["delta"]["content"] for c in got] == ["日本語"]


@pytest.mark.parametrize("events,kind,text", [
    ([b"data: " + chunk("a") + b"\n\n"], "bad_response", "before [DONE]"),
    ([b"event: error\ndata: {\"message\": \"overloaded\"}\n\n"], "server", "overloaded"),
    ([b"data: {\"error\": {\"message\": \"quota\"}}\n\n"], "server", "quota"),
    ([b"data: {not json}\n\n"], "bad_response", "invalid JSON"),
    ([b"data: [1, 2]\n\n"], "bad_response", "not an object"),
])
async def test_stream_errors_map_to_kinds(fake: OpenAIWire, events: list[bytes], kind: str, text: str) -> None:
    fake.enqueue(Reply(events=events))
    p = provider(fake)
    try:
        with pytest.raises(ProviderError) as ei:
            await collect(p.stream(call(stream=True)))
    finally:
        await p.aclose()
    assert ei.value.kind == kind and text in ei.value.message


async def test_stream_http_error_before_any_event(fake: OpenAIWire) -> None:
    fake.enqueue(Reply(status=500, json={"error": {"message": "boom"}}))
    p = provider(fake)
    try:
        with pytest.raises(ProviderError) as ei:
            await collect(p.stream(call(stream=True)))
    finally:
        await p.aclose()
    assert (ei.value.kind, ei.value.status) == ("server", 500) and "boom" in ei.value.message


async def test_stream_reset_mid_body_is_a_connection_error(fake: OpenAIWire) -> None:
    fake.enqueue(Reply(events=[b"data: " + chunk("a") + b"\n\n", b"data: " + chunk("b") + b"\n\n"], reset_after=1))
    p = provider(fake)
    got: list[StreamChunk] = []
    try:
        with pytest.raises(ProviderError) as ei:
            async for c in p.stream(call(stream=True)):
                got.append(c)
    finally:
        await p.aclose()
    assert len(got) == 1 and ei.value.kind == "connection", ei.value.message
