"""Retries, fallback chains and the circuit breaker, against fake upstreams that fail on cue."""

from __future__ import annotations

import concurrent.futures as cf
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k"}


@dataclass
class Pair:
    gw: GatewayHandle
    primary: FakeOpenAI
    backup: FakeOpenAI
    clock: ManualClock  # the gateway's: breaker cooldowns end when a test advances it, not after a sleep

    def breaker(self) -> str:
        return self.gw.runtime.gateway.breakers.get("primary").state()

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.gw.base_url, api_key="local", max_retries=0, timeout=20)

    def ask(self, stream: bool = False) -> tuple[str, str]:
        msgs = [{"role": "user", "content": "hello"}]
        if stream:
            with self.client().chat.completions.with_streaming_response.create(
                    model="primary", messages=msgs, stream=True) as r:  # type: ignore[arg-type]
                served = r.headers["x-tenbin-model"]
                text = "".join(c.choices[0].delta.content or "" for c in r.parse() if c.choices)
            return served, text
        raw = self.client().chat.completions.with_raw_response.create(model="primary", messages=msgs)  # type: ignore[arg-type]
        return raw.headers["x-tenbin-model"], raw.parse().choices[0].message.content or ""


@pytest.fixture
def pair(lt: LoopThread, tmp_path: Path) -> Iterator[Pair]:
    primary = lt.run(FakeOpenAI(reply="primary answer").start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {
        "providers": {"p": openai_provider(primary.url, max_retries=1, first_byte_timeout_s=0.5),
                      "b": openai_provider(backup.url)},
        "models": [fake_model("primary", "p"), fake_model("backup", "b")],
        "fallbacks": {"primary": ["backup"]},
        "default_model": "primary",
        "retry": {"base_delay_s": 0.01, "max_delay_s": 0.02, "max_retry_after_s": 1.0},
        "breaker": {"failure_threshold": 2, "cooldown_s": 0.5},
    }
    clock = ManualClock("2026-11-20T03:00:00Z")
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=clock)
    yield Pair(gw, primary, backup, clock)
    gw.stop()
    lt.run(primary.stop())
    lt.run(backup.stop())


def test_retry_then_success_on_same_model(pair: Pair) -> None:
    pair.primary.script = [{"status": 500}]
    assert pair.ask() == ("primary", "primary answer")
    assert len(pair.primary.requests) == 2 and not pair.backup.requests


def test_429_retry_after_is_honoured(pair: Pair) -> None:
    pair.primary.script = [{"status": 429, "retry_after": "0.3"}]
    t0 = time.perf_counter()
    assert pair.ask() == ("primary", "primary answer")
    assert time.perf_counter() - t0 >= 0.3


def test_429_with_long_retry_after_falls_back_at_once(pair: Pair) -> None:
    pair.primary.script = [{"status": 429, "retry_after": "30"}]
    t0 = time.perf_counter()
    assert pair.ask() == ("backup", "backup answer")
    assert time.perf_counter() - t0 < 5


@pytest.mark.parametrize("fault", [{"status": 500}, {"delay": 1.0}, {"reset": True}, {"reset_mid_body": True},
                                   {"malformed": True}])
def test_fallback_on_fault(pair: Pair, fault: dict[str, object]) -> None:
    pair.primary.script = [dict(fault), dict(fault)]  # fails the try and the retry
    served, text = pair.ask()
    assert (served, text) == ("backup", "backup answer")
    row = pair.gw.rows()[-1]
    assert row["served_model"] == "backup" and row["attempts"] == 2 and row["status"] == 200
    assert '"failed"' in row["route"]


@pytest.mark.parametrize("fault", [{"status": 503}, {"reset": True}, {"delay": 1.0}])
def test_stream_falls_back_before_first_byte(pair: Pair, fault: dict[str, object]) -> None:
    pair.primary.script = [dict(fault), dict(fault)]
    assert pair.ask(stream=True) == ("backup", "backup answer")


def test_stream_broken_after_first_byte_reports_error_not_fallback(pair: Pair) -> None:
    pair.primary.script = [{"truncate": True}]
    with pytest.raises(openai.APIError):
        pair.ask(stream=True)
    assert not pair.backup.requests  # bytes were already sent: no silent switch mid-answer
    row = pair.gw.rows()[-1]
    assert row["status"] == 502 and row["served_model"] == "primary"


def test_all_fail_gives_clear_502(pair: Pair) -> None:
    pair.primary.script = [{"status": 500}] * 2
    pair.backup.script = [{"status": 500}] * 3
    with pytest.raises(openai.APIStatusError) as ei:
        pair.ask()
    assert ei.value.status_code == 502
    assert "primary" in ei.value.message and "backup" in ei.value.message


