"""Routing policy through the real gateway: openai SDK → HTTP → privacy → router → fake vendors.

Two OpenAI-compatible fakes stand for a domestic (JP) and a foreign (US) vendor, so the test can
check where each prompt actually went, not just what the router said.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake"}
PERSONAL = "山田様の電話番号 090-1234-5678 宛てに、納期遅延のお詫びメールを書いて"
POLICY = {
    "constraints": [{"name": "personal-in-japan", "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
                     "require": {"region": ["JP", "on-prem"], "no_training": True}, "unless_masked": True}],
    "rules": [
        {"name": "support-masked", "when": {"use_case": "support"}, "model": "gpt-4o", "on_sensitive": "mask"},
        {"name": "strict", "when": {"use_case": "strict"}, "on_sensitive": "allow"},
        {"name": "default", "on_sensitive": "reroute"},
    ],
}


@pytest.fixture
def foreign(lt: LoopThread) -> Iterator[FakeOpenAI]:
    fake = lt.run(FakeOpenAI(reply="foreign answer", echo=True).start())
    yield fake
    lt.run(fake.stop())


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, foreign: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {
        "providers": {"domestic": openai_provider(fake_openai.url), "foreign": openai_provider(foreign.url)},
        "models": [fake_model("jp-model", "domestic", region="JP"), fake_model("gpt-4o", "foreign")],
        "default_model": "gpt-4o",
        "privacy": {"ner": False},
        "routing": POLICY,
    }
    h = start_gateway(lt, cfg, tmp_path, ENV)
    yield h
    h.stop()


def client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)


def test_personal_prompt_goes_to_the_domestic_model_even_when_gpt4o_is_asked(
        gw: GatewayHandle, fake_openai: FakeOpenAI, foreign: FakeOpenAI) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": PERSONAL}])
    resp = raw.parse()
    assert resp.model == "jp-model" and raw.headers["x-tenbin-model"] == "jp-model"
    header = raw.headers["x-tenbin-route"]
    assert header.isascii()
    assert "model=jp-model" in header and "class=personal" in header and "constraints=personal-in-japan" in header
    assert len(fake_openai.requests) == 1 and foreign.requests == []
    row = gw.rows()[-1]
    assert row["served_model"] == "jp-model" and row["region"] == "JP"
    trace = json.loads(row["route"])
    assert trace["rule"] == "default" and trace["chosen"] == "jp-model" and trace["data_class"] == "personal"
    assert ["gpt-4o", "personal-in-japan: region US not in JP/on-prem"] in trace["rejected"]
    assert "090-1234-5678" not in row["route"]


def test_public_prompt_is_served_as_asked(gw: GatewayHandle, foreign: FakeOpenAI) -> None:
    resp = client(gw).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "天気は？"}])
    assert resp.model == "gpt-4o" and len(foreign.requests) == 1


def test_masked_support_draft_goes_abroad_without_the_pii(gw: GatewayHandle, foreign: FakeOpenAI) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="tenbin/auto", messages=[{"role": "user", "content": PERSONAL}],
        extra_body={"metadata": {"use_case": "support"}})
    assert raw.headers["x-tenbin-model"] == "gpt-4o"
    assert "privacy=mask" in raw.headers["x-tenbin-route"]
    assert "personal-in-japan(waived:masked)" in raw.headers["x-tenbin-route"]
    sent = foreign.requests[-1].json["messages"][0]["content"]
    assert "090-1234-5678" not in sent
    assert "090-1234-5678" in (raw.parse().choices[0].message.content or "")  # echoed back, restored


def test_no_compliant_model_is_a_403_in_openai_format(gw: GatewayHandle, foreign: FakeOpenAI) -> None:
    with pytest.raises(openai.PermissionDeniedError) as ei:
        client(gw).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PERSONAL}],
                                           extra_body={"metadata": {"use_case": "strict"}})
    body = ei.value.body
    assert isinstance(body, dict) and body["code"] == "policy_no_compliant_model"
    assert "personal-in-japan" in body["message"] and "090" not in body["message"]
    assert foreign.requests == []
    row = gw.rows()[-1]
    assert row["status"] == 403 and row["error_class"] == "policy_no_compliant_model"
    # The refusal keeps what the router learnt, so "why was this refused" can be answered later.
    trace = json.loads(row["route"])
    assert trace["refused"] == "policy_no_compliant_model" and trace["data_class"] == "personal"
    assert trace["rule"] == "strict" and "chosen" not in trace
    assert ["gpt-4o", "personal-in-japan: region US not in JP/on-prem"] in trace["rejected"]
    assert "090-1234-5678" not in row["route"]


def test_streaming_personal_prompt_is_routed_the_same_way(gw: GatewayHandle, fake_openai: FakeOpenAI,
                                                           foreign: FakeOpenAI) -> None:
    with client(gw).chat.completions.with_streaming_response.create(
            model="gpt-4o", messages=[{"role": "user", "content": PERSONAL}], stream=True) as raw:
        assert raw.headers["x-tenbin-model"] == "jp-model"
        assert "constraints=personal-in-japan" in raw.headers["x-tenbin-route"]
        text = "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices)
    assert text == fake_openai.reply and foreign.requests == []


def test_japanese_rule_names_stay_ascii_in_the_header(lt: LoopThread, fake_openai: FakeOpenAI,
                                                      tmp_path: Path) -> None:
    cfg = {"providers": {"domestic": openai_provider(fake_openai.url)},
           "models": [fake_model("jp-model", "domestic", region="JP")], "default_model": "jp-model",
           "privacy": {"ner": False}, "routing": {"rules": [{"name": "日報ルール", "model": "jp-model"}]}}
    h = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        raw = client(h).chat.completions.with_raw_response.create(
            model="tenbin/auto", messages=[{"role": "user", "content": "日報"}])
        header = raw.headers["x-tenbin-route"]
        assert header.isascii() and "rule=%E6%97%A5%E5%A0%B1" in header
        assert json.loads(h.rows()[-1]["route"])["rule"] == "日報ルール"
    finally:
        h.stop()
