"""A FinOps budget downgrade may save money but never leaves the set the constraints allow."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake"}


def test_budget_downgrade_respects_constraints(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    cheap = fake_model("cheap-55d", "fake", retention_days=55,
                       prices=[{"effective": "2025-01-01", "currency": "USD", "input": "0.10", "output": "0.40"}])
    cfg = {
        "providers": {"fake": openai_provider(fake_openai.url)},
        "models": [fake_model("gpt-4o", "fake"), cheap],
        "default_model": "gpt-4o",
        "privacy": {"ner": False},
        "finops": {"budgets": [{"name": "tiny", "scope": "all", "period": "day", "limit_jpy": "0.000001",
                                "action": "downgrade", "downgrade_to": "cheap-55d"}]},
        "routing": {"constraints": [{"name": "short-retention-for-pii", "when": {"min_data_class": "PERSONAL"},
                                     "require": {"max_retention_days": 30}}]},
    }
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        public = c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "天気は？"}])
        assert public.model == "cheap-55d"  # the budget may downgrade a public prompt
        with pytest.raises(openai.RateLimitError):  # but not one carrying a phone number
            c.chat.completions.create(model="gpt-4o",
                                      messages=[{"role": "user", "content": "090-1234-5678 に折り返して"}])
        assert all(r.json["model"] != "cheap-55d" or "090" not in str(r.json) for r in fake_openai.requests)
    finally:
        gw.stop()
