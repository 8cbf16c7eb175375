"""When a stream belongs to its model (issue 11, item 6): it commits only at its first
content-bearing chunk, so a role-only first chunk followed by invalid JSON, a cut or silence
still falls back; and a failure after the commit counts against the model's breaker, so a vendor
that always breaks its streams leaves rotation. Real openai SDK → gateway → fake vendors.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, message_events, sse
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k", "VENDOR_KEY": "vk"}
MSGS: Any = [{"role": "user", "content": "hello"}]


@dataclass
class Pair:
    gw: GatewayHandle
    primary: FakeOpenAI
    backup: FakeOpenAI
    clock: ManualClock

    def stream(self, model: str = "primary") -> tuple[str, str]:
        c = openai.OpenAI(base_url=self.gw.base_url, api_key="local", max_retries=0, timeout=20)
        with c.chat.completions.with_streaming_response.create(model=model, messages=MSGS, stream=True) as r:
            served = r.headers["x-tenbin-model"]
            text = "".join(ch.choices[0].delta.content or "" for ch in r.parse() if ch.choices)
        return served, text

    def breaker(self) -> Any:
        return self.gw.runtime.gateway.breakers.get("primary")


@pytest.fixture
def pair(lt: LoopThread, tmp_path: Path) -> Iterator[Pair]:
    primary = lt.run(FakeOpenAI(reply="primary answer").start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    fast = {"max_retries": 0, "first_byte_timeout_s": 0.5, "idle_timeout_s": 0.3}
    cfg = {
        "providers": {"p": openai_provider(primary.url, **fast), "b": openai_provider(backup.url, **fast)},
        "models": [fake_model("primary", "p"), fake_model("backup", "b")],
        "fallbacks": {"primary": ["backup"]}, "default_model": "primary",
        "breaker": {"failure_threshold": 3, "cooldown_s": 30},
    }
    clock = ManualClock("2026-11-20T03:00:00Z")
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=clock)
    yield Pair(gw, primary, backup, clock)
    gw.stop()
    lt.run(primary.stop())
    lt.run(backup.stop())


# ---- commit at the first content ------------------------------------------------------------

@pytest.mark.parametrize("fault", [{"invalid_after": 0}, {"cut_after": 0}, {"stall_after": 0, "stall": 30}],
                         ids=["invalid-json", "cut", "silence"])
def test_role_only_first_chunk_then_failure_falls_back(pair: Pair, fault: dict[str, Any]) -> None:
    """Before: the role-only chunk committed the stream, so the failure after it was an error
    to the client. After: nothing had reached the client, and the next model answers."""
    pair.primary.script = [fault]
    assert pair.stream() == ("backup", "backup answer")
    assert len(pair.primary.requests) == 1
    row = pair.gw.rows()[-1]
    assert (row["status"], row["served_model"], row["attempts"]) == (200, "backup", 2)
    assert pair.breaker().failures == 1  # the failure before the commit counts, as any failed attempt


def test_anthropic_message_start_then_invalid_json_falls_back(lt: LoopThread, tmp_path: Path) -> None:
    """Anthropic's message_start becomes a role-only chunk: an invalid event after it is still
    before the commit."""
    fake = lt.run(FakeAnthropic(api_key="vk").start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {"providers": {"a": {"kind": "anthropic", "base_url": fake.url, "api_key": "${VENDOR_KEY}",
                               "max_retries": 0},
                         "b": openai_provider(backup.url)},
           "models": [fake_model("claude", "a"), fake_model("backup", "b")],
           "fallbacks": {"claude": ["backup"]}, "default_model": "claude"}
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        start = message_events(["never"])[0]
        fake.enqueue(Reply(events=[start, b"event: content_block_delta\ndata: {not json\n\n"]))
        p = Pair(gw, backup, backup, ManualClock("2026-11-20T03:00:00Z"))
        assert p.stream("claude") == ("backup", "backup answer")
        assert len(fake.requests) == 1
        fake.enqueue(Reply(events=[start, sse("ping", {"type": "ping"})], truncate_after=2))  # cut after start
        assert p.stream("claude") == ("backup", "backup answer")
    finally:
        gw.stop()
        lt.run(fake.stop())
        lt.run(backup.stop())


def test_an_empty_but_complete_answer_is_an_answer(pair: Pair) -> None:
    """A stream that ends cleanly without content (role chunk, empty delta, finish) is the
    model's answer, not a failure to fall back from."""
    pair.primary.reply = ""
    assert pair.stream() == ("primary", "")
    assert not pair.backup.requests and pair.breaker().failures == 0


