"""Embeddings stay in the requested model's vector space: the real ``openai`` SDK's
``embeddings.create`` through the gateway, against a fake OpenAI (US), a fake Azure OpenAI
resource in Japan East serving the same model, and a fake domestic server of another model.

A retrieval index built with one embedding model and queried with another's vectors answers
garbage without any error, so a domestic model of another space is no stand-in: personal data
goes to the same model's domestic deployment or is refused, fallbacks of another space are
skipped, and ``tenbin/auto`` is the configured ``default_embedding_model``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_azure import FakeAzure
from tests.fakes.fake_openai import FakeOpenAI
from tests.fakes.vectors import vector
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k", "AZ": "azk"}
SPACE = "openai/text-embedding-3-small"  # the shipped catalog's space for text-embedding-3-small
AZ_JP = "azure-jp/text-embedding-3-small"
PII = "顧客の連絡先は 090-1234-5678、メールは taro.yamada@example.co.jp です"
PUBLIC = "経費精算の締め日"
SMALL = [{"effective": "2024-01-25", "currency": "USD", "input": "0.02", "output": "0"}]
FREE = [{"effective": "2024-01-01", "currency": "JPY", "input": "0", "output": "0"}]


@dataclass
class Vendors:
    openai: FakeOpenAI  # serves the shipped text-embedding-3-small (US)
    azure: FakeAzure  # deployment emb-small-jp of text-embedding-3-small, Japan East
    other: FakeOpenAI  # a domestic server of another embedding model (jp-e5): free, light, JP


@pytest.fixture
def vendors(lt: LoopThread) -> Iterator[Vendors]:
    v = Vendors(lt.run(FakeOpenAI().start()), lt.run(FakeAzure({"emb-small-jp": "text-embedding-3-small"},
                                                               api_key="azk").start()),
                lt.run(FakeOpenAI().start()))
    yield v
    for fake in (v.openai, v.azure, v.other):
        lt.run(fake.stop())


def config(v: Vendors, *, azure: bool = True, **extra: Any) -> dict[str, Any]:
    """The shipped text-embedding-3-small on the fake OpenAI; a domestic model of another space
    that would win any ranking by tier or price (light, free); with ``azure``, the same model's
    Japan East deployment, which names the same vector space. The safe default constraints."""
    models: list[dict[str, Any]] = [
        fake_model("chat", "openai"),
        fake_model("jp-e5", "jp", region="JP", kind="embedding", tier="light", context_window=8191,
                   prices=FREE, dimensions=1536),
    ]
    if azure:
        models.append(fake_model(AZ_JP, "azjp", region="JP", upstream="emb-small-jp", kind="embedding",
                                 tier="light", context_window=8191, prices=SMALL, vector_space=SPACE,
                                 dimensions=1536))
    return {"providers": {"openai": openai_provider(v.openai.url, max_retries=0),
                          "azjp": {"kind": "openai", "base_url": v.azure.url, "api_key": "${AZ}",
                                   "azure_deployment": True, "api_version": "2024-10-21", "max_retries": 0},
                          "jp": openai_provider(v.other.url, max_retries=0)},
            "models": models, "default_model": "chat", **extra}


def _client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)


def _trace(row: dict[str, Any]) -> dict[str, Any]:
    route = row["route"]
    out: dict[str, Any] = json.loads(route) if isinstance(route, str) else route
    return out


def _audited(gw: GatewayHandle) -> list[str]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    rows = gw.lt.run(gw.runtime.store.query("SELECT request_id FROM audit_log WHERE request_id IS NOT NULL "
                                            "ORDER BY seq"))
    return [r["request_id"] for r in rows]


def _close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(abs(a - b) < 1e-6 for a, b in zip(got, want, strict=True))


def test_personal_input_goes_to_the_same_models_domestic_deployment(lt: LoopThread, tmp_path: Path,
                                                                    vendors: Vendors) -> None:
    gw = start_gateway(lt, config(vendors), tmp_path, ENV)
    try:
        c = _client(gw)
        raw = c.embeddings.with_raw_response.create(model="text-embedding-3-small", input=[PII, PUBLIC])
        r = raw.parse()
        assert r.model == AZ_JP and raw.headers["x-tenbin-model"] == AZ_JP
        assert _close(r.data[0].embedding, vector(PII, 1536))
        # the input went as written (a vector of masked text is not the text's vector), to Japan
        # East only: not abroad, and not to the free domestic model whose vectors are another space's
        sent = vendors.azure.requests[0]
        assert sent.path == "/openai/deployments/emb-small-jp/embeddings" and sent.json()["input"] == [PII, PUBLIC]
        assert vendors.openai.requests == [] and vendors.other.requests == []
        public = c.embeddings.create(model="text-embedding-3-small", input=PUBLIC)
        assert public.model == "text-embedding-3-small" and len(vendors.openai.requests) == 1
        rows = gw.rows()
        assert [(row["status"], row["served_model"], row["data_class"]) for row in rows] == [
            (200, AZ_JP, "personal"), (200, "text-embedding-3-small", rows[1]["data_class"])]
        assert rows[1]["data_class"] != "personal"
        trace = _trace(rows[0])
        assert trace["action"] == "reroute" and trace["vector_space"] == SPACE and trace["chosen"] == AZ_JP
        assert trace["other_space"] == ["jp-e5"]
        assert ["jp-e5", "vector space jp-e5, incomparable with text-embedding-3-small's " + SPACE] \
            in trace["rejected"]
        assert sorted(_audited(gw)) == sorted(row["request_id"] for row in rows)
    finally:
        gw.stop()


def test_personal_input_is_refused_when_only_another_space_is_domestic(lt: LoopThread, tmp_path: Path,
                                                                       vendors: Vendors) -> None:
    gw = start_gateway(lt, config(vendors, azure=False), tmp_path, ENV)
    try:
        with pytest.raises(openai.PermissionDeniedError) as ei:
            _client(gw).embeddings.create(model="text-embedding-3-small", input=[PII])
        body = ei.value.body
        assert isinstance(body, dict) and body["code"] == "policy_no_compliant_model"
        msg = body["message"]
        # the operator reads why the domestic model is not used, and both ways out
        assert "PERSONAL" in msg and "Compliant but in another vector space: jp-e5." in msg
        assert "incomparable with text-embedding-3-small's (vector space openai/text-embedding-3-small)" in msg
        assert f"vector_space: {SPACE}" in msg and "re-index with one of them" in msg
        assert vendors.openai.requests == [] and vendors.other.requests == [] and vendors.azure.requests == []
        rows = gw.rows()
        assert [(r["status"], r["data_class"], r["served_model"]) for r in rows] == [(403, "personal", None)]
        assert _audited(gw) == [rows[0]["request_id"]]
        # asked for by name, the other space's model serves the same input: the client chose its space
        r = _client(gw).embeddings.create(model="jp-e5", input=[PII])
        assert r.model == "jp-e5" and len(vendors.other.requests) == 1
    finally:
        gw.stop()


def test_fallbacks_of_another_space_are_skipped(lt: LoopThread, tmp_path: Path, vendors: Vendors) -> None:
    """text-embedding-3-small fails; its configured fallbacks are jp-e5 (another space) and the
    Japan East deployment: the chain skips jp-e5, says so in the route trace, and is answered in
    Japan East."""
    fallbacks = {"text-embedding-3-small": ["jp-e5", AZ_JP]}
    gw = start_gateway(lt, config(vendors, fallbacks=fallbacks), tmp_path, ENV)
    try:
        vendors.openai.script = [{"status": 500}]
        r = _client(gw).embeddings.create(model="text-embedding-3-small", input=PUBLIC)
        assert r.model == AZ_JP and len(vendors.openai.requests) == 1 and len(vendors.azure.requests) == 1
        assert vendors.other.requests == []
        row = gw.rows()[0]
        trace = _trace(row)
        assert trace["other_space"] == ["jp-e5"] and trace["chosen"] == "text-embedding-3-small"
        assert ["jp-e5", "vector space jp-e5, incomparable with text-embedding-3-small's " + SPACE] \
            in trace["rejected"]
        assert (row["status"], row["served_model"]) == (200, AZ_JP)
    finally:
        gw.stop()


def test_a_chain_with_no_other_model_of_the_space_fails_rather_than_answer_another(
        lt: LoopThread, tmp_path: Path, vendors: Vendors) -> None:
    gw = start_gateway(lt, config(vendors, azure=False, fallbacks={"text-embedding-3-small": ["jp-e5"]}),
                       tmp_path, ENV)
    try:
        vendors.openai.script = [{"status": 500}]
        with pytest.raises(openai.InternalServerError):
            _client(gw).embeddings.create(model="text-embedding-3-small", input=PUBLIC)
        assert len(vendors.openai.requests) == 1 and vendors.other.requests == []
        rows = gw.rows()
        assert [(r["status"], r["served_model"]) for r in rows] == [(502, None)]
        assert _trace(rows[0])["rejected"][0][0] == "jp-e5"
    finally:
        gw.stop()


@pytest.mark.parametrize("auto", ["tenbin/auto", "auto"])
def test_auto_is_the_default_embedding_model_and_keeps_its_space(lt: LoopThread, tmp_path: Path,
                                                                 vendors: Vendors, auto: str) -> None:
    gw = start_gateway(lt, config(vendors, default_embedding_model="text-embedding-3-small"), tmp_path, ENV)
    try:
        c = _client(gw)
        public = c.embeddings.create(model=auto, input=PUBLIC)
        assert public.model == "text-embedding-3-small" and len(vendors.openai.requests) == 1
        personal = c.embeddings.create(model=auto, input=PII)  # same space, in Japan: the index still fits
        assert personal.model == AZ_JP and vendors.other.requests == []
        rows = gw.rows()
        assert [(r["requested_model"], r["served_model"]) for r in rows] == [
            (auto, "text-embedding-3-small"), (auto, AZ_JP)]
        assert _trace(rows[0])["source"] == "default_embedding_model"
        assert _trace(rows[1])["vector_space"] == SPACE
    finally:
        gw.stop()


def test_auto_without_default_embedding_model_is_a_400_saying_what_to_do(lt: LoopThread, tmp_path: Path,
                                                                        vendors: Vendors) -> None:
    gw = start_gateway(lt, config(vendors), tmp_path, ENV)
    try:
        with pytest.raises(openai.BadRequestError) as ei:
            _client(gw).embeddings.create(model="tenbin/auto", input=PUBLIC)
        body = ei.value.body
        assert isinstance(body, dict) and body["code"] == "default_embedding_model_unset"
        assert body["param"] == "model" and "default_embedding_model" in body["message"]
        assert "name an embedding model" in body["message"] and "tier or price" in body["message"]
        assert vendors.openai.requests == [] and vendors.other.requests == [] and vendors.azure.requests == []
        # chats are untouched: tenbin/auto there is still default_model
        chat = httpx.post(f"{gw.base_url}/chat/completions", headers={"authorization": "Bearer local"},
                          json={"model": "tenbin/auto", "messages": [{"role": "user", "content": "hi"}]},
                          timeout=30)
        assert chat.status_code == 200 and chat.json()["model"] == "chat"
        assert [(r["status"], r["requested_model"]) for r in gw.rows()] == [(400, "tenbin/auto"),
                                                                            (200, "tenbin/auto")]
    finally:
        gw.stop()


def test_a_gateway_whose_default_embedding_model_is_a_chat_model_does_not_start(
        lt: LoopThread, tmp_path: Path, vendors: Vendors) -> None:
    with pytest.raises(ValueError, match="default_embedding_model: chat is a chat model"):
        start_gateway(lt, config(vendors, default_embedding_model="chat"), tmp_path, ENV)
