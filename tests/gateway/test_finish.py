"""Every request ends in one place (issue 11, items 3, 5, 6): whatever the outcome, one ledger row,
one audit entry, the reservation settled or released, the half-open trial freed; failures land
where they belong. Real openai SDK → gateway over HTTP → fake vendors speaking their wire formats.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error
from tests.fakes.fake_gemini import FakeGemini, gemini_error
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k", "VENDOR_KEY": "vk"}
NOON = "2026-11-20T03:00:00Z"
MESSAGES: Any = [{"role": "user", "content": "稟議書を要約して"}]
BUDGET = [{"name": "team-local", "scope": "team", "match": "local", "period": "month", "limit_jpy": "50"}]
BUCKET = "team-local|local|2026-11"


def _client(gw: GatewayHandle, timeout: float = 20) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=timeout)


def _wait(what: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll until ``what()`` is truthy (the gateway finishes a request after the client left)."""
    deadline = time.monotonic() + timeout
    while not (got := what()):
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)
    return got


def _snapshot(gw: GatewayHandle) -> dict[str, tuple[int, int]]:
    assert gw.runtime.finops is not None
    return gw.lt.run(gw.runtime.finops.guard.ledger.snapshot())


def _audit(gw: GatewayHandle, request_id: str) -> list[dict[str, Any]]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log WHERE request_id = ?", (request_id,)))


@pytest.fixture
def budgeted(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    fake = lt.run(FakeOpenAI().start())
    cfg = {"providers": {"fake": openai_provider(fake.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o", "finops": {"budgets": BUDGET}}
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock(NOON))
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


# ---- the client leaves ----------------------------------------------------------------------

def test_stream_client_gone_before_first_byte_is_finished(budgeted: tuple[GatewayHandle, FakeOpenAI]) -> None:
    """Before: no ledger row, no audit entry, and the reservation held for ever. After: a 499 row,
    its audit entry, and nothing left reserved."""
    gw, fake = budgeted
    fake.script = [{"delay": 0.6}]  # the vendor is slow to start; the client gives up first
    with pytest.raises(openai.APITimeoutError):
        list(_client(gw, timeout=0.2).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    rows = _wait(lambda: gw.rows())
    assert len(rows) == 1
    row = rows[0]
    assert (row["status"], row["error_class"], row["stream"]) == (499, "client_disconnected", 1)
    assert len(_audit(gw, row["request_id"])) == 1
    spent, reserved = _wait(lambda: _snapshot(gw).get(BUCKET, (0, 1))[1] == 0 and _snapshot(gw)[BUCKET])
    assert reserved == 0 and spent == row["cost_jpy_nanos"]
    time.sleep(0.7)  # the vendor's late answer changes nothing
    assert len(gw.rows()) == 1 and _snapshot(gw)[BUCKET] == (spent, 0)


def test_dropped_stream_is_billed_for_what_was_delivered(budgeted: tuple[GatewayHandle, FakeOpenAI]) -> None:
    """Before: 499 with 0 tokens and the reservation released (the budget overspent without limit).
    After: the delivered text is billed as an estimate (tokens_reported=0) and settled."""
    gw, fake = budgeted
    fake.reply = "長い回答です。" * 20
    fake.script = [{"drip": 0.05}]
    with _client(gw).chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=MESSAGES, stream=True, stream_options={"include_usage": True}) as r:
        got = ""
        for chunk in r.parse():
            if chunk.choices:
                got += chunk.choices[0].delta.content or ""
            if len(got) >= 6:
                break  # the client leaves mid-answer, before the usage chunk
    row = _wait(lambda: gw.rows())[0]
    assert (row["status"], row["error_class"]) == (499, "client_disconnected")
    assert row["tokens_reported"] == 0
    assert row["completion_tokens"] >= 6 and row["prompt_tokens"] > 0 and row["cost_jpy_nanos"] > 0
    assert _wait(lambda: _snapshot(gw)[BUCKET][1] == 0 and _snapshot(gw)[BUCKET]) == (row["cost_jpy_nanos"], 0)
    assert len(fake.requests) == 1


def test_a_fault_of_ours_mid_stream_is_500_not_499(budgeted: tuple[GatewayHandle, FakeOpenAI]) -> None:
    """Before: every exception in the stream path was recorded as 499 client_disconnected. After:
    only a disconnect is; a fault of ours is 500 with its class, and the client gets an error event."""
    gw, _ = budgeted
    provider = gw.runtime.gateway.providers["fake"]
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
        list(_client(gw).chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True))
    row = gw.rows()[0]
    assert (row["status"], row["error_class"]) == (500, "RuntimeError")
    assert row["completion_tokens"] > 0 and row["tokens_reported"] == 0  # what was delivered is billed
    assert _snapshot(gw)[BUCKET] == (row["cost_jpy_nanos"], 0)


# ---- n --------------------------------------------------------------------------------------

def test_reservation_covers_n_and_n_is_capped(lt: LoopThread, tmp_path: Path) -> None:
    """Before: n was ignored by the reservation (¥11 spent on a ¥1 budget with n=50) and unbounded.
    One choice reserves ¥0.106645 (77 prompt bytes at $2.50, 50 tokens at $10 per 1M, ¥154/$);
    n=4 reserves 77 + 4 × 50: ¥0.337645, over a ¥0.2 budget."""
    fake = lt.run(FakeOpenAI().start())
    cfg = {"providers": {"fake": openai_provider(fake.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o", "server": {"max_n": 4},
           "finops": {"budgets": [{**BUDGET[0], "limit_jpy": "0.2"}]}}
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        c = _client(gw)
        with pytest.raises(openai.RateLimitError):
            c.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50, n=4)
        assert len(fake.requests) == 0
        with pytest.raises(openai.BadRequestError) as e:
            c.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50, n=5)
        assert isinstance(e.value.body, dict) and e.value.body["param"] == "n"
        assert e.value.body["type"] == "invalid_request_error"
        assert c.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=50).choices
        assert [r["status"] for r in gw.rows()] == [429, 400, 200]
        assert _snapshot(gw)[BUCKET][1] == 0
    finally:
        gw.stop()
        lt.run(fake.stop())


# ---- breakers -------------------------------------------------------------------------------

@pytest.fixture
def pair(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeOpenAI, FakeOpenAI, ManualClock]]:
    primary = lt.run(FakeOpenAI(reply="primary answer").start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {
        "providers": {"p": openai_provider(primary.url, max_retries=0),
                      "b": openai_provider(backup.url, max_retries=0)},
        "models": [fake_model("primary", "p"), fake_model("backup", "b")],
        "fallbacks": {"primary": ["backup"]},
        "default_model": "primary",
        "retry": {"max_retry_after_s": 1.0},
        "breaker": {"failure_threshold": 2, "cooldown_s": 0.5},
    }
    clock = ManualClock(NOON)
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=clock)
    yield gw, primary, backup, clock
    gw.stop()
    lt.run(primary.stop())
    lt.run(backup.stop())


