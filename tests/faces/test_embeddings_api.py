"""``/v1/embeddings`` through the real ``openai`` SDK and LangChain's ``OpenAIEmbeddings``, against
fake vendors speaking OpenAI's and Gemini's exact embeddings wire formats: the same pipeline as a
chat (scan, routing under the constraints, budgets, one ledger row and one audit entry), to
embedding models only, never masked."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tenbin.clock import ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_azure import FakeAzure
from tests.fakes.fake_gemini import FakeGemini
from tests.fakes.fake_openai import FakeOpenAI
from tests.fakes.vectors import vector
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k"}
NOON = "2026-11-20T03:00:00Z"
PRICE = [{"effective": "2025-01-01", "currency": "USD", "input": "0.13", "output": "0"}]
PII = "山田太郎さん(電話 090-1234-5678)からの問い合わせ履歴"
SECRET = "【社外秘】来期の買収計画の検討資料"
SPACE = "openai/text-embedding-3-small"  # one model, served abroad and by a domestic deployment


def emb_model(id: str, provider: str, region: str = "US", **kw: Any) -> dict[str, Any]:
    return fake_model(id, provider, region=region, kind="embedding", context_window=8191, prices=PRICE, **kw)


def _client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)


def _audit(gw: GatewayHandle) -> list[dict[str, Any]]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log WHERE request_id IS NOT NULL ORDER BY seq"))


def _close(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(abs(a - b) < 1e-6 for a, b in zip(got, want, strict=True))


@pytest.fixture
def openai_gw(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    fake = lt.run(FakeOpenAI().start())
    cfg = {"providers": {"oa": openai_provider(fake.url)},
           "models": [fake_model("chat", "oa"), emb_model("text-embedding-3-large", "oa")],
           "default_model": "chat", "routing": {"constraints": []},
           "finops": {"budgets": [{"name": "team", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": "100"}]}}
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock(NOON))
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def test_openai_sdk_base64_default_float_and_dimensions(openai_gw: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gw
    c = _client(gw)
    texts = ["社内規程の第3条", "経費精算の締め日"]
    # The SDK asks for base64 unless told otherwise, and decodes it: the floats must survive.
    r = c.embeddings.create(model="text-embedding-3-large", input=texts, dimensions=8, user="u-42")
    assert r.object == "list" and r.model == "text-embedding-3-large"
    assert [d.index for d in r.data] == [0, 1] and all(d.object == "embedding" for d in r.data)
    assert all(_close(d.embedding, vector(t, 8)) for d, t in zip(r.data, texts, strict=True))
    sent = fake.requests[-1].json
    assert sent["dimensions"] == 8 and sent["encoding_format"] == "float" and sent["input"] == texts
    assert sent["user"] == "u-42" and sent["model"] == "text-embedding-3-large"
    assert r.usage.prompt_tokens == r.usage.total_tokens > 0

    f = c.embeddings.create(model="text-embedding-3-large", input="経費精算の締め日", encoding_format="float")
    assert len(f.data) == 1 and _close(f.data[0].embedding, vector("経費精算の締め日", 3072))

    # base64 on the wire is little-endian float32 of exactly those floats, as OpenAI sends it
    raw = httpx.post(f"{gw.base_url}/embeddings", headers={"authorization": "Bearer local"},
                     json={"model": "text-embedding-3-large", "input": texts, "dimensions": 4,
                           "encoding_format": "base64"}, timeout=30)
    assert raw.status_code == 200 and raw.headers["x-tenbin-model"] == "text-embedding-3-large"
    for d, t in zip(raw.json()["data"], texts, strict=True):
        assert isinstance(d["embedding"], str)
        assert base64.b64decode(d["embedding"]) == struct.pack("<4f", *vector(t, 4))

    rows = gw.rows()
    assert [row["status"] for row in rows] == [200, 200, 200]
    assert all(row["served_model"] == "text-embedding-3-large" and row["completion_tokens"] == 0
               and row["prompt_tokens"] > 0 and row["tokens_reported"] for row in rows)
    # cost is the input price alone: $0.13 per 1M prompt tokens at the configured FX rate
    first = rows[0]
    usd = Decimal(first["prompt_tokens"]) * Decimal("0.13") / 1_000_000
    assert first["cost_nanos"] == int(usd * 10**9)
    audit = _audit(gw)
    assert sorted({a["request_id"] for a in audit}) == sorted(row["request_id"] for row in rows)
    # the audit proves what was embedded and answered without keeping it: the digest of `input`
    # and of the vectors exactly as a base64 client received them
    entry = next(a for a in audit if a["request_id"] == rows[2]["request_id"] and a["prompt_sha256"])
    assert entry["prompt_sha256"] == hashlib.sha256(json.dumps(texts, ensure_ascii=False,
                                                               separators=(",", ":")).encode()).hexdigest()
    b64 = "".join(d["embedding"] for d in raw.json()["data"])
    assert entry["answer_sha256"] == hashlib.sha256(b64.encode()).hexdigest()
    # the budget holds nothing after the requests and charged what the rows cost
    assert gw.runtime.finops is not None
    snap = gw.lt.run(gw.runtime.finops.guard.ledger.snapshot())
    spent, held = next(iter(snap.values()))
    assert held == 0 and spent == sum(row["cost_jpy_nanos"] for row in rows) > 0


def test_token_arrays_reach_the_vendor_as_sent(openai_gw: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gw
    c = _client(gw)
    many = c.embeddings.create(model="text-embedding-3-large", input=[[101, 2023, 7], [5, 6]], dimensions=4)
    assert [len(d.embedding) for d in many.data] == [4, 4]
    assert _close(many.data[1].embedding, vector([5, 6], 4))
    one = c.embeddings.create(model="text-embedding-3-large", input=[101, 2023, 7], dimensions=4)
    assert len(one.data) == 1 and _close(one.data[0].embedding, vector([101, 2023, 7], 4))
    assert fake.requests[-1].json["input"] == [101, 2023, 7]
    assert [r["prompt_tokens"] for r in gw.rows()] == [5, 3]  # the vendor's count


@pytest.mark.parametrize(("body", "param"), [
    ({"input": ""}, "input"),
    ({"input": []}, "input"),
    ({"input": ["ok", 3]}, "input"),
    ({"input": [[1, 2], []]}, "input[1]"),
    ({"input": "x", "encoding_format": "int8"}, "encoding_format"),
    ({"input": "x", "dimensions": 0}, "dimensions"),
    ({"input": "x", "temperature": 1}, "temperature"),
    ({}, "input"),
])
def test_bad_requests_are_openai_400s(openai_gw: tuple[GatewayHandle, FakeOpenAI], body: dict[str, Any],
                                      param: str) -> None:
    gw, fake = openai_gw
    r = httpx.post(f"{gw.base_url}/embeddings", headers={"authorization": "Bearer local"},
                   json={"model": "text-embedding-3-large", **body}, timeout=30)
    err = r.json()["error"]
    assert r.status_code == 400 and err["param"] == param and err["type"] == "invalid_request_error"
    assert fake.requests == []
    assert [row["status"] for row in gw.rows()] == [400]  # a refused input is still one row


def test_models_of_the_other_kind_are_never_chosen(openai_gw: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gw
    c = _client(gw)
    with pytest.raises(openai.BadRequestError) as ei:
        c.embeddings.create(model="chat", input="経費精算")
    assert isinstance(ei.value.body, dict) and ei.value.body["code"] == "model_kind_mismatch"
    with pytest.raises(openai.BadRequestError) as ei:
        c.chat.completions.create(model="text-embedding-3-large", messages=[{"role": "user", "content": "hi"}])
    assert isinstance(ei.value.body, dict) and ei.value.body["code"] == "model_kind_mismatch"
    assert fake.requests == []
    assert [r["status"] for r in gw.rows()] == [400, 400]


def test_langchain_openai_embeddings(openai_gw: tuple[GatewayHandle, FakeOpenAI]) -> None:
    from langchain_openai import OpenAIEmbeddings

    gw, fake = openai_gw
    # check_embedding_ctx_length=False: LangChain otherwise tokenizes with tiktoken first (which
    # downloads its vocabulary) and sends token arrays, which tenbin cannot scan for PII.
    emb = OpenAIEmbeddings(model="text-embedding-3-large", base_url=gw.base_url, api_key="local",  # type: ignore[arg-type]
                           check_embedding_ctx_length=False, dimensions=16, max_retries=0)
    docs = ["就業規則", "育児休業の申請手順", "出張旅費規程"]
    vecs = emb.embed_documents(docs)
    assert all(_close(v, vector(t, 16)) for v, t in zip(vecs, docs, strict=True))
    assert _close(emb.embed_query("育児休業"), vector("育児休業", 16))
    assert [r["status"] for r in gw.rows()] == [200, 200]
    assert fake.requests[0].json["dimensions"] == 16


def test_gemini_embed_content_and_batch(lt: LoopThread, tmp_path: Path) -> None:
    fake = lt.run(FakeGemini(api_key="k").start())
    cfg = {"providers": {"g": {"kind": "gemini", "base_url": fake.url, "api_key": "${FAKE_KEY}"}},
           "models": [fake_model("chat", "g"), emb_model("gemini-embedding-001", "g")],
           "default_model": "chat", "routing": {"constraints": []}}
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        c = _client(gw)
        texts = ["人事評価の基準", "評価面談の進め方"]
        r = c.embeddings.create(model="gemini-embedding-001", input=texts, dimensions=12)
        assert all(_close(d.embedding, vector(t, 12)) for d, t in zip(r.data, texts, strict=True))
        batch = fake.requests[-1]
        assert batch.path.endswith("/models/gemini-embedding-001:batchEmbedContents")
        assert batch.json() == {"requests": [
            {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": t}]}, "outputDimensionality": 12}
            for t in texts]}
        one = c.embeddings.create(model="gemini-embedding-001", input="人事評価の基準", encoding_format="float")
        assert _close(one.data[0].embedding, vector("人事評価の基準", 3072))
        assert fake.requests[-1].path.endswith(":embedContent")
        assert "outputDimensionality" not in fake.requests[-1].json()
        with pytest.raises(openai.BadRequestError):  # Gemini takes text only
            c.embeddings.create(model="gemini-embedding-001", input=[[1, 2, 3]])
        assert len(fake.requests) == 2
        rows = gw.rows()
        assert [row["status"] for row in rows] == [200, 200, 400]
        # Gemini reports no tokens for embeddings: the ledger has tenbin's estimate, marked as such
        assert rows[0]["prompt_tokens"] > 0 and not rows[0]["tokens_reported"] and rows[0]["cost_nanos"] > 0
    finally:
        gw.stop()
        lt.run(fake.stop())


def test_personal_input_is_rerouted_to_the_domestic_model(lt: LoopThread, tmp_path: Path) -> None:
    """The default policy masks personal data bound abroad; a vector of masked text is not the
    text's vector, so the input goes as written to a domestic deployment of the same model (same
    vector space) instead."""
    pytest.importorskip("sudachipy")
    abroad = lt.run(FakeOpenAI().start())
    home = lt.run(FakeOpenAI().start())
    try:
        cfg = {"providers": {"us": openai_provider(abroad.url), "jp": openai_provider(home.url)},
               "models": [fake_model("chat", "us"), emb_model("text-embedding-3-small", "us", vector_space=SPACE),
                          emb_model("jp-embed", "jp", region="JP", vector_space=SPACE)],
               "default_model": "chat"}  # no routing section: the safe default constraints
        gw = start_gateway(lt, cfg, tmp_path, ENV)
        try:
            c = _client(gw)
            raw = c.embeddings.with_raw_response.create(model="text-embedding-3-small", input=[PII, "営業時間"])
            r = raw.parse()
            assert r.model == "jp-embed" and raw.headers["x-tenbin-model"] == "jp-embed"
            assert abroad.requests == [] and home.requests[0].json["input"] == [PII, "営業時間"]  # not masked
            assert _close(r.data[0].embedding, vector(PII, 64))
            public = c.embeddings.create(model="text-embedding-3-small", input="営業時間を教えて")
            assert public.model == "text-embedding-3-small" and len(abroad.requests) == 1
            rows = gw.rows()
            assert [(row["served_model"], row["data_class"]) for row in rows] == [
                ("jp-embed", "personal"), ("text-embedding-3-small", rows[1]["data_class"])]
            assert rows[1]["data_class"] != "personal"
        finally:
            gw.stop()
    finally:
        lt.run(abroad.stop())
        lt.run(home.stop())


def test_confidential_input_is_refused_when_only_a_foreign_model_exists(lt: LoopThread, tmp_path: Path) -> None:
    abroad = lt.run(FakeOpenAI().start())
    try:
        cfg = {"providers": {"us": openai_provider(abroad.url)},
               "models": [fake_model("chat", "us"), emb_model("text-embedding-3-small", "us")],
               "default_model": "chat"}
        gw = start_gateway(lt, cfg, tmp_path, ENV)
        try:
            with pytest.raises(openai.PermissionDeniedError) as ei:
                _client(gw).embeddings.create(model="text-embedding-3-small", input=[SECRET])
            body = ei.value.body
            assert isinstance(body, dict) and body["code"] == "policy_no_compliant_model"
            assert "CONFIDENTIAL" in body["message"] and "text-embedding-3-small" in body["message"]
            assert abroad.requests == []
            rows = gw.rows()
            assert [(r["status"], r["data_class"], r["served_model"]) for r in rows] == [
                (403, "confidential", None)]
            assert [a["request_id"] for a in _audit(gw)] == [rows[0]["request_id"]]
            # token arrays count as unscanned personal data: with no domestic model, refused too
            with pytest.raises(openai.PermissionDeniedError) as ei:
                _client(gw).embeddings.create(model="text-embedding-3-small", input=[[9906, 1917]])
            assert "token arrays, which cannot be scanned" in str(ei.value) and abroad.requests == []
        finally:
            gw.stop()
    finally:
        lt.run(abroad.stop())


def test_token_arrays_are_routed_as_unscanned(lt: LoopThread, tmp_path: Path) -> None:
    """Token ids cannot be scanned for PII: the request is as sensitive as ``routing.unscanned_as``
    (PERSONAL by default), so it goes as sent to a domestic model, never abroad; text is routed
    by what it holds."""
    abroad = lt.run(FakeOpenAI().start())
    home = lt.run(FakeOpenAI().start())
    try:
        cfg = {"providers": {"us": openai_provider(abroad.url), "jp": openai_provider(home.url)},
               "models": [fake_model("chat", "us"), emb_model("text-embedding-3-small", "us", vector_space=SPACE),
                          emb_model("jp-embed", "jp", region="JP", vector_space=SPACE)],
               "default_model": "chat"}
        gw = start_gateway(lt, cfg, tmp_path, ENV)
        try:
            c = _client(gw)
            r = c.embeddings.create(model="text-embedding-3-small", input=[[9906, 1917], [15339]])
            assert r.model == "jp-embed" and abroad.requests == []
            assert home.requests[0].json["input"] == [[9906, 1917], [15339]]
            text = c.embeddings.create(model="text-embedding-3-small", input="営業時間")
            assert text.model == "text-embedding-3-small" and len(abroad.requests) == 1
            route = gw.rows()[0]["route"]
            trace = json.loads(route) if isinstance(route, str) else route
            assert trace["data_class"] == "unscanned:personal" and trace["chosen"] == "jp-embed"
        finally:
            gw.stop()
    finally:
        lt.run(abroad.stop())
        lt.run(home.stop())


def test_config_refuses_models_their_provider_cannot_serve() -> None:
    from tenbin.catalog.catalog import load_catalog
    from tenbin.config.loader import build_config
    from tenbin.config.validate import check_config

    raw = {"providers": {"a": {"kind": "anthropic", "api_key": "${FAKE_KEY}"},
                         "vec": {"kind": "llamacpp", "embedding": True}, "gen": {"kind": "llamacpp"}},
           "models": [fake_model("chat", "a"), emb_model("a-embed", "a"), emb_model("local-embed", "gen"),
                      fake_model("local-chat", "vec"), emb_model("ok-embed", "vec")],
           "default_model": "ok-embed"}
    cfg = build_config(raw, env=ENV)
    errors = [e for e in check_config(cfg, load_catalog(cfg.models)).errors if ".kind:" in e or "default_model" in e]
    assert errors == [
        "models.1(a-embed).kind: a-embed is an embedding model, and Anthropic's API serves none",
        "models.2(local-embed).kind: local-embed is an embedding model, so providers.gen needs embedding: true",
        "models.3(local-chat).kind: local-chat is a chat model, and providers.vec is loaded for embeddings "
        "(embedding: true)",
        "default_model: ok-embed is an embedding model; tenbin/auto answers chats"]


@pytest.mark.parametrize(("target", "served", "why"), [
    ("chat", None, "chat is a chat model"),
    ("emb-other", None, "emb-other is in vector space emb-other, incomparable with emb-big's s"),
    ("emb-cheap", "emb-cheap", "")])
def test_a_budget_downgrade_keeps_to_embedding_models_of_the_space(lt: LoopThread, tmp_path: Path, target: str,
                                                                   served: str | None, why: str) -> None:
    """A cheaper vector the client's index cannot use is no saving: a downgrade stays in the
    requested model's vector space, or the budget refuses."""
    fake = lt.run(FakeOpenAI().start())
    cheap = [{"effective": "2025-01-01", "currency": "USD", "input": "0.02", "output": "0"}]
    cfg = {"providers": {"oa": openai_provider(fake.url)},
           "models": [fake_model("chat", "oa"), emb_model("emb-big", "oa", vector_space="s"),
                      fake_model("emb-cheap", "oa", kind="embedding", prices=cheap, vector_space="s"),
                      fake_model("emb-other", "oa", kind="embedding", prices=cheap)],
           "default_model": "chat", "routing": {"constraints": []},
           # one request reserves 1,016 prompt bytes at $0.13/1M ≈ ¥0.02: over the ¥0.01 limit
           "finops": {"budgets": [{"name": "small", "scope": "team", "match": "local", "period": "month",
                                   "limit_jpy": "0.01", "action": "downgrade", "downgrade_to": target}]}}
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        c = _client(gw)
        if served is None:
            with pytest.raises(openai.RateLimitError) as ei:
                c.embeddings.create(model="emb-big", input="x" * 1000)
            assert why in str(ei.value) and fake.requests == []
        else:
            raw = c.embeddings.with_raw_response.create(model="emb-big", input="x" * 1000)
            assert raw.parse().model == served and raw.headers["x-tenbin-budget"].startswith("downgraded")
            assert fake.requests[0].json["model"] == served
    finally:
        gw.stop()
        lt.run(fake.stop())


