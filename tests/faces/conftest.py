"""Gateways for the face tests: one per vendor kind (each face must work translated to each), and
a plain one over a fake OpenAI-compatible upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.fake_gemini import FakeGemini
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

VendorGateway = tuple[GatewayHandle, Any, str]
ClaudeGateway = tuple[GatewayHandle, FakeAnthropic]


@pytest.fixture(params=["openai", "anthropic", "gemini"])
def vendor_gateway(request: pytest.FixtureRequest, lt: LoopThread, tmp_path: Path) -> Iterator[VendorGateway]:
    """A gateway whose one model ``m`` is served by a fake of ``request.param``'s wire format, and
    the text that fake answers."""
    vendor = request.param
    if vendor == "openai":
        fake: Any = lt.run(FakeOpenAI(reply="こんにちは、テストです。").start())
        provider: dict[str, Any] = openai_provider(fake.url)
        text = fake.reply
    elif vendor == "anthropic":
        fake = lt.run(FakeAnthropic(api_key="k").start())
        provider = {"kind": "anthropic", "base_url": fake.url, "api_key": "${FAKE_KEY}"}
        text = fake.default_text
    else:
        fake = lt.run(FakeGemini(api_key="k").start())
        provider = {"kind": "gemini", "base_url": fake.url, "api_key": "${FAKE_KEY}"}
        text = fake.default_text
    cfg = {"providers": {"v": provider}, "models": [fake_model("m", "v")], "default_model": "m"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield gw, fake, text
    gw.stop()
    lt.run(fake.stop())


@pytest.fixture
def openai_gateway(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    fake = lt.run(FakeOpenAI().start())
    cfg = {"providers": {"v": openai_provider(fake.url)}, "models": [fake_model("m", "v")], "default_model": "m"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


@pytest.fixture
def claude_gateway(lt: LoopThread, tmp_path: Path) -> Iterator[ClaudeGateway]:
    """A gateway over a fake Anthropic API whose model ``claude`` takes tools."""
    fake = lt.run(FakeAnthropic(api_key="k").start())
    cfg = {"providers": {"a": {"kind": "anthropic", "base_url": fake.url, "api_key": "${FAKE_KEY}"}},
           "models": [fake_model("claude", "a", capabilities={"tools": True})], "default_model": "claude"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())
