"""Azure OpenAI through the real gateway: the model's ``upstream`` is the deployment name, so the
``azure-jp`` provider exactly as in examples/policy.yaml (base_url ending in /openai/deployments)
reaches ``/openai/deployments/{upstream}/chat/completions`` on a fake that speaks Azure's paths."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest
import yaml
from tests.fakes.fake_azure import FakeAzure
from tests.harness import LoopThread, start_gateway

from tenbin.clock import ManualClock
from tenbin.providers.openai_compat import azure_url

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "policy.yaml"
KEY = "azure-key-0123456789abcdef"


def test_example_azure_provider_calls_each_models_deployment(lt: LoopThread, tmp_path: Path) -> None:
    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    fake = lt.run(FakeAzure({"gpt-4o": "gpt-4o-2024-11-20", "gpt-4o-mini": "gpt-4o-mini-2024-07-18"},
                            api_key=KEY).start())
    provider = dict(example["providers"]["azure-jp"])
    provider["base_url"] = provider["base_url"].replace("https://example-jp.openai.azure.com", fake.url)
    assert provider["base_url"].endswith("/openai/deployments")  # as the example writes it
    cfg = {"providers": {"azure-jp": provider},
           "models": [m for m in example["models"] if m["provider"] == "azure-jp"],
           "default_model": "azure-jp/gpt-4o-mini", "routing": {"constraints": []}, "privacy": {"enabled": False}}
    gw = start_gateway(lt, cfg, tmp_path, {"AZURE_OPENAI_JP_KEY": KEY}, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        for model in ("azure-jp/gpt-4o", "azure-jp/gpt-4o-mini"):
            answer = c.chat.completions.create(model=model, messages=[{"role": "user", "content": "こんにちは"}])
            assert answer.model == model
        paths = [(r.path, r.query.get("api-version"), r.json()["model"]) for r in fake.requests]
    finally:
        gw.stop()
        lt.run(fake.stop())
    assert paths == [("/openai/deployments/gpt-4o/chat/completions", "2024-10-21", "gpt-4o"),
                     ("/openai/deployments/gpt-4o-mini/chat/completions", "2024-10-21", "gpt-4o-mini")]


def test_unknown_deployment_is_azures_404_and_falls_back(lt: LoopThread, tmp_path: Path) -> None:
    """A model whose upstream the resource does not have gets Azure's DeploymentNotFound: the
    gateway reads it as not_found and falls back instead of failing the request."""
    fake = lt.run(FakeAzure({"gpt-4o": "gpt-4o-2024-11-20"}, api_key=KEY).start())
    base = {"id": "azure/x", "provider": "az", "region": "JP", "jurisdiction": "US", "retention_days": 30,
            "context_window": 128000,
            "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "1", "output": "1"}]}
    cfg = {"providers": {"az": {"kind": "openai", "base_url": fake.url, "api_key": "${AZ}",
                                "azure_deployment": True, "max_retries": 0}},
           "models": [{**base, "id": "azure/retired", "upstream": "gpt-35-turbo"},
                      {**base, "id": "azure/gpt-4o", "upstream": "gpt-4o"}],
           "default_model": "azure/retired", "fallbacks": {"azure/retired": ["azure/gpt-4o"]},
           "routing": {"constraints": []}, "privacy": {"enabled": False}}
    gw = start_gateway(lt, cfg, tmp_path, {"AZ": KEY}, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        answer = c.chat.completions.create(model="azure/retired", messages=[{"role": "user", "content": "hi"}])
        paths = [r.path for r in fake.requests]
    finally:
        gw.stop()
        lt.run(fake.stop())
    assert answer.model == "azure/gpt-4o"
    assert paths == ["/openai/deployments/gpt-35-turbo/chat/completions",
                     "/openai/deployments/gpt-4o/chat/completions"]


@pytest.mark.parametrize("base", ["https://r.openai.azure.com", "https://r.openai.azure.com/",
                                  "https://r.openai.azure.com/openai", "https://r.openai.azure.com/openai/deployments/"])
def test_azure_url_forms_name_the_deployment(base: str) -> None:
    assert azure_url(base, "gpt-4o", "2024-10-21") == (
        "https://r.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")


def test_azure_url_with_a_deployment_in_base_url_is_kept() -> None:
    assert azure_url("https://r.openai.azure.com/openai/deployments/mine", "gpt-4o", "v") == (
        "https://r.openai.azure.com/openai/deployments/mine/chat/completions?api-version=v")


@pytest.mark.parametrize(("api_version", "vendor_counted"), [("2024-10-21", True), ("2024-06-01", False)])
def test_streams_ask_azure_for_usage_only_where_its_api_version_takes_it(
        lt: LoopThread, tmp_path: Path, api_version: str, vendor_counted: bool) -> None:
    fake = lt.run(FakeAzure({"gpt-4o": "gpt-4o-2024-11-20"}, api_key=KEY).start())
    cfg = {"providers": {"az": {"kind": "openai", "azure_deployment": True, "api_version": api_version,
                                "base_url": fake.url, "api_key": "${AZ_KEY}"}},
           "models": [{"id": "az/gpt-4o", "provider": "az", "upstream": "gpt-4o", "region": "JP", "jurisdiction": "US",
                       "retention_days": 30, "context_window": 128000,
                       "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "2.5", "output": "10"}]}],
           "default_model": "az/gpt-4o", "routing": {"constraints": []}, "privacy": {"enabled": False}}
    gw = start_gateway(lt, cfg, tmp_path, {"AZ_KEY": KEY})
    try:
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        text = "".join(ch.choices[0].delta.content or "" for ch in c.chat.completions.create(
            model="az/gpt-4o", messages=[{"role": "user", "content": "こんにちは"}], stream=True,
            stream_options={"include_usage": True}) if ch.choices)
        assert text == "gpt-4o です"  # the older api-version would have refused stream_options with a 400
        sent = fake.requests[-1].json()
        assert ("stream_options" in sent) is vendor_counted
        row = gw.rows()[-1]
        assert row["status"] == 200 and bool(row["tokens_reported"]) is vendor_counted and row["prompt_tokens"] > 0
    finally:
        gw.stop()
        lt.run(fake.stop())
