"""A streaming client that leaves before the first byte, after the vendor already has the prompt
(found by the battery's stream_cuts cases, where it depends on timing; here the vendor is made slow
so it does not): the vendor bills the prompt it received, so the row must carry an estimate of it
(issue 11 item 3: "charged for the tokens delivered, counted or estimated, never zero").
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tenbin.clock import ManualClock
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, gov_config
from tests.harness import GatewayHandle, LoopThread, start_gateway

BUDGETS = [{"name": "all", "scope": "all", "period": "month", "limit_jpy": "1000"}]


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = start_gateway(lt, gov_config(fake_openai.url, finops={"budgets": BUDGETS}), tmp_path, ENV,
                      clock=ManualClock("2026-11-20T03:00:00Z"))
    yield h
    h.stop()


@pytest.mark.parametrize("include_usage", [False, True], ids=["plain", "include_usage"])
def test_a_stream_left_before_its_first_byte_is_billed_for_the_prompt(
        gw: GatewayHandle, fake_openai: FakeOpenAI, include_usage: bool) -> None:
    fake_openai.script = [{"delay": 0.5}]
    body = orjson.dumps({"model": "gpt-4o", "stream": True,
                         "messages": [{"role": "user", "content": "稟議書を要約して"}],
                         **({"stream_options": {"include_usage": True}} if include_usage else {})})
    port = int(gw.url.rsplit(":", 1)[1])
    head = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(head + body)
        time.sleep(0.1)  # the vendor has the request now; the client leaves before any byte comes back
    deadline = time.monotonic() + 5
    while not (rows := gw.rows()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(fake_openai.requests) == 1  # the vendor received the prompt (and bills it)
    assert [(r["status"], r["error_class"], r["tokens_reported"]) for r in rows] == [(499, "client_disconnected", 0)]
    assert rows[0]["prompt_tokens"] > 0 and rows[0]["cost_jpy_nanos"] > 0
    assert gw.runtime.finops is not None
    spent, held = gw.lt.run(gw.runtime.finops.guard.ledger.snapshot())["all|*|2026-11"]
    assert (spent, held) == (rows[0]["cost_jpy_nanos"], 0)