def test_all_timeouts_give_504(pair: Pair, lt: LoopThread, tmp_path: Path) -> None:
    pair.primary.script = [{"delay": 1.0}] * 2
    pair.backup.delay = 3.0  # backup's first_byte_timeout is 2s
    with pytest.raises(openai.APIStatusError) as ei:
        pair.ask()
    assert ei.value.status_code == 504


def _open_breaker(pair: Pair) -> int:
    """Two failed requests (try + retry each) open the primary's breaker; returns its request count."""
    pair.primary.script = [{"status": 500}] * 4
    assert pair.ask()[0] == "backup"
    assert pair.breaker() == "closed"  # one failure of two
    assert pair.ask()[0] == "backup"
    assert pair.breaker() == "open"
    return len(pair.primary.requests)


def test_breaker_opens_then_half_opens(pair: Pair) -> None:
    n = _open_breaker(pair)
    assert n == 4
    # open: the primary is skipped without being called
    assert pair.ask()[0] == "backup"
    assert len(pair.primary.requests) == n
    pair.clock.advance(0.49)  # cooldown is 0.5 s
    assert pair.ask()[0] == "backup" and len(pair.primary.requests) == n
    pair.clock.advance(0.01)
    assert pair.breaker() == "half_open"
    # half-open: one trial goes to the primary, succeeds, and closes the breaker
    assert pair.ask()[0] == "primary"
    assert len(pair.primary.requests) == n + 1
    assert pair.breaker() == "closed"


def test_failed_half_open_trial_reopens_the_breaker(pair: Pair) -> None:
    n = _open_breaker(pair)
    pair.clock.advance(0.5)
    pair.primary.script = [{"status": 500}] * 2  # the trial fails (its try and its retry)
    assert pair.ask()[0] == "backup"
    assert len(pair.primary.requests) == n + 2
    assert pair.breaker() == "open"  # at once, not after another failure_threshold failures
    m = len(pair.primary.requests)
    assert pair.ask()[0] == "backup" and len(pair.primary.requests) == m  # skipped again for a full cooldown
    pair.clock.advance(0.49)
    assert pair.ask()[0] == "backup" and len(pair.primary.requests) == m
    pair.clock.advance(0.01)
    assert pair.ask()[0] == "primary" and pair.breaker() == "closed"


def test_pipeline_admits_one_half_open_trial_at_a_time(pair: Pair) -> None:
    """Routing only skips *open* breakers; in half-open state the pipeline's own check lets one
    trial through and sends a concurrent request down the chain, recording why."""
    n = _open_breaker(pair)
    pair.clock.advance(0.5)
    pair.primary.script = [{"delay": 0.3}]  # the trial is still in flight when the second request arrives
    with cf.ThreadPoolExecutor(2) as pool:
        trial = pool.submit(pair.ask)
        while len(pair.primary.requests) == n:  # wait until the trial has reached the primary
            time.sleep(0.005)
        other = pool.submit(pair.ask)
        assert other.result()[0] == "backup"
        assert trial.result()[0] == "primary"
    assert len(pair.primary.requests) == n + 1
    rows = pair.gw.rows()
    skipped = [r for r in rows if r["served_model"] == "backup" and "breaker_open" in (r["route"] or "")]
    assert len(skipped) == 1
    assert json.loads(skipped[0]["route"])["failed"] == [{"model": "primary", "error": "breaker_open"}]
    assert pair.breaker() == "closed"


def test_unavailable_provider_gives_503(lt: LoopThread, tmp_path: Path) -> None:
    cfg = {"providers": {"p": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": "${MISSING}"}},
           "models": [fake_model("only", "p")], "default_model": "only"}
    gw = start_gateway(lt, cfg, tmp_path, {})
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        with pytest.raises(openai.APIStatusError) as ei:
            c.chat.completions.create(model="only", messages=[{"role": "user", "content": "x"}])
        assert ei.value.status_code == 503 and "MISSING" in ei.value.message
    finally:
        gw.stop()


def test_connection_refused_falls_back(lt: LoopThread, tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    cfg = {"providers": {"dead": openai_provider("http://127.0.0.1:9/v1"), "ok": openai_provider(fake_openai.url)},
           "models": [fake_model("dead", "dead"), fake_model("ok", "ok")],
           "fallbacks": {"dead": ["ok"]}, "default_model": "dead",
           "retry": {"base_delay_s": 0.01, "max_delay_s": 0.02}}
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        raw = c.chat.completions.with_raw_response.create(model="dead", messages=[{"role": "user", "content": "x"}])
        assert raw.headers["x-tenbin-model"] == "ok"
    finally:
        gw.stop()