def _served(gw: GatewayHandle, timeout: float = 20) -> str:
    raw = _client(gw, timeout).chat.completions.with_raw_response.create(model="primary", messages=MESSAGES)
    return raw.headers["x-tenbin-model"]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_cancelled_half_open_trial_frees_the_trial(pair: Any, stream: bool) -> None:
    """Before: a half-open trial whose client left never cleared trial_in_flight, so the model was
    excluded for good. After: the next request after it is the new trial."""
    gw, primary, _, clock = pair
    primary.script = [{"status": 500}] * 2
    assert _served(gw) == "backup" and _served(gw) == "backup"
    breaker = gw.runtime.gateway.breakers.get("primary")
    assert breaker.state() == "open"
    clock.advance(0.5)
    primary.script = [{"delay": 1.0}]  # the trial hangs; its client gives up
    with pytest.raises(openai.APITimeoutError):
        if stream:
            list(_client(gw, 0.3).chat.completions.create(model="primary", messages=MESSAGES, stream=True))
        else:
            _client(gw, 0.3).chat.completions.create(model="primary", messages=MESSAGES)
    assert _wait(lambda: not breaker.trial_in_flight, timeout=3)
    assert _served(gw) == "primary" and breaker.state() == "closed"
    row = _wait(lambda: [r for r in gw.rows() if r["status"] == 499])[0]
    assert row["error_class"] == "client_disconnected"


