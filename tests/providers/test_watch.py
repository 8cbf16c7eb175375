"""One loop timer for a task's deadlines (``deadlines.Watch``): it cancels the task only while
armed, at the armed time however often that moved, and tells its own cancellation from anyone
else's — and through the adapter, a stream's consumer may hold the generator longer than the
idle deadline without being cut."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr
from tests.fakes.fake_openai import FakeOpenAI
from tests.providers.test_http_deadlines import CALL

from tenbin.config.schema import ProviderConfig
from tenbin.providers.deadlines import Phase, Watch
from tenbin.providers.openai_compat import OpenAICompatProvider


async def waits(watch: Watch, seconds: float) -> Phase | None:
    """Sleep ``seconds`` while armed; the deadline that cut the sleep, or None."""
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        phase = watch.expired()
        if phase is None:
            raise
        return phase
    finally:
        watch.disarm()
    return None


async def test_it_cancels_at_the_armed_time_and_names_the_deadline() -> None:
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    w.arm(loop.time() + 0.05, "first_byte")
    assert await waits(w, 5) == "first_byte"
    w.close()


async def test_a_deadline_moved_later_is_kept_by_the_same_timer() -> None:
    """Armed for 0.05 s, then for 0.4 s from now: the timer fires at 0.05 s, finds the later time
    and waits for it; the task is cut at the later time, not the first."""
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    t0 = loop.time()
    w.arm(t0 + 0.05, "first_byte")
    w.arm(t0 + 0.4, "idle")
    assert await waits(w, 5) == "idle"
    assert loop.time() - t0 >= 0.4
    w.close()


async def test_an_earlier_deadline_than_the_timer_replaces_it() -> None:
    loop = asyncio.get_running_loop()
    w = Watch(loop, loop.time() + 60)
    w.arm(loop.time() + 0.05, "total")
    assert await waits(w, 5) == "total"
    w.close()


async def test_a_disarmed_watch_never_cancels() -> None:
    """Between waits (a stream's generator suspended at its ``yield``) the task is left alone
    however long it takes, and the next wait is timed from its own start."""
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    w.arm(loop.time() + 0.05, "first_byte")
    assert await waits(w, 0.01) is None
    await asyncio.sleep(0.2)  # disarmed, past the armed time
    w.arm(loop.time() + 0.05, "idle")
    assert await waits(w, 0.01) is None
    w.close()


async def test_someone_elses_cancellation_stays_a_cancellation() -> None:
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    w.arm(loop.time() + 60, "first_byte")
    task = asyncio.create_task(waits(w, 5))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    w.close()


async def test_a_cancellation_that_comes_with_the_deadline_wins() -> None:
    """The client leaving in the same loop turn as the deadline: the task still ends cancelled
    (as with ``asyncio.timeout``), not with a timeout somebody would retry."""
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    when = loop.time() + 0.05

    async def body() -> Phase | None:
        w.arm(when, "first_byte")
        return await waits(w, 5)

    task = asyncio.create_task(body())
    loop.call_at(when, task.cancel)  # due in the same loop turn as the watch's own timer
    with pytest.raises(asyncio.CancelledError):
        await task
    w.close()


async def test_a_closed_watch_does_not_fire() -> None:
    loop = asyncio.get_running_loop()
    w = Watch(loop)
    w.arm(loop.time() + 0.05, "total")
    w.close()
    await asyncio.sleep(0.1)
    assert w.fired is None


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    f = await FakeOpenAI(reply="abcdefgh").start()
    yield f
    await f.stop()


async def test_a_slow_consumer_is_not_cut_by_the_idle_deadline(fake: FakeOpenAI) -> None:
    """Every chunk is already there; the consumer takes 0.4 s over each under a 0.2 s idle
    deadline. Idle times the vendor's silence, not ours: the whole answer arrives."""
    p = OpenAICompatProvider("p", ProviderConfig(kind="openai", base_url=fake.url, api_key=SecretStr("k"),
                                                 first_byte_timeout_s=0.2, idle_timeout_s=0.2))
    text = ""
    try:
        async for c in p.stream(CALL):
            await asyncio.sleep(0.4)
            if c.chunk["choices"]:
                text += c.chunk["choices"][0]["delta"].get("content") or ""
    finally:
        await p.aclose()
    assert text == "abcdefgh"


async def test_a_plain_call_cancelled_by_its_caller_is_not_a_timeout(fake: FakeOpenAI) -> None:
    """The client left while the vendor was thinking: CancelledError, not a DeadlineExceeded the
    pipeline would count against the vendor and retry."""
    fake.script = [{"delay": 30}]
    p = OpenAICompatProvider("p", ProviderConfig(kind="openai", base_url=fake.url, api_key=SecretStr("k"),
                                                 first_byte_timeout_s=5))
    try:
        task = asyncio.create_task(p.complete(CALL))
        while not fake.requests:
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        await p.aclose()
