"""A vendor's error text never reaches the client, nor the log unredacted: an upstream that quotes
a credential (``Bearer sk-…``) and internal ``host:port`` addresses back, over real HTTP through
the openai SDK, against the fake Anthropic (issue 11: "Upstream error text is relayed verbatim").
The client still learns which model failed and how (kind, HTTP status, the vendor's code)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error, message_events, stream_error
from tests.harness import GatewayHandle, LoopThread, start_gateway

VENDOR_KEY = "sk-ant-api03-REALLOOKINGKEY0123456789abcdefXYZ"
LEAKS = (VENDOR_KEY, "sk-ant-api03", "10.20.30.40", "8443", "llm-internal.corp", "9443")
QUOTING = (f"proxy auth failed with 'Authorization: Bearer {VENDOR_KEY}' while calling "
           "http://10.20.30.40:8443/v1/messages via llm-internal.corp:9443")
MESSAGES: Any = [{"role": "user", "content": "hi"}]


def _gateway(lt: LoopThread, tmp_path: Path, base_url: str) -> GatewayHandle:
    cfg = {"providers": {"v": {"kind": "anthropic", "base_url": base_url, "api_key": "${VENDOR_KEY}",
                               "max_retries": 0}},
           "models": [fake_model("m", "v")], "default_model": "m"}
    return start_gateway(lt, cfg, tmp_path, {"VENDOR_KEY": VENDOR_KEY})


@pytest.fixture
def vendor(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeAnthropic]]:
    fake = lt.run(FakeAnthropic().start())
    gw = _gateway(lt, tmp_path, fake.url)
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="sk-local", max_retries=0, timeout=20)


def no_leak(text: str) -> None:
    for s in LEAKS:
        assert s not in text, f"{s!r} leaked: {text[:400]}"


def test_a_vendor_5xx_that_quotes_a_key_and_hosts_is_relayed_generically(
        vendor: tuple[GatewayHandle, FakeAnthropic], caplog: pytest.LogCaptureFixture) -> None:
    gw, fake = vendor
    fake.enqueue(anthropic_error(500, "api_error", QUOTING))
    with caplog.at_level(logging.DEBUG), pytest.raises(openai.InternalServerError) as e:
        client(gw).chat.completions.create(model="m", messages=MESSAGES)
    body: Any = e.value.response.text
    no_leak(body)
    err = e.value.response.json()["error"]
    assert err["code"] == "upstream_error" and "m: server" in err["message"]
    assert "HTTP 500" in err["message"] and "api_error" in err["message"]  # what failed, in our words
    no_leak(caplog.text)
    assert "m failed (server: " in caplog.text and "[redacted]" in caplog.text  # the detail, redacted
    assert len(fake.requests) == 1


def test_a_vendor_400_is_the_clients_400_without_the_vendors_words(
        vendor: tuple[GatewayHandle, FakeAnthropic], caplog: pytest.LogCaptureFixture) -> None:
    gw, fake = vendor
    fake.enqueue(anthropic_error(400, "invalid_request_error", QUOTING))
    with caplog.at_level(logging.DEBUG), pytest.raises(openai.BadRequestError) as e:
        client(gw).chat.completions.create(model="m", messages=MESSAGES)
    no_leak(e.value.response.text)
    msg = e.value.response.json()["error"]["message"]
    assert msg == "m refused the request as invalid: HTTP 400, code invalid_request_error."
    no_leak(caplog.text)


def test_a_stream_that_fails_midway_ends_with_a_generic_error_event(
        vendor: tuple[GatewayHandle, FakeAnthropic], caplog: pytest.LogCaptureFixture) -> None:
    gw, fake = vendor
    frames = message_events(["Hel", "lo"])
    fake.enqueue(Reply(events=[*frames[:4], stream_error("api_error", QUOTING)]))
    with caplog.at_level(logging.DEBUG), pytest.raises(openai.APIError) as e:
        for _ in client(gw).chat.completions.create(model="m", messages=MESSAGES, stream=True):
            pass
    no_leak(str(e.value.body) + str(e.value))
    assert "upstream stream failed: m " in str(e.value)
    no_leak(caplog.text)


def test_a_connection_error_does_not_name_the_address_dialled(lt: LoopThread, tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gw = _gateway(lt, tmp_path, f"http://127.0.0.1:{port}")
    try:
        with caplog.at_level(logging.DEBUG), pytest.raises(openai.APIStatusError) as e:
            client(gw).chat.completions.create(model="m", messages=MESSAGES)
    finally:
        gw.stop()
    assert e.value.status_code in (502, 503)
    assert f":{port}" not in e.value.response.text and "127.0.0.1" not in e.value.response.text
    assert "could not be reached" in e.value.response.json()["error"]["message"]
    assert f"127.0.0.1:{port}" not in caplog.text
