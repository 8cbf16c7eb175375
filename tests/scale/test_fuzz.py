"""Fuzz the HTTP API from its own OpenAPI document: malformed and valid-but-odd requests against a
real gateway on loopback must never produce a 5xx, and every error must be OpenAI-shaped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tenbin.api.openapi import DOCUMENT
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

schema = schemathesis.openapi.from_dict(DOCUMENT)


@pytest.fixture(scope="module")
def fuzz_gw(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    fake = lt.run(FakeOpenAI().start())
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    cfg = {"providers": {"fake": openai_provider(fake.url)}, "models": [fake_model("gpt-4o", "fake")],
           "default_model": "gpt-4o", "server": {"max_body_bytes": 100_000}}
    gw = start_gateway(lt, cfg, tmp, {"FAKE_KEY": "sk-fake"})
    yield gw
    gw.stop()
    lt.run(fake.stop())


def test_document_is_served(fuzz_gw: GatewayHandle) -> None:
    got = httpx.get(fuzz_gw.url + "/openapi.json").json()
    assert got["openapi"] == "3.0.3" and "/v1/chat/completions" in got["paths"]


@schema.parametrize()
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_5xx_and_openai_errors(case: Any, fuzz_gw: GatewayHandle) -> None:
    resp = case.call(base_url=fuzz_gw.url, timeout=10)
    case.validate_response(resp, checks=[not_a_server_error])
    assert resp.status_code < 500, resp.text
    if resp.status_code >= 400:
        err = resp.json()["error"]
        assert isinstance(err["message"], str) and err["message"] and isinstance(err["type"], str)
