"""GeminiProvider against a fake Generative Language API over real loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from tests.fakes.fake_gemini import (
    FakeGemini,
    Reply,
    candidate,
    gemini_error,
    response,
    retry_info,
    sse_frames,
    stream_responses,
)

from tenbin.catalog.catalog import ModelSpec
from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import ChatCall, ProviderError, StreamChunk
from tenbin.providers.gemini import GeminiProvider

KEY = "AIza-test"
MODEL = ModelSpec.model_validate(
    {
        "id": "gemini-flash",
        "provider": "gemini",
        "upstream": "gemini-2.5-flash",
        "region": "US",
        "jurisdiction": "US",
        "retention_days": 55,
        "context_window": 1_000_000,
        "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "0.3", "output": "2.5"}],
    }
)


def call(messages: list[dict[str, Any]] | None = None, **body: Any) -> ChatCall:
    body.setdefault("model", "flash-alias")
    body["messages"] = messages or [{"role": "user", "content": "Hi"}]
    return ChatCall(model=MODEL, body=body, request_id="req-1")


@pytest.fixture
async def fake() -> AsyncIterator[FakeGemini]:
    async with FakeGemini(api_key=KEY) as f:
        yield f


def make(fake: FakeGemini, **cfg: Any) -> GeminiProvider:
    cfg.setdefault("api_key", KEY)
    return GeminiProvider("gemini", ProviderConfig(kind="gemini", base_url=fake.url, **cfg))


@pytest.fixture
async def provider(fake: FakeGemini) -> AsyncIterator[GeminiProvider]:
    p = make(fake)
    yield p
    await p.aclose()


async def collect(it: AsyncIterator[StreamChunk]) -> list[StreamChunk]:
    return [c async for c in it]


def text_of(chunks: list[StreamChunk]) -> str:
    return "".join(c.chunk["choices"][0]["delta"].get("content") or "" for c in chunks if c.chunk["choices"])


# ---- request translation --------------------------------------------------------------------


async def test_request_translation_is_exact(fake: FakeGemini, provider: GeminiProvider) -> None:
    png = base64.b64encode(b"\x89PNG\r\n").decode()
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "You are terse."},
        {"role": "developer", "content": [{"type": "text", "text": "Answer in Japanese."}]},
        {"role": "user", "content": "Weather in Tokyo?"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "See photo."},
                {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
            ],
        },
        {
            "role": "assistant",
            "content": "Checking.",
            "tool_calls": [
                {
                    "id": "call_0",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city":"Tokyo"}'},
                },
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city":"Osaka"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_0", "content": '{"sky": "晴れ"}'},
        {"role": "tool", "tool_call_id": "call_1", "content": "plain text"},
        {"role": "assistant", "content": "晴れです。"},
        {"role": "user", "content": "Thanks"},
    ]
    params = {"type": "object", "properties": {"city": {"type": "string"}}, "additionalProperties": False}
    tools = [
        {"type": "function", "function": {"name": "weather", "description": "By city", "parameters": params}}
    ]
    await provider.complete(
        call(
            messages,
            temperature=0.4,
            top_p=0.8,
            max_tokens=256,
            stop=["END"],
            n=2,
            response_format={"type": "json_object"},
            tools=tools,
            tool_choice={"type": "function", "function": {"name": "weather"}},
        )
    )

    [req] = fake.requests
    assert req.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    assert req.headers["x-goog-api-key"] == KEY
    assert "key" not in req.query
    assert req.json() == {
        "systemInstruction": {"parts": [{"text": "You are terse.\n\nAnswer in Japanese."}]},
        "contents": [
            {
                "role": "user",
                "parts": [
                    {"text": "Weather in Tokyo?"},
                    {"text": "See photo."},
                    {"inlineData": {"mimeType": "image/png", "data": png}},
                ],
            },
            {
                "role": "model",
                "parts": [
                    {"text": "Checking."},
                    {"functionCall": {"name": "weather", "args": {"city": "Tokyo"}}},
                    {"functionCall": {"name": "weather", "args": {"city": "Osaka"}}},
                ],
            },
            {
                "role": "user",
                "parts": [
                    {"functionResponse": {"name": "weather", "response": {"sky": "晴れ"}}},
                    {"functionResponse": {"name": "weather", "response": {"result": "plain text"}}},
                ],
            },
            {"role": "model", "parts": [{"text": "晴れです。"}]},
            {"role": "user", "parts": [{"text": "Thanks"}]},
        ],
        "generationConfig": {
            "temperature": 0.4,
            "topP": 0.8,
            "maxOutputTokens": 256,
            "stopSequences": ["END"],
            "candidateCount": 2,
            # no responseMimeType: Gemini refuses JSON mode together with function declarations
        },
        "tools": [
            {
                "functionDeclarations": [
                    {"name": "weather", "description": "By city", "parametersJsonSchema": params}
                ]
            }
        ],
        "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["weather"]}},
    }


async def test_minimal_request_has_no_optional_sections(fake: FakeGemini, provider: GeminiProvider) -> None:
    await provider.complete(call(stop="STOP!"))
    assert fake.requests[0].json() == {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
        "generationConfig": {"stopSequences": ["STOP!"]},
    }


# ---- response translation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("RECITATION", "content_filter"),
    ],
)
async def test_response_translation(
    fake: FakeGemini, provider: GeminiProvider, reason: str, finish: str
) -> None:
    fake.enqueue(
        Reply(
            json=response(
                "こんにちは", finish_reason=reason, prompt_tokens=20, output_tokens=5, thoughts=7, cached=8
            )
        )
    )
    result = await provider.complete(call())
    r = result.response
    assert r["object"] == "chat.completion" and r["model"] == "flash-alias" and r["id"]
    assert r["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "こんにちは"},
            "logprobs": None,
            "finish_reason": finish,
        }
    ]
    u = result.usage
    assert (u.prompt_tokens, u.completion_tokens, u.cached_tokens, u.reported) == (20, 12, 8, True)
    assert r["usage"] == {
        "prompt_tokens": 20,
        "completion_tokens": 12,
        "total_tokens": 32,
        "prompt_tokens_details": {"cached_tokens": 8},
    }


async def test_function_calls_and_thoughts(fake: FakeGemini, provider: GeminiProvider) -> None:
    body = response(None, function_calls=[("weather", {"city": "東京"}), ("time", {})])
    body["candidates"][0]["content"]["parts"].insert(0, {"text": "thinking…", "thought": True})
    fake.enqueue(Reply(json=body))
    choice = (await provider.complete(call())).response["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    calls = choice["message"]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["weather", "time"]
    assert len({c["id"] for c in calls}) == 2 and all(c["type"] == "function" for c in calls)
    assert orjson.loads(calls[0]["function"]["arguments"]) == {"city": "東京"}


async def test_multiple_candidates(fake: FakeGemini, provider: GeminiProvider) -> None:
    body = response("a")
    body["candidates"].append(candidate([{"text": "b"}], "MAX_TOKENS", 1))
    fake.enqueue(Reply(json=body))
    choices = (await provider.complete(call(n=2))).response["choices"]
    assert [(c["index"], c["message"]["content"], c["finish_reason"]) for c in choices] == [
        (0, "a", "stop"),
        (1, "b", "length"),
    ]


async def test_blocked_prompt_is_bad_request(fake: FakeGemini, provider: GeminiProvider) -> None:
    fake.enqueue(
        Reply(json={"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3}})
    )
    with pytest.raises(ProviderError) as ei:
        await provider.complete(call())
    assert ei.value.kind == "bad_request" and "SAFETY" in ei.value.message


# ---- streaming ------------------------------------------------------------------------------


async def test_stream_translation(fake: FakeGemini, provider: GeminiProvider) -> None:
    fake.enqueue(
        Reply(
            events=sse_frames(
                stream_responses(["Hel", "lo, ", "世界"], prompt_tokens=9, output_tokens=4, thoughts=2)
            )
        )
    )
    chunks = await collect(provider.stream(call()))
    req = fake.requests[0]
    assert req.path == "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
    assert req.query == {"alt": "sse"}
    dicts = [c.chunk for c in chunks]
    assert all(d["object"] == "chat.completion.chunk" for d in dicts)
    assert len({d["id"] for d in dicts}) == 1 and {d["model"] for d in dicts} == {"flash-alias"}
    assert dicts[0]["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}
    ]
    assert text_of(chunks) == "Hello, 世界"
    assert dicts[-2]["choices"] == [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]
    assert dicts[-1]["choices"] == []
    assert dicts[-1]["usage"] == {"prompt_tokens": 9, "completion_tokens": 6, "total_tokens": 15}
    assert [c.usage is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]


async def test_stream_function_call(fake: FakeGemini, provider: GeminiProvider) -> None:
    fake.enqueue(
        Reply(
            events=sse_frames(stream_responses(["Checking."], function_calls=[("weather", {"city": "大阪"})]))
        )
    )
    chunks = await collect(provider.stream(call()))
    calls = [
        tc
        for c in chunks
        if c.chunk["choices"]
        for tc in c.chunk["choices"][0]["delta"].get("tool_calls", [])
    ]
    [tc] = calls
    assert tc["index"] == 0 and tc["type"] == "function" and tc["function"]["name"] == "weather" and tc["id"]
    assert orjson.loads(tc["function"]["arguments"]) == {"city": "大阪"}
    assert chunks[-2].chunk["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(events=sse_frames(stream_responses(["a", "b", "c"]))[:2]), "bad_response"),
        (Reply(events=sse_frames(stream_responses(["a", "b", "c"])), truncate_after=2), "bad_response"),
        (Reply(events=sse_frames(stream_responses(["a", "b", "c"])), reset_after=1), "connection"),
        (Reply(events=[b'data: {"candidates": [\r\n\r\n']), "bad_response"),
        (
            Reply(events=sse_frames([{"error": {"code": 500, "message": "Internal", "status": "INTERNAL"}}])),
            "server",
        ),
        (Reply(events=sse_frames(stream_responses(["a", "b"])), drip=1.0), "timeout"),
        (gemini_error(503, "The model is overloaded. Please try again later."), "server"),
    ],
    ids=["no-finish", "truncated", "reset", "malformed", "error-event", "stalled", "http-503"],
)
async def test_stream_failures(fake: FakeGemini, reply: Reply, kind: str) -> None:
    # Short deadlines only where the case is the deadline ("stalled": silent between chunks); the
    # others get room, so a loaded machine cannot turn their failure into a timeout.
    wait = 0.2 if kind == "timeout" else 10.0
    p = make(fake, first_byte_timeout_s=wait, idle_timeout_s=wait)
    fake.enqueue(reply)
    try:
        with pytest.raises(ProviderError) as ei:
            await collect(p.stream(call()))
    finally:
        await p.aclose()
    assert ei.value.kind == kind


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "kind", "status"),
    [
        (gemini_error(500, "An internal error has occurred."), "server", 500),
        (gemini_error(400, "Invalid value at 'generation_config.temperature'"), "bad_request", 400),
        (gemini_error(403, "Permission denied"), "auth", 403),
        (Reply(raw=b'{"candidates": [{"content": '), "bad_response", None),
        (Reply(json=response("x" * 2000), reset_after=100), "connection", None),
    ],
    ids=["500", "400", "403", "malformed-json", "reset"],
)
async def test_http_errors(
    fake: FakeGemini, provider: GeminiProvider, reply: Reply, kind: str, status: int | None
) -> None:
    fake.enqueue(reply)
    with pytest.raises(ProviderError) as ei:
        await provider.complete(call())
    assert (ei.value.kind, ei.value.status) == (kind, status)


async def test_rate_limit_retry_after_header_or_retry_info(
    fake: FakeGemini, provider: GeminiProvider
) -> None:
    fake.enqueue(gemini_error(429, "Resource has been exhausted", retry_after=3))
    fake.enqueue(gemini_error(429, "You exceeded your current quota", details=[retry_info(17)]))
    for expected in (3.0, 17.0):
        with pytest.raises(ProviderError) as ei:
            await provider.complete(call())
        assert (ei.value.kind, ei.value.retry_after) == ("rate_limit", expected)


async def test_invalid_key_is_auth_although_http_400(fake: FakeGemini) -> None:
    p = make(fake, api_key="AIza-wrong")
    try:
        with pytest.raises(ProviderError) as ei:
            await p.complete(call())
    finally:
        await p.aclose()
    assert (ei.value.kind, ei.value.status) == ("auth", 400)


async def test_timeout_before_headers(fake: FakeGemini) -> None:
    p = make(fake, first_byte_timeout_s=0.2)
    fake.enqueue(Reply(json=response(), delay=2.0))
    try:
        with pytest.raises(ProviderError) as ei:
            await p.complete(call())
    finally:
        await p.aclose()
    assert ei.value.kind == "timeout"


async def test_bad_requests_fail_before_sending(fake: FakeGemini, provider: GeminiProvider) -> None:
    bad = (
        call([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]),
        call([{"role": "tool", "tool_call_id": "nope", "content": "x"}]),
        call(tool_choice="sometimes", tools=[{"type": "function", "function": {"name": "f"}}]),
        call(tools=["not-an-object"]),
        call([{"role": "assistant", "content": "x", "tool_calls": [42]}]),
        call(response_format="json"),
    )
    for c in bad:
        with pytest.raises(ProviderError) as ei:
            await provider.complete(c)
        assert ei.value.kind == "bad_request"
    assert fake.requests == []


async def test_default_answer_for_unscripted_requests(fake: FakeGemini, provider: GeminiProvider) -> None:
    r = (await provider.complete(call())).response
    assert r["choices"][0]["message"]["content"] == "Hello from fake Gemini."
    assert text_of(await collect(provider.stream(call()))) == "Hello from fake Gemini."


def _model(upstream: str) -> ModelSpec:
    return MODEL.model_copy(update={"upstream": upstream})


async def test_thought_signature_survives_the_round_trip_gemini_3(fake: FakeGemini, provider: GeminiProvider) -> None:
    sig = base64.b64encode(b"opaque-signature").decode()
    part = {"functionCall": {"name": "weather", "args": {"city": "Tokyo"}}, "thoughtSignature": sig}
    fake.enqueue(Reply(json={"candidates": [candidate([part], "STOP")], "usageMetadata": {}}))
    g3 = _model("gemini-3-pro-preview")
    first = await provider.complete(ChatCall(model=g3, body={"model": "g", "messages": [
        {"role": "user", "content": "Weather?"}]}, request_id="r1"))
    tc = first.response["choices"][0]["message"]["tool_calls"][0]
    assert tc["extra_content"] == {"google": {"thought_signature": sig}}  # as Google's OpenAI API hands it out
    history = [{"role": "user", "content": "Weather?"}, {"role": "assistant", "content": None, "tool_calls": [tc]},
               {"role": "tool", "tool_call_id": tc["id"], "content": "晴れ"}]
    await provider.complete(ChatCall(model=g3, body={"model": "g", "messages": history}, request_id="r2"))
    sent = fake.requests[-1].json()["contents"][1]["parts"][0]
    assert sent["thoughtSignature"] == sig

    without = [history[0], {"role": "assistant", "content": None, "tool_calls": [
        {k: v for k, v in tc.items() if k != "extra_content"}]}, history[2]]
    with pytest.raises(ProviderError) as e:  # the fake refuses what Gemini 3 refuses
        await provider.complete(ChatCall(model=g3, body={"model": "g", "messages": without}, request_id="r3"))
    assert e.value.kind == "bad_request" and "thought_signature" in e.value.message


@pytest.mark.parametrize(("upstream", "sent"), [("gemini-2.5-flash", False), ("gemini-2.0-flash", True)])
async def test_penalties_only_where_the_model_takes_them(fake: FakeGemini, provider: GeminiProvider,
                                                         upstream: str, sent: bool) -> None:
    await provider.complete(ChatCall(model=_model(upstream), body={
        "model": "g", "messages": [{"role": "user", "content": "Hi"}], "presence_penalty": 0.5,
        "frequency_penalty": 0.2}, request_id="r"))
    gc = fake.requests[-1].json().get("generationConfig", {})
    assert ("presencePenalty" in gc and "frequencyPenalty" in gc) is sent


async def test_json_mode_without_tools_keeps_the_mime_type(fake: FakeGemini, provider: GeminiProvider) -> None:
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}}
    fmt = {"type": "json_schema", "json_schema": {"name": "a", "schema": schema}}
    await provider.complete(call(response_format=fmt))
    gc = fake.requests[-1].json()["generationConfig"]
    assert gc["responseMimeType"] == "application/json" and gc["responseJsonSchema"] == schema


@pytest.mark.parametrize(("upstream", "effort", "thinking"), [
    ("gemini-2.5-flash", "low", {"thinkingBudget": 1024}),
    ("gemini-2.5-flash", "minimal", {"thinkingBudget": 0}),
    ("gemini-3-pro-preview", "high", {"thinkingLevel": "high"}),
])
async def test_reasoning_effort_becomes_a_thinking_config(fake: FakeGemini, provider: GeminiProvider, upstream: str,
                                                          effort: str, thinking: dict[str, Any]) -> None:
    await provider.complete(ChatCall(model=_model(upstream), body={
        "model": "g", "messages": [{"role": "user", "content": "Hi"}], "reasoning_effort": effort}, request_id="r"))
    assert fake.requests[-1].json()["generationConfig"]["thinkingConfig"] == thinking


@pytest.mark.parametrize("reason", ["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL"])
async def test_a_failed_function_call_is_a_bad_response_not_an_answer(fake: FakeGemini, provider: GeminiProvider,
                                                                       reason: str) -> None:
    fake.enqueue(Reply(json={"candidates": [candidate([], reason)], "usageMetadata": {}}))
    with pytest.raises(ProviderError) as e:
        await provider.complete(call())
    assert e.value.kind == "bad_response" and reason in e.value.message
    fake.enqueue(Reply(events=sse_frames([{"candidates": [candidate([{"text": "x"}], reason)]}])))
    with pytest.raises(ProviderError) as e:
        async for _ in provider.stream(call()):
            pass
    assert e.value.kind == "bad_response"
