"""Deadlines per attempt (connect, first byte, idle, total) and per request (issue 11, item 6):
a hung vendor falls back at its first-byte deadline instead of after three read timeouts, a plain
call that timed out after it was sent is not paid for again on the same model, and a healthy
stream that keeps sending outlives every total. Real openai SDK → gateway over HTTP → fake
vendors on loopback; time is compressed by configuring deadlines of tenths of a second.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.clock import ManualClock
from tenbin.config.loader import ConfigError, build_config
from tenbin.config.schema import ProviderConfig
from tenbin.providers.deadlines import Deadlines
from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, message_events
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k", "VENDOR_KEY": "vk"}
MSGS: Any = [{"role": "user", "content": "hello"}]
FAST = {"first_byte_timeout_s": 0.3, "idle_timeout_s": 0.3, "timeout_s": 1.0}


@dataclass
class Chain:
    gw: GatewayHandle
    fakes: dict[str, FakeOpenAI]

    def client(self, timeout: float = 20) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.gw.base_url, api_key="local", max_retries=0, timeout=timeout)

    def ask(self, stream: bool = False) -> tuple[str, str, float]:
        """(serving model, answer text, seconds) of one request to ``primary``."""
        t0 = time.perf_counter()
        if stream:
            with self.client().chat.completions.with_streaming_response.create(
                    model="primary", messages=MSGS, stream=True) as r:
                served = r.headers["x-tenbin-model"]
                text = "".join(c.choices[0].delta.content or "" for c in r.parse() if c.choices)
        else:
            raw = self.client().chat.completions.with_raw_response.create(model="primary", messages=MSGS)
            served, text = raw.headers["x-tenbin-model"], raw.parse().choices[0].message.content or ""
        return served, text, time.perf_counter() - t0

    def calls(self, name: str) -> int:
        return len(self.fakes[name].requests)


def start_chain(lt: LoopThread, tmp_path: Path, names: tuple[str, ...] = ("primary", "backup"),
                timeouts: dict[str, Any] | None = None, **provider: Any) -> Chain:
    """One fake vendor per model, each its own provider with ``provider`` settings (max_retries 2
    and timeout_retries 0 by default, the gateway's own defaults), chained in the order given."""
    fakes = {n: lt.run(FakeOpenAI(reply=f"{n} answer").start()) for n in names}
    settings = {"max_retries": 2, "timeout_retries": 0, **FAST, **provider}
    cfg: dict[str, Any] = {
        "providers": {n: openai_provider(f.url, **settings) for n, f in fakes.items()},
        "models": [fake_model(n, n) for n in names],
        "fallbacks": {names[0]: list(names[1:])}, "default_model": names[0],
        "retry": {"base_delay_s": 0.01, "max_delay_s": 0.02},
        "breaker": {"failure_threshold": 5, "cooldown_s": 30},
    }
    if timeouts is not None:
        cfg["timeouts"] = timeouts
    return Chain(start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock("2026-11-20T03:00:00Z")), fakes)


@pytest.fixture
def chain(lt: LoopThread, tmp_path: Path) -> Iterator[Chain]:
    c = start_chain(lt, tmp_path)
    yield c
    stop(lt, c)


def stop(lt: LoopThread, c: Chain) -> None:
    c.gw.stop()
    for f in c.fakes.values():
        lt.run(f.stop())


# ---- a hung vendor --------------------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_hung_vendor_falls_back_at_its_first_byte_deadline(chain: Chain, stream: bool) -> None:
    """Before: every retry waited a full read timeout (3 × 60 s by default) before the fallback.
    After: one call, cut at the first-byte deadline, then the next model — no paid repeat."""
    chain.fakes["primary"].script = [{"delay": 30}] * 3
    served, text, took = chain.ask(stream)
    assert (served, text) == ("backup", "backup answer")
    assert chain.calls("primary") == 1  # max_retries is 2, but a sent call that timed out is not repeated
    assert 0.3 <= took < 5.0  # before: three calls of 0.3 s each, and a 60 s read timeout by default
    row = chain.gw.rows()[-1]
    assert row["status"] == 200 and row["attempts"] == 2
    assert '"error": "timeout"' in row["route"] or '"error":"timeout"' in row["route"]


def test_timeout_retries_allow_repeats_when_configured(lt: LoopThread, tmp_path: Path) -> None:
    c = start_chain(lt, tmp_path, timeout_retries=1)
    try:
        c.fakes["primary"].script = [{"delay": 30}] * 3
        served, _, _ = c.ask()
        assert served == "backup" and c.calls("primary") == 2  # the one allowed repeat, then on
    finally:
        stop(lt, c)


