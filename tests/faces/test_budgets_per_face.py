"""Every face is charged to the same budgets: a request that would pass the limit is refused in
that face's own error shape, with ``x-should-retry: false``, so each SDK makes one call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anthropic
import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {"providers": {"v": openai_provider(fake_openai.url)}, "models": [fake_model("m", "v")],
           "default_model": "m",
           "finops": {"budgets": [{"name": "tiny", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": "0.3"}]}}
    g = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"}, clock=ManualClock("2026-11-16T03:00:00Z"))
    yield g
    g.stop()


def test_each_face_spends_the_same_budget_and_is_refused_in_its_own_shape(gw: GatewayHandle,
                                                                         fake_openai: FakeOpenAI) -> None:
    oa = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=2)
    an = anthropic.Anthropic(base_url=gw.url, api_key="local", max_retries=2)
    oa.chat.completions.create(model="m", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    an.messages.create(model="m", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
    oa.responses.create(model="m", max_output_tokens=16, input="hi")
    spent_rows = gw.rows()
    assert [r["status"] for r in spent_rows] == [200, 200, 200] and all(r["cost_jpy_nanos"] > 0 for r in spent_rows)

    big = "長い文書" * 2000  # its reservation alone passes what is left of ¥0.3
    with pytest.raises(anthropic.RateLimitError) as a_err:
        an.messages.create(model="m", max_tokens=4000, messages=[{"role": "user", "content": big}])
    assert a_err.value.response.headers["x-should-retry"] == "false"
    body = a_err.value.body
    assert isinstance(body, dict) and body["type"] == "error" and body["error"]["type"] == "rate_limit_error"
    assert "tiny" in body["error"]["message"]
    with pytest.raises(openai.RateLimitError) as o_err:
        oa.responses.create(model="m", max_output_tokens=4000, input=big)
    assert isinstance(o_err.value.body, dict) and o_err.value.body["code"] == "budget_exceeded"

    rows = gw.rows()
    assert [r["status"] for r in rows] == [200, 200, 200, 429, 429]  # one row per call: the SDKs did not retry
    assert len(fake_openai.requests) == 3