def test_unencodable_body_is_a_400_and_never_opens_a_breaker(pair: Any) -> None:
    """Before: a 300-deep array counted as a vendor failure; 2 requests opened the breaker here
    (5 with the default threshold) and every team got 503. After: 400, no vendor touched."""
    gw, primary, backup, _ = pair
    deep: Any = []
    for _ in range(300):
        deep = [deep]
    body = {"model": "primary", "messages": MESSAGES, "x_extra": deep}
    for _ in range(4):
        r = httpx.post(gw.base_url + "/chat/completions", content=json.dumps(body), timeout=10,
                       headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    assert gw.runtime.gateway.breakers.get("primary").state() == "closed"
    assert primary.requests == [] and backup.requests == []
    assert [row["status"] for row in gw.rows()] == [400] * 4
    assert _served(gw) == "primary"


# ---- 429 everywhere -------------------------------------------------------------------------

def test_every_model_429_gives_429_with_retry_after(pair: Any) -> None:
    """Before: 503 upstream_unavailable without Retry-After. After: 429 and the soonest wait."""
    gw, primary, backup, _ = pair
    primary.script = [{"status": 429, "retry_after": "7"}]  # longer than max_retry_after_s: no wait
    backup.script = [{"status": 429, "retry_after": "3"}]
    with pytest.raises(openai.RateLimitError) as e:
        _client(gw).chat.completions.create(model="primary", messages=MESSAGES)
    assert e.value.response.headers["retry-after"] == "3"
    assert gw.rows()[-1]["status"] == 429


# ---- vendor errors by meaning ---------------------------------------------------------------

def test_openai_out_of_credit_429_falls_back_and_is_not_a_rate_limit(pair: Any) -> None:
    """OpenAI says "out of credit" with a 429 whose code is insufficient_quota: waiting will not
    help, so it is billing (next model at once), not a rate limit."""
    gw, primary, backup, _ = pair
    primary.script = [{"status": 429, "code": "insufficient_quota", "type": "insufficient_quota"}]
    backup.script = [{"status": 429, "retry_after": "2"}]
    with pytest.raises(openai.InternalServerError) as e:  # not every model said "slow down"
        _client(gw).chat.completions.create(model="primary", messages=MESSAGES)
    assert e.value.status_code == 502 and "primary: billing" in str(e.value)
    assert gw.rows()[-1]["status"] == 502
    assert _served(gw) == "primary"


VENDOR_ERRORS: dict[str, tuple[str, Reply, bool]] = {
    "anthropic-model-retired": ("anthropic", anthropic_error(404, "not_found_error", "model: claude-old"), True),
    "anthropic-billing": ("anthropic", anthropic_error(400, "billing_error", "Your credit balance is too low"),
                          True),
    "anthropic-malformed": ("anthropic", anthropic_error(400, "invalid_request_error",
                                                         "messages.0.content: Field required"), False),
    "gemini-model-not-found": ("gemini", gemini_error(404, "models/gemini-old is not found"), True),
    "gemini-region-block": ("gemini", gemini_error(400, "User location is not supported for the API use.",
                                                   status_name="FAILED_PRECONDITION"), True),
    "gemini-malformed": ("gemini", gemini_error(400, "Invalid JSON payload received."), False),
}


@pytest.mark.parametrize("case", list(VENDOR_ERRORS))
def test_vendor_4xx_falls_back_by_meaning(lt: LoopThread, tmp_path: Path, case: str) -> None:
    """Before: every 4xx but 401/403/429 was the client's 400, so a retired model, exhausted
    credit or a region block failed every request. After: those try the next model; a malformed
    request still does not."""
    vendor, reply, falls_back = VENDOR_ERRORS[case]
    fake = lt.run((FakeAnthropic() if vendor == "anthropic" else FakeGemini()).start())
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {
        "providers": {"v": {"kind": vendor, "base_url": fake.url, "api_key": "${VENDOR_KEY}", "max_retries": 0},
                      "b": openai_provider(backup.url)},
        "models": [fake_model("m", "v"), fake_model("backup", "b")],
        "fallbacks": {"m": ["backup"]}, "default_model": "m",
    }
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        fake.enqueue(reply)
        c = _client(gw)
        if falls_back:
            raw = c.chat.completions.with_raw_response.create(model="m", messages=MESSAGES)
            assert raw.headers["x-tenbin-model"] == "backup"
            assert len(backup.requests) == 1
        else:
            with pytest.raises(openai.BadRequestError):
                c.chat.completions.create(model="m", messages=MESSAGES)
            assert backup.requests == []
        assert len(fake.requests) == 1
    finally:
        gw.stop()
        lt.run(fake.stop())
        lt.run(backup.stop())


# ---- restoring a masked stream --------------------------------------------------------------

def test_final_chunk_with_empty_delta_restores_the_whole_answer(lt: LoopThread, tmp_path: Path) -> None:
    """OpenAI ends a stream with ``{"delta": {}, "finish_reason": "stop"}``. Before: the restorer's
    held-back tail (here 〔電話, which could still have become a placeholder) was written into a
    throw-away dict and lost. After: the client gets every character."""
    pytest.importorskip("sudachipy")
    fake = lt.run(FakeOpenAI(echo=True).start())  # answers with the (masked) prompt
    cfg = {
        "providers": {"abroad": openai_provider(fake.url)},
        "models": [fake_model("foreign", "abroad", region="US")],
        "default_model": "foreign",
        "routing": {"rules": [{"name": "masked", "when": {}, "model": "foreign", "on_sensitive": "mask"}]},
    }
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        text = "担当の田中太郎さん、連絡先は〔電話"
        msgs: Any = [{"role": "user", "content": text}]
        chunks = list(_client(gw).chat.completions.create(model="foreign", messages=msgs, stream=True))
        assert "田中太郎" not in fake.requests[-1].body.decode()  # it was masked on the way out
        assert chunks[-1].choices[0].finish_reason == "stop"
        assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text
    finally:
        gw.stop()
        lt.run(fake.stop())
