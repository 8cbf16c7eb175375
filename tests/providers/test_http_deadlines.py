"""The HTTP adapters' deadlines, phase by phase, against the fake OpenAI vendor over loopback:
which deadline ended a call, whether its request had left, and that the pipeline's per-model
deadlines (``ATTEMPT``) win over the provider's own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import SecretStr
from tests.fakes.fake_openai import FakeOpenAI

from tenbin.catalog.catalog import ModelSpec
from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import ChatCall, StreamChunk
from tenbin.providers.deadlines import ATTEMPT, DeadlineExceeded, Deadlines
from tenbin.providers.openai_compat import OpenAICompatProvider

MODEL = ModelSpec.model_validate({
    "id": "m", "provider": "p", "upstream": "m", "region": "US", "jurisdiction": "US", "retention_days": 30,
    "context_window": 128_000, "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "1", "output": "1"}]})
CALL = ChatCall(model=MODEL, body={"messages": [{"role": "user", "content": "hi"}]}, request_id="r1")


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    f = await FakeOpenAI(reply="abcdefgh").start()
    yield f
    await f.stop()


def provider(fake: FakeOpenAI, **kw: Any) -> OpenAICompatProvider:
    cfg = {"first_byte_timeout_s": 0.3, "idle_timeout_s": 0.3, "timeout_s": 0.6, **kw}
    return OpenAICompatProvider("p", ProviderConfig(kind="openai", base_url=fake.url, api_key=SecretStr("k"), **cfg))


async def collect(it: AsyncIterator[StreamChunk]) -> list[StreamChunk]:
    return [c async for c in it]


@pytest.mark.parametrize(("stream", "fault", "phase"), [
    (False, {"delay": 30}, "first_byte"),
    (True, {"delay": 30}, "first_byte"),
    (False, {"body_stall": 30}, "total"),
    (True, {"stall_after": 2, "stall": 30}, "idle"),
], ids=["plain-hung", "stream-hung", "plain-stalled-body", "stream-silent"])
async def test_each_phase_names_its_deadline(fake: FakeOpenAI, stream: bool, fault: dict[str, Any],
                                             phase: str) -> None:
    fake.script = [fault]
    p = provider(fake)
    try:
        with pytest.raises(DeadlineExceeded) as ei:
            await (collect(p.stream(CALL)) if stream else p.complete(CALL))
    finally:
        await p.aclose()
    e = ei.value
    assert (e.kind, e.phase, e.sent, e.retryable) == ("timeout", phase, True, True)
    assert f"({phase} deadline)" in e.message


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
async def test_a_call_still_waiting_for_a_connection_at_its_deadline_was_not_sent(fake: FakeOpenAI,
                                                                                    stream: bool) -> None:
    """One pooled connection, held by a hung call: the next waits for it and passes its first-byte
    deadline before a byte of its request left, so a retry of it costs nothing; the hung one had
    left."""
    fake.script = [{"delay": 30}]
    p = provider(fake, max_connections=1)
    try:
        hung = asyncio.create_task(p.complete(CALL))
        while not fake.requests:
            await asyncio.sleep(0.01)
        token = ATTEMPT.set(Deadlines(connect=1, first_byte=0.1, idle=1, total=1, timeout_retries=0))
        try:  # it gives up while the hung call (0.3 s) still holds the connection
            with pytest.raises(DeadlineExceeded) as queued:
                await (collect(p.stream(CALL)) if stream else p.complete(CALL))
        finally:
            ATTEMPT.reset(token)
        with pytest.raises(DeadlineExceeded) as sent:
            await hung
    finally:
        await p.aclose()
    assert (queued.value.phase, queued.value.sent) == ("first_byte", False)
    assert (sent.value.phase, sent.value.sent) == ("first_byte", True)
    assert len(fake.requests) == 1


async def test_a_stream_that_keeps_sending_outlives_its_total(fake: FakeOpenAI) -> None:
    """timeout_s is for plain calls: 8 chunks 0.15 s apart (1.2 s) under a 0.6 s total."""
    fake.script = [{"drip": 0.15}]
    p = provider(fake)
    try:
        chunks = await collect(p.stream(CALL))
    finally:
        await p.aclose()
    text = "".join(c.chunk["choices"][0]["delta"].get("content") or "" for c in chunks if c.chunk["choices"])
    assert text == "abcdefgh" and chunks[-1].usage is not None


async def test_the_attempts_deadlines_win_over_the_providers(fake: FakeOpenAI) -> None:
    fake.script = [{"delay": 0.6}]
    p = provider(fake)  # its own first byte: 0.3 s
    token = ATTEMPT.set(Deadlines(connect=1, first_byte=2, idle=1, total=3, timeout_retries=0))
    try:
        result = await p.complete(CALL)
    finally:
        ATTEMPT.reset(token)
        await p.aclose()
    assert result.response["choices"][0]["message"]["content"] == "abcdefgh"
