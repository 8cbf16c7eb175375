"""A routing RPM cap (``routing.models.<id>.rpm``) holds through the gateway: ``Router.decide`` is
pure, so the pipeline is what counts each request sent; once the first model's window is full the
next requests go to the fallback, and the ledger says which model served each.

Real gateway, real HTTP, the openai SDK as client, a fake vendor serving both models.
"""

from __future__ import annotations

from pathlib import Path

import openai

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway


def test_rpm_cap_counts_requests_the_pipeline_sends(lt: LoopThread, fake_openai: FakeOpenAI,
                                                     tmp_path: Path) -> None:
    cfg = {"providers": {"p": openai_provider(fake_openai.url)},
           "models": [fake_model("a", "p", region="on-prem"), fake_model("b", "p", region="on-prem")],
           "default_model": "a", "privacy": {"ner": False}, "fallbacks": {"a": ["b"]},
           "routing": {"models": {"a": {"rpm": 2}}}}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    try:
        client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        served = [client.chat.completions.create(model="a", messages=[{"role": "user", "content": f"hi {i}"}]).model
                  for i in range(4)]
        rows = gw.rows()
    finally:
        gw.stop()
    assert [r["served_model"] for r in rows] == ["a", "a", "b", "b"]
    assert len(served) == 4
