"""AnthropicProvider against a fake Anthropic server over real loopback HTTP."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from tests.fakes.fake_anthropic import (
    FakeAnthropic,
    Reply,
    anthropic_error,
    message,
    message_events,
    stream_error,
)

from tenbin.catalog.catalog import ModelSpec
from tenbin.config.schema import ProviderConfig
from tenbin.providers.anthropic import AnthropicProvider
from tenbin.providers.base import ChatCall, ProviderError, StreamChunk

KEY = "sk-ant-test"
MODEL = ModelSpec.model_validate(
    {
        "id": "claude-sonnet",
        "provider": "anthropic",
        "upstream": "claude-sonnet-4-5-20250929",
        "region": "US",
        "jurisdiction": "US",
        "retention_days": 30,
        "context_window": 200_000,
        "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "3", "output": "15"}],
    }
)


def call(messages: list[dict[str, Any]] | None = None, **body: Any) -> ChatCall:
    body.setdefault("model", "sonnet-alias")
    body["messages"] = messages or [{"role": "user", "content": "Hi"}]
    return ChatCall(model=MODEL, body=body, request_id="req-1")


@pytest.fixture
async def fake() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic(api_key=KEY) as f:
        yield f


def make(fake: FakeAnthropic, **cfg: Any) -> AnthropicProvider:
    cfg.setdefault("api_key", KEY)
    return AnthropicProvider("anthropic", ProviderConfig(kind="anthropic", base_url=fake.url, **cfg))


@pytest.fixture
async def provider(fake: FakeAnthropic) -> AsyncIterator[AnthropicProvider]:
    p = make(fake)
    yield p
    await p.aclose()


async def collect(it: AsyncIterator[StreamChunk]) -> list[StreamChunk]:
    return [c async for c in it]


# ---- request translation --------------------------------------------------------------------


async def test_request_translation_is_exact(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "What is the weather"},
        {"role": "user", "content": [{"type": "text", "text": "in Tokyo and Osaka?"}]},
        {"role": "system", "content": [{"type": "text", "text": "Answer in Japanese."}]},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "toolu_1",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city": "Tokyo"}'},
                },
                {
                    "id": "toolu_2",
                    "type": "function",
                    "function": {"name": "weather", "arguments": '{"city": "Osaka"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "toolu_1", "content": "晴れ"},
        {"role": "tool", "tool_call_id": "toolu_2", "content": [{"type": "text", "text": "雨"}]},
        {"role": "user", "content": "Thanks"},
    ]
    tools = [
        {
            "type": "function",
            "function": {
                "name": "weather",
                "description": "Weather by city",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            },
        }
    ]
    await provider.complete(
        call(
            messages,
            stop="END",
            max_completion_tokens=300,
            temperature=0.2,
            top_p=0.9,
            user="u-42",
            tools=tools,
            tool_choice="required",
            parallel_tool_calls=False,
        )
    )

    [req] = fake.requests
    assert req.path == "/v1/messages"
    assert req.headers["x-api-key"] == KEY
    assert req.headers["anthropic-version"] == "2023-06-01"
    assert req.headers["content-type"] == "application/json"
    assert req.json() == {
        "model": "claude-sonnet-4-5-20250929",
        "max_tokens": 300,
        "system": "You are terse.\n\nAnswer in Japanese.",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is the weather"},
                    {"type": "text", "text": "in Tokyo and Osaka?"},
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "weather", "input": {"city": "Tokyo"}},
                    {"type": "tool_use", "id": "toolu_2", "name": "weather", "input": {"city": "Osaka"}},
                ],
            },
            {
                "role": "user",
                "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "晴れ"},
                    {"type": "tool_result", "tool_use_id": "toolu_2", "content": "雨"},
                    {"type": "text", "text": "Thanks"},
                ],
            },
        ],
        "temperature": 0.2,
        # no top_p: temperature was given too, and Claude 4.5 models refuse the pair
        "stop_sequences": ["END"],
        "metadata": {"user_id": "u-42"},
        "tools": [
            {
                "name": "weather",
                "description": "Weather by city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
        "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
    }


async def test_defaults_version_headers_and_images(fake: FakeAnthropic) -> None:
    p = make(fake, api_version="2024-01-01", headers={"anthropic-beta": "prompt-caching-2024-07-31"})
    png = base64.b64encode(b"\x89PNG\r\n").decode()
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}"}},
    ]
    try:
        await p.complete(call([{"role": "user", "content": content}], stop=["a", "b"], max_tokens=None))
    finally:
        await p.aclose()
    req = fake.requests[0]
    assert req.headers["anthropic-version"] == "2024-01-01"
    assert req.headers["anthropic-beta"] == "prompt-caching-2024-07-31"
    body = req.json()
    assert body["max_tokens"] == 4096
    assert body["stop_sequences"] == ["a", "b"]
    assert "system" not in body and "stream" not in body
    assert body["messages"][0]["content"][1] == {
        "type": "image",
        "source": {"type": "base64", "media_type": "image/png", "data": png},
    }


# ---- response translation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("refusal", "content_filter"),
    ],
)
async def test_response_translation(
    fake: FakeAnthropic, provider: AnthropicProvider, stop_reason: str, finish: str
) -> None:
    fake.enqueue(
        Reply(
            json=message(
                "こんにちは",
                stop_reason=stop_reason,
                input_tokens=10,
                output_tokens=7,
                cache_read=100,
                cache_creation=20,
            )
        )
    )
    result = await provider.complete(call())
    r = result.response
    assert r["object"] == "chat.completion"
    assert r["id"] == "msg_01XFDUDYJgAACzvnptvVoYEL"
    assert r["model"] == "sonnet-alias"
    assert isinstance(r["created"], int)
    assert r["choices"] == [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "こんにちは"},
            "logprobs": None,
            "finish_reason": finish,
        }
    ]
    assert (result.usage.prompt_tokens, result.usage.cached_tokens) == (130, 100)
    assert (result.usage.completion_tokens, result.usage.reported) == (7, True)
    assert result.usage.cache_write_tokens == 20  # billed at the cache-write rate
    assert r["usage"] == {  # the pipeline's shape; the chat face drops cache_write_tokens for clients
        "prompt_tokens": 130,
        "completion_tokens": 7,
        "total_tokens": 137,
        "prompt_tokens_details": {"cached_tokens": 100, "cache_write_tokens": 20},
    }


async def test_tool_use_answer_becomes_tool_calls(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.enqueue(Reply(json=message(None, tool_uses=[("toolu_9", "weather", {"city": "東京"})])))
    r = (await provider.complete(call())).response
    choice = r["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] is None
    [tc] = choice["message"]["tool_calls"]
    assert tc["id"] == "toolu_9" and tc["type"] == "function" and tc["function"]["name"] == "weather"
    assert isinstance(tc["function"]["arguments"], str)
    assert orjson.loads(tc["function"]["arguments"]) == {"city": "東京"}


# ---- streaming ------------------------------------------------------------------------------


async def test_stream_translation(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.enqueue(
        Reply(events=message_events(["Hel", "lo, ", "世界"], input_tokens=9, output_tokens=4, cache_read=3))
    )
    chunks = await collect(provider.stream(call()))
    assert orjson.loads(fake.requests[0].body)["stream"] is True
    dicts = [c.chunk for c in chunks]
    assert all(d["object"] == "chat.completion.chunk" for d in dicts)
    assert len({d["id"] for d in dicts}) == 1 and {d["model"] for d in dicts} == {"sonnet-alias"}
    assert dicts[0]["choices"] == [
        {"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}
    ]
    text = "".join(d["choices"][0]["delta"].get("content", "") for d in dicts if d["choices"])
    assert text == "Hello, 世界"
    assert dicts[-2]["choices"] == [{"index": 0, "delta": {}, "logprobs": None, "finish_reason": "stop"}]
    assert dicts[-1]["choices"] == []
    assert dicts[-1]["usage"] == {
        "prompt_tokens": 12,
        "completion_tokens": 4,
        "total_tokens": 16,
        "prompt_tokens_details": {"cached_tokens": 3},
    }
    assert [c.usage is not None for c in chunks].count(True) == 1
    assert chunks[-1].usage is not None and chunks[-1].usage.reported


async def test_stream_tool_calls(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.enqueue(
        Reply(
            events=message_events(
                ["Let me check."],
                tool_uses=[
                    ("toolu_a", "weather", {"city": "Tokyo"}),
                    ("toolu_b", "time", {"tz": "Asia/Tokyo"}),
                ],
            )
        )
    )
    chunks = await collect(provider.stream(call()))
    deltas = [c.chunk["choices"][0]["delta"] for c in chunks if c.chunk["choices"]]
    calls = [tc for d in deltas for tc in d.get("tool_calls", [])]
    heads = [tc for tc in calls if "id" in tc]
    assert heads == [
        {"index": 0, "id": "toolu_a", "type": "function", "function": {"name": "weather", "arguments": ""}},
        {"index": 1, "id": "toolu_b", "type": "function", "function": {"name": "time", "arguments": ""}},
    ]
    args = {0: "", 1: ""}
    for tc in calls:
        args[tc["index"]] += tc["function"]["arguments"]
    assert orjson.loads(args[0]) == {"city": "Tokyo"} and orjson.loads(args[1]) == {"tz": "Asia/Tokyo"}
    assert chunks[-2].chunk["choices"][0]["finish_reason"] == "tool_calls"


async def test_stream_slow_drip_is_fine(fake: FakeAnthropic) -> None:
    p = make(fake, first_byte_timeout_s=0.5)
    fake.enqueue(Reply(events=message_events(["a", "b", "c"]), drip=0.02))
    try:
        chunks = await collect(p.stream(call()))
    finally:
        await p.aclose()
    assert (
        "".join(c.chunk["choices"][0]["delta"].get("content", "") for c in chunks if c.chunk["choices"])
        == "abc"
    )


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        (Reply(events=[*message_events()[:3], stream_error()]), "server"),
        (Reply(events=message_events(), truncate_after=5), "bad_response"),
        (Reply(events=message_events(), reset_after=4), "connection"),
        (Reply(events=[b"event: message_start\ndata: {not json\n\n"]), "bad_response"),
        (Reply(events=message_events(), drip=1.0), "timeout"),
        (anthropic_error(529, "overloaded_error", "Overloaded"), "server"),
    ],
    ids=["error-event", "truncated", "reset", "malformed", "stalled", "http-529"],
)
async def test_stream_failures(fake: FakeAnthropic, reply: Reply, kind: str) -> None:
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
        (anthropic_error(500, "api_error", "Internal server error"), "server", 500),
        (anthropic_error(529, "overloaded_error", "Overloaded"), "server", 529),
        (anthropic_error(400, "invalid_request_error", "messages: too long"), "bad_request", 400),
        (anthropic_error(403, "permission_error", "no access"), "auth", 403),
        (Reply(raw=b'{"id": "msg_01", "content": ['), "bad_response", None),
        (Reply(json=message("x" * 2000), reset_after=100), "connection", None),
    ],
    ids=["500", "529", "400", "403", "malformed-json", "reset"],
)
async def test_http_errors(
    fake: FakeAnthropic, provider: AnthropicProvider, reply: Reply, kind: str, status: int | None
) -> None:
    fake.enqueue(reply)
    with pytest.raises(ProviderError) as ei:
        await provider.complete(call())
    assert (ei.value.kind, ei.value.status) == (kind, status)


async def test_rate_limit_carries_retry_after(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    fake.enqueue(anthropic_error(429, "rate_limit_error", "Number of requests has exceeded", retry_after=3))
    with pytest.raises(ProviderError) as ei:
        await provider.complete(call())
    assert ei.value.kind == "rate_limit" and ei.value.retry_after == 3.0 and ei.value.retryable
    assert "Number of requests has exceeded" in ei.value.message


async def test_wrong_key_is_auth(fake: FakeAnthropic) -> None:
    p = make(fake, api_key="sk-wrong")
    try:
        with pytest.raises(ProviderError) as ei:
            await p.complete(call())
    finally:
        await p.aclose()
    assert (ei.value.kind, ei.value.status) == ("auth", 401)


async def test_timeout_before_headers(fake: FakeAnthropic) -> None:
    p = make(fake, first_byte_timeout_s=0.2)
    fake.enqueue(Reply(json=message(), delay=2.0))
    try:
        with pytest.raises(ProviderError) as ei:
            await p.complete(call())
    finally:
        await p.aclose()
    assert ei.value.kind == "timeout"


async def test_missing_secret_is_unavailable_without_a_request(fake: FakeAnthropic) -> None:
    p = make(fake, api_key=None, missing_secret="ANTHROPIC_API_KEY")
    with pytest.raises(ProviderError) as ei:
        await p.complete(call())
    assert ei.value.kind == "unavailable" and fake.requests == []
    assert not p.availability().ok


async def test_bad_requests_fail_before_sending(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    for c in (
        call(n=2),
        call([{"role": "system", "content": "only system"}]),
        call([{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]),
        call(tools=["not-an-object"]),
        call([{"role": "assistant", "content": "x", "tool_calls": [42]}]),
        call(max_tokens="lots"),
    ):
        with pytest.raises(ProviderError) as ei:
            await provider.complete(c)
        assert ei.value.kind == "bad_request"
    assert fake.requests == []


async def test_default_answer_for_unscripted_requests(
    fake: FakeAnthropic, provider: AnthropicProvider
) -> None:
    r = (await provider.complete(call())).response
    assert r["choices"][0]["message"]["content"] == "Hello from fake Anthropic."
    chunks = await collect(provider.stream(call()))
    text = "".join(c.chunk["choices"][0]["delta"].get("content", "") for c in chunks if c.chunk["choices"])
    assert text == "Hello from fake Anthropic."


@pytest.mark.parametrize(("sampling", "sent"), [({"temperature": 0.3, "top_p": 0.9}, {"temperature": 0.3}),
                                                ({"top_p": 0.9}, {"top_p": 0.9})])
async def test_claude_4_5_never_gets_temperature_and_top_p_together(
        fake: FakeAnthropic, provider: AnthropicProvider, sampling: dict[str, float], sent: dict[str, float]) -> None:
    model = MODEL.model_copy(update={"upstream": "claude-sonnet-4-5-20250929"})
    await provider.complete(ChatCall(model=model, body={"model": "c", "messages": [
        {"role": "user", "content": "Hi"}], **sampling}, request_id="r"))
    body = fake.requests[-1].json()
    assert {k: body[k] for k in ("temperature", "top_p") if k in body} == sent


async def test_cache_control_breakpoints_reach_anthropic(fake: FakeAnthropic, provider: AnthropicProvider) -> None:
    mark = {"type": "ephemeral"}
    await provider.complete(ChatCall(model=MODEL, body={"model": "c", "messages": [
        {"role": "system", "content": [{"type": "text", "text": "長い社内規程…", "cache_control": mark}]},
        {"role": "user", "content": [{"type": "text", "text": "第3条は?", "cache_control": mark}]}]},
        request_id="r"))
    body = fake.requests[-1].json()
    assert body["system"] == [{"type": "text", "text": "長い社内規程…", "cache_control": mark}]
    assert body["messages"][0]["content"] == [{"type": "text", "text": "第3条は?", "cache_control": mark}]


async def test_events_of_one_read_are_marked_and_what_came_before_an_error_in_it_is_still_yielded(
        fake: FakeAnthropic) -> None:
    # The whole stream up to a mid-answer error in one write: the adapter reads it whole before
    # yielding (an event may make no chunk), so it must still yield the text that preceded the
    # error, mark every chunk but the last of the read as having another right behind it
    # (gateway/streaming.py writes those together), and only then raise.
    events = message_events(("Hello", "!"))
    p = make(fake, first_byte_timeout_s=10, idle_timeout_s=10)
    fake.enqueue(Reply(events=[b"".join(events[:-2]) + stream_error()]))
    got: list[StreamChunk] = []
    try:
        with pytest.raises(ProviderError) as ei:
            async for c in p.stream(call()):
                got.append(c)
    finally:
        await p.aclose()
    assert ei.value.kind == "server"
    texts = [(ch.get("delta") or {}).get("content") for c in got for ch in c.chunk["choices"]]
    assert "".join(t for t in texts if t) == "Hello!"
    assert [c.more for c in got] == [True] * (len(got) - 1) + [False]