def test_azure_embeddings_url_names_the_deployment() -> None:
    from tenbin.providers.openai_compat import azure_url

    assert azure_url("https://x.openai.azure.com", "emb-large", "2024-10-21", "embeddings") == (
        "https://x.openai.azure.com/openai/deployments/emb-large/embeddings?api-version=2024-10-21")
    assert azure_url("https://x.openai.azure.com/openai/deployments/emb", "ignored", "2024-10-21", "embeddings") == (
        "https://x.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-10-21")


def test_azure_deployment_serves_embeddings(lt: LoopThread, tmp_path: Path) -> None:
    fake = lt.run(FakeAzure({"emb-large": "text-embedding-3-large"}, api_key="azk").start())
    cfg = {"providers": {"az": {"kind": "openai", "base_url": fake.url, "api_key": "${AZ}",
                                "azure_deployment": True, "api_version": "2024-10-21", "max_retries": 0}},
           "models": [fake_model("chat", "az"), emb_model("azure/emb", "az", upstream="emb-large")],
           "default_model": "chat", "routing": {"constraints": []}}
    gw = start_gateway(lt, cfg, tmp_path, {"AZ": "azk"})
    try:
        r = _client(gw).embeddings.create(model="azure/emb", input=["稟議書", "議事録"], dimensions=8)
        assert r.model == "azure/emb" and _close(r.data[1].embedding, vector("議事録", 8))
        rec = fake.requests[0]
        assert rec.path == "/openai/deployments/emb-large/embeddings" and rec.query["api-version"] == "2024-10-21"
        assert rec.headers["api-key"] == "azk" and "authorization" not in rec.headers
        assert gw.rows()[0]["prompt_tokens"] == 7
    finally:
        gw.stop()
        lt.run(fake.stop())