def test_failure_after_content_is_the_clients_error_not_a_switch(pair: Pair) -> None:
    pair.primary.script = [{"invalid_after": 2}]
    with pytest.raises(openai.APIError):
        pair.stream()
    assert not pair.backup.requests
    row = pair.gw.rows()[-1]
    assert (row["status"], row["error_class"], row["served_model"]) == (502, "bad_response", "primary")


# ---- failures after the commit count against the breaker ------------------------------------

@pytest.mark.parametrize("fault", [{"invalid_after": 2}, {"truncate": True}, {"stall_after": 2, "stall": 30}],
                         ids=["invalid-json", "cut", "silence"])
def test_vendor_that_always_breaks_its_streams_leaves_rotation(pair: Pair, fault: dict[str, Any]) -> None:
    """Before: the commit reset the failure count (success) and the break after it never
    reached the threshold, so the vendor stayed in rotation for ever. After: three broken
    streams (the threshold) open the breaker and the next request goes to the backup uncalled."""
    pair.primary.script = [dict(fault) for _ in range(3)]
    for n in range(3):
        assert pair.breaker().state() == "closed"
        with pytest.raises(openai.APIError):
            pair.stream()
        assert pair.breaker().failures == n + 1
    assert pair.breaker().state() == "open"
    calls = len(pair.primary.requests)
    assert pair.stream() == ("backup", "backup answer")
    assert len(pair.primary.requests) == calls  # skipped without being called


def test_a_whole_stream_resets_the_count(pair: Pair) -> None:
    pair.primary.script = [{"invalid_after": 2}, {"invalid_after": 2}]
    for _ in range(2):
        with pytest.raises(openai.APIError):
            pair.stream()
    assert pair.breaker().failures == 2
    assert pair.stream() == ("primary", "primary answer")
    assert pair.breaker().failures == 0 and pair.breaker().state() == "closed"


def test_half_open_stream_trial_is_judged_at_its_end(pair: Pair) -> None:
    """The half-open trial of a stream is still in flight until the stream ends, and its break
    after the commit reopens the breaker at once."""
    pair.primary.script = [{"status": 500}] * 3
    for _ in range(3):
        assert pair.stream()[0] == "backup"
    assert pair.breaker().state() == "open"
    pair.clock.advance(30)
    assert pair.breaker().state() == "half_open"
    pair.primary.script = [{"truncate": True}]
    with pytest.raises(openai.APIError):
        pair.stream()
    assert pair.breaker().state() == "open" and not pair.breaker().trial_in_flight


def test_client_leaving_mid_stream_is_no_verdict(pair: Pair) -> None:
    """A client that stops reading says nothing about the vendor: the failure count neither
    grows (a failure) nor resets (a success), and no trial is left in flight."""
    pair.primary.script = [{"invalid_after": 2}]
    with pytest.raises(openai.APIError):
        pair.stream()
    assert pair.breaker().failures == 1
    pair.primary.reply = "x" * 400
    pair.primary.script = [{"drip": 0.02}]
    c = openai.OpenAI(base_url=pair.gw.base_url, api_key="local", max_retries=0, timeout=20)
    with c.chat.completions.with_streaming_response.create(model="primary", messages=MSGS, stream=True) as r:
        for ch in r.parse():
            if ch.choices and ch.choices[0].delta.content:
                break
    deadline = time.monotonic() + 10
    while not (rows := [r for r in pair.gw.rows() if r["status"] == 499]):
        assert time.monotonic() < deadline, "the dropped stream was never finished"
        time.sleep(0.02)
    assert rows[0]["served_model"] == "primary"
    assert pair.breaker().failures == 1 and not pair.breaker().trial_in_flight


def test_a_fault_of_ours_mid_stream_frees_the_half_open_trial(pair: Pair) -> None:
    """A bug of ours after the commit says nothing about the vendor: the trial ends without a
    verdict (neither reopened nor closed), and the next request is the new trial."""
    pair.primary.script = [{"status": 500}] * 3
    for _ in range(3):
        assert pair.stream()[0] == "backup"
    pair.clock.advance(30)
    provider = pair.gw.runtime.gateway.providers["p"]
    real = provider.stream

    async def broken(call: Any) -> Any:
        n = 0
        async for item in real(call):
            if n == 2:
                raise RuntimeError("a bug of ours")
            n += 1
            yield item

    provider.stream = broken  # type: ignore[method-assign]
    with pytest.raises(openai.APIError, match="internal error"):
        pair.stream()
    # The trial is freed when the stream's generator ends on the server, which may come a moment
    # after the client has read the error event: wait for it (bounded), do not race it.
    deadline = time.monotonic() + 5
    while pair.breaker().trial_in_flight and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pair.breaker().state() == "half_open" and not pair.breaker().trial_in_flight
    provider.stream = real  # type: ignore[method-assign]
    assert pair.stream() == ("primary", "primary answer")
    assert pair.breaker().state() == "closed"
