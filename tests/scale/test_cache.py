"""The opt-in response cache: repeated public requests are answered once, shared through Redis;
personal data and streams never enter it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.context import Principal, RequestContext
from tenbin.shared.cache import ResponseCache
from tenbin.shared.config import CacheConfig
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway
from tests.scale.services import REDIS_BASE


@pytest.fixture
def gws(lt: LoopThread, fake_openai: FakeOpenAI, redis_prefix: str, tmp_path: Path) -> Iterator[Any]:
    started: list[GatewayHandle] = []

    def make(name: str) -> GatewayHandle:
        cfg = {"providers": {"fake": openai_provider(fake_openai.url)},
               "models": [fake_model("jp-4o", "fake", region="JP")], "default_model": "jp-4o",
               "redis": REDIS_BASE, "shared": {"prefix": redis_prefix, "op_timeout_s": 3.0,
                                                    "cache": {"enabled": True}}}
        h = start_gateway(lt, cfg, tmp_path / name, {"FAKE_KEY": "sk-fake"})
        started.append(h)
        return h

    yield make
    for h in started:
        h.stop()


def ask(gw: GatewayHandle, text: str) -> Any:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    return c.chat.completions.create(model="jp-4o", messages=[{"role": "user", "content": text}], temperature=0)


def test_public_request_is_answered_once_across_replicas(gws: Any, fake_openai: FakeOpenAI) -> None:
    a, b = gws("a"), gws("b")
    first = ask(a, "日本の首都はどこですか")
    n = len(fake_openai.requests)
    second = ask(b, "日本の首都はどこですか")  # another replica, same Redis
    assert len(fake_openai.requests) == n and second.choices[0].message.content == first.choices[0].message.content
    row = b.rows()[-1]
    assert row["status"] == 200 and row["prompt_tokens"] == 0 and row["cost_jpy_nanos"] == 0
    assert json.loads(row["route"])["cache"] == "hit"
    ask(a, "日本の首都はどこですか?")  # one character more: a miss
    assert len(fake_openai.requests) == n + 1


def test_personal_data_and_streams_are_never_cached(gws: Any, fake_openai: FakeOpenAI) -> None:
    gw = gws("a")
    text = "山田太郎さん（taro.yamada@example.co.jp、090-1234-5678）への返信を書いて"
    ask(gw, text)
    ask(gw, text)
    assert len(fake_openai.requests) == 2
    assert gw.rows()[-1]["data_class"] not in ("PUBLIC", "INTERNAL", "public", "internal")
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    for _ in range(2):
        list(c.chat.completions.create(model="jp-4o", messages=[{"role": "user", "content": "天気"}], stream=True))
    assert len(fake_openai.requests) == 4


def test_key_separates_teams_and_ignores_client_metadata() -> None:
    cache = ResponseCache(CacheConfig(enabled=True), "p:", None)

    class D:
        def __init__(self, cls: str = "public") -> None:
            self.trace = {"data_class": cls}
            self.chain: list[Any] = []

    def ctx(team: str, **extra: Any) -> RequestContext:
        body = {"model": "m", "messages": [{"role": "user", "content": "x"}], **extra}
        return RequestContext(request_id="r", principal=Principal("k", team, "p"), body=body,
                              requested_model="m", stream=False)

    k1 = cache.key(ctx("sales"), D(), ctx("sales").body)  # type: ignore[arg-type]
    assert k1 == cache.key(ctx("sales"), D(), ctx("sales", user="u1").body)  # type: ignore[arg-type]
    assert k1 != cache.key(ctx("eng"), D(), ctx("eng").body)  # type: ignore[arg-type]
    assert cache.key(ctx("sales"), D("personal"), ctx("sales").body) is None  # type: ignore[arg-type]
