"""Unchanged client libraries work against tenbin: LangChain's ChatOpenAI (invoke and stream)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_openai import ChatOpenAI

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {"providers": {"fake": openai_provider(fake_openai.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o"}
    h = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield h
    h.stop()


def test_langchain_invoke_and_stream(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    llm = ChatOpenAI(model="gpt-4o", base_url=gw.base_url, api_key="local", max_retries=0)  # type: ignore[arg-type]
    msg = llm.invoke("稟議書の要点を三つ挙げて")
    assert msg.content == fake_openai.reply
    assert msg.usage_metadata is not None and msg.usage_metadata["input_tokens"] == 11
    streamed = "".join(str(c.content) for c in llm.stream("日報を要約して"))
    assert streamed == fake_openai.reply
    assert len(gw.rows()) == 2