def test_per_model_override_beats_its_provider(lt: LoopThread, tmp_path: Path) -> None:
    """A slow model gets its own first-byte deadline; the provider's short one still holds for
    the others (here: the backup's)."""
    c = start_chain(lt, tmp_path, timeouts={"models": {"primary": {"first_byte_timeout_s": 2.0}}})
    try:
        c.fakes["primary"].script = [{"delay": 0.8}]  # over its provider's 0.3 s, under its own 2 s
        assert c.ask()[:2] == ("primary", "primary answer")
        c.fakes["primary"].script = [{"delay": 30}]
        c.fakes["backup"].script = [{"delay": 0.8}]  # the backup has no override: cut at 0.3 s
        with pytest.raises(openai.APIStatusError) as ei:
            c.ask()
        assert ei.value.status_code == 504
    finally:
        stop(lt, c)


def test_plain_call_stalled_mid_body_is_cut_at_its_total(chain: Chain) -> None:
    """Headers came, then the body stopped: the plain call's total (1 s here) ends it."""
    chain.fakes["primary"].script = [{"body_stall": 30}] * 3
    served, _, took = chain.ask()
    assert served == "backup" and chain.calls("primary") == 1
    assert 1.0 <= took < 6.0


def test_request_deadline_bounds_the_whole_chain(lt: LoopThread, tmp_path: Path) -> None:
    """Three hung models, 0.5 s each to first byte, 1.2 s for the request: the chain stops at
    the request's deadline with a 504 instead of trying every model for its full deadline."""
    c = start_chain(lt, tmp_path, ("primary", "second", "third"), timeouts={"request_s": 1.2},
                    first_byte_timeout_s=0.5)
    try:
        for f in c.fakes.values():
            f.script = [{"delay": 30}] * 3
        t0 = time.perf_counter()
        with pytest.raises(openai.APIStatusError) as ei:
            c.ask()
        took = time.perf_counter() - t0
        assert ei.value.status_code == 504
        assert 1.2 <= took < 3.5  # each model for its full deadline and retries: 4.5 s
        assert c.calls("primary") == 1 and c.calls("second") == 1  # the third was cut by the request deadline
        row = c.gw.rows()[-1]
        assert (row["status"], row["error_class"]) == (504, "upstream_timeout")
    finally:
        stop(lt, c)


def test_connect_deadline_covers_the_wait_for_a_pooled_connection(lt: LoopThread, tmp_path: Path) -> None:
    """With its one connection busy, a call waits for the pool no longer than connect_timeout_s;
    nothing was sent, so it is retried like a connection error (max_retries), not treated as a
    paid timeout, and then the chain moves on."""
    c = start_chain(lt, tmp_path, max_connections=1, connect_timeout_s=0.25, first_byte_timeout_s=3,
                    max_retries=1)
    try:
        c.fakes["primary"].reply = "x" * 40
        c.fakes["primary"].script = [{"drip": 0.1}]  # holds the only connection for ~2 s
        client = c.client()
        with client.chat.completions.with_streaming_response.create(
                model="primary", messages=MSGS, stream=True) as held:
            assert held.headers["x-tenbin-model"] == "primary"
            served, _, took = c.ask()
            assert served == "backup" and c.calls("primary") == 1  # the second never reached it
            assert 0.5 <= took < 3.0  # two waits of 0.25 s: the try and its retry
            assert "".join(ch.choices[0].delta.content or "" for ch in held.parse() if ch.choices) == "x" * 40
        row = c.gw.rows("served_model = ?", ("backup",))[0]
        assert '"timeout"' in row["route"]
    finally:
        stop(lt, c)


# ---- a healthy slow stream ------------------------------------------------------------------

def test_healthy_drip_stream_outlives_every_total(lt: LoopThread, tmp_path: Path) -> None:
    """A stream that sends a chunk every 0.1 s for 3 s with a 1 s total and a 1 s request
    deadline: it is neither cut (before, aiohttp's total covered the whole body) nor failed
    over; the vendor's usage at the end reaches the ledger."""
    reply = "".join(f"{n:02d}" for n in range(30))  # 30 chunks of 2 characters
    c = start_chain(lt, tmp_path, timeouts={"request_s": 1.0}, timeout_s=1.0, idle_timeout_s=0.8)
    try:
        c.fakes["primary"].reply = reply
        c.fakes["primary"].script = [{"drip": 0.1}]
        served, text, took = c.ask(stream=True)
        assert (served, text) == ("primary", reply)
        assert took >= 3.0
        row = c.gw.rows()[-1]
        assert row["status"] == 200 and row["tokens_reported"] == 1 and row["completion_tokens"] == 30
        assert c.calls("backup") == 0
    finally:
        stop(lt, c)


def test_anthropic_usage_at_message_stop_arrives_after_a_long_stream(lt: LoopThread, tmp_path: Path) -> None:
    """Anthropic sends usage only at message_stop: a stream longer than every total must reach it."""
    fake = lt.run(FakeAnthropic(api_key="vk").start())
    cfg = {"providers": {"a": {"kind": "anthropic", "base_url": fake.url, "api_key": "${VENDOR_KEY}",
                               "first_byte_timeout_s": 0.5, "idle_timeout_s": 0.8, "timeout_s": 1.0}},
           "models": [fake_model("claude", "a")], "default_model": "claude", "timeouts": {"request_s": 1.0}}
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        texts = [f"w{n} " for n in range(25)]
        fake.enqueue(Reply(events=message_events(texts, input_tokens=17, output_tokens=25), drip=0.1))
        client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=20)
        t0 = time.perf_counter()
        got = "".join(ch.choices[0].delta.content or "" for ch in client.chat.completions.create(
            model="claude", messages=MSGS, stream=True) if ch.choices)
        assert got == "".join(texts) and time.perf_counter() - t0 >= 2.5
        row = gw.rows()[-1]
        assert (row["status"], row["prompt_tokens"], row["completion_tokens"], row["tokens_reported"]) == (
            200, 17, 25, 1)
    finally:
        gw.stop()
        lt.run(fake.stop())


def test_stream_silent_mid_way_is_cut_at_its_idle_deadline(chain: Chain) -> None:
    """Committed (content went out), then silence: the idle deadline ends it with an error event
    after 0.3 s rather than waiting for the vendor for ever."""
    chain.fakes["primary"].script = [{"stall_after": 2, "stall": 30}]
    t0 = time.perf_counter()
    with pytest.raises(openai.APIError):
        chain.ask(stream=True)
    assert time.perf_counter() - t0 < 5.0  # the vendor is silent for 30 s
    row = chain.gw.rows()[-1]
    assert (row["status"], row["error_class"], row["served_model"]) == (502, "timeout", "primary")
    assert chain.calls("backup") == 0  # bytes were already sent: no switch mid-answer


# ---- configuration --------------------------------------------------------------------------

def test_defaults_fall_back_from_a_hung_vendor_within_30_s() -> None:
    """The default worst cases before the first fallback: no answer at all (first byte, no
    repeat) and a plain answer that stalls after its headers (total)."""
    d = Deadlines.of(ProviderConfig(kind="openai", base_url="https://api.openai.com/v1"))
    assert d.timeout_retries == 0
    assert d.first_byte <= 30 and d.total <= 30 and d.connect < d.first_byte
    assert build_config({}, env={}).timeouts.request_s >= d.first_byte * 3  # room for two fallbacks


@pytest.mark.parametrize(("cfg", "message"), [
    ({"providers": {"p": {"kind": "openai", "base_url": "http://x/v1", "timeout_s": 300}}},
     "providers.p.timeout_s is 300 s, longer than timeouts.request_s (120 s)"),
    ({"timeouts": {"request_s": 10, "models": {"m": {"first_byte_timeout_s": 20}}}},
     "timeouts.models.m.first_byte_timeout_s is 20 s, longer than timeouts.request_s (10 s)"),
    ({"providers": {"p": {"kind": "openai", "base_url": "http://x/v1", "idle_timeout_s": 0}}},
     "providers.p.idle_timeout_s: Input should be greater than 0"),
    ({"timeouts": {"models": {"m": {"idle_timeout": 5}}}}, "timeouts.models.m.idle_timeout: Extra inputs"),
    ({"timeouts": {"request_s": -1}}, "timeouts.request_s: Input should be greater than 0"),
])
def test_bad_deadlines_are_refused_with_the_field_named(cfg: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        build_config(cfg, env={})


def test_raising_request_deadline_admits_a_long_plain_call() -> None:
    cfg = build_config({"timeouts": {"request_s": 400, "models": {"m": {"timeout_s": 300,
                                                                       "first_byte_timeout_s": 300}}}}, env={})
    assert cfg.timeouts.models["m"].timeout_s == 300


def test_override_for_an_unknown_model_is_refused(lt: LoopThread, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=re.escape("timeouts.models: unknown model 'nope'")):
        start_gateway(lt, {"models": [fake_model("m", "local")], "default_model": "m",
                           "timeouts": {"models": {"nope": {"timeout_s": 5}}}}, tmp_path)
