"""The OpenAI-compatible API end to end: real openai SDK → gateway over HTTP → fake upstream."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {
        "providers": {"fake": openai_provider(fake_openai.url)},
        "models": [fake_model("gpt-4o", "fake"), fake_model("tiny", "fake", upstream="tiny-upstream")],
        "default_model": "gpt-4o",
        "server": {"max_body_bytes": 200_000},
    }
    h = start_gateway(lt, cfg, tmp_path, ENV)
    yield h
    h.stop()


def client(gw: GatewayHandle, key: str = "local") -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)


def test_chat_completion_plain(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "稟議書を要約して"}])
    resp = raw.parse()
    assert resp.choices[0].message.content == fake_openai.reply
    assert resp.model == "gpt-4o"
    assert resp.usage is not None and resp.usage.prompt_tokens == 11
    assert raw.headers["x-tenbin-model"] == "gpt-4o"
    assert raw.headers["x-tenbin-provider"] == "fake"
    assert raw.headers["x-tenbin-request-id"].startswith("req_")
    # The upstream got its own model name and our upstream key, never the client's key.
    sent = fake_openai.requests[-1]
    assert sent.json["model"] == "gpt-4o"
    assert sent.headers["Authorization"] == "Bearer sk-fake-upstream-secret"
    rows = gw.rows()
    assert len(rows) == 1
    r = rows[0]
    assert (r["prompt_tokens"], r["completion_tokens"], r["tokens_reported"]) == (11, 6, 1)
    assert r["status"] == 200 and r["served_model"] == "gpt-4o" and r["team"] == "local"
    # 11 × $2.50/M + 6 × $10/M = $0.0000875
    assert r["cost_nanos"] == 87_500 and r["currency"] == "USD"
    assert r["cost_jpy_nanos"] > 0


def test_upstream_model_name_is_translated(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    resp = client(gw).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "hi"}])
    assert fake_openai.requests[-1].json["model"] == "tiny-upstream"
    assert resp.model == "tiny"


def test_stream_matches_openai_framing(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    stream = client(gw).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "日報"}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == fake_openai.reply
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert all(c.usage is None for c in chunks)  # not asked for: hidden
    # the gateway always asks the upstream for usage, so the ledger has exact counts
    assert fake_openai.requests[-1].json["stream_options"] == {"include_usage": True}
    row = gw.rows()[-1]
    assert row["stream"] == 1 and row["completion_tokens"] == 6 and row["tokens_reported"] == 1
    assert row["ttft_ms"] is not None


def test_stream_include_usage_and_raw_sse(gw: GatewayHandle) -> None:
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "stream": True,
            "stream_options": {"include_usage": True}}
    with httpx.stream("POST", gw.base_url + "/chat/completions", json=body) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [ln for ln in r.iter_lines() if ln]
    assert all(ln.startswith("data: ") for ln in lines)
    assert lines[-1] == "data: [DONE]"
    import json

    last = json.loads(lines[-2][6:])
    assert last["choices"] == [] and last["usage"]["completion_tokens"] == 6


def test_unknown_fields_pass_through(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    client(gw).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "x"}], seed=7,
        extra_body={"reasoning_effort": "low", "vendor_flag": {"a": 1}})
    sent = fake_openai.requests[-1].json
    assert sent["seed"] == 7 and sent["reasoning_effort"] == "low" and sent["vendor_flag"] == {"a": 1}


def test_use_case_from_header_and_metadata(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    c = client(gw)
    c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                              extra_headers={"x-tenbin-use-case": "ringi-summary"})
    c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                              metadata={"use_case": "support-draft"})
    assert "metadata" not in fake_openai.requests[-1].json  # our tag is not forwarded
    assert [r["use_case"] for r in gw.rows()] == ["ringi-summary", "support-draft"]


def test_models_lists_what_can_answer_and_says_why_not(gw: GatewayHandle) -> None:
    page = client(gw).models.list()
    ids = [m.id for m in page.data]
    # the default model first; only models whose provider is available (the embedded model too,
    # when its GGUF is installed); vendors without a key in the env are named beside the list
    assert ids[0] == "gpt-4o" and sorted(set(ids) - {"local/smollm2"}) == ["gpt-4o", "tiny"]
    assert len(ids) == len(set(ids))
    assert (page.data[0].model_extra or {})["tenbin"]["region"] == "US"
    why = {u["id"]: u["reason"] for u in (page.model_extra or {})["tenbin"]["unavailable"]}
    assert "claude-sonnet-4" not in ids and "ANTHROPIC_API_KEY" in why["claude-sonnet-4"]


def test_healthz(gw: GatewayHandle) -> None:
    r = httpx.get(gw.url + "/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


# ---- errors, in OpenAI's shape --------------------------------------------------------------

def _err(r: httpx.Response, status: int) -> dict[str, object]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body["error"]) >= {"message", "type", "param", "code"}
    assert r.headers.get("x-tenbin-request-id")
    return body["error"]


def test_400_malformed_json(gw: GatewayHandle) -> None:
    r = httpx.post(gw.base_url + "/chat/completions", content=b"{nope",
                   headers={"content-type": "application/json"})
    assert _err(r, 400)["code"] == "invalid_json"


@pytest.mark.parametrize("body,param", [
    ({"messages": [{"role": "user", "content": "x"}]}, "model"),
    ({"model": "gpt-4o"}, "messages"),
    ({"model": "gpt-4o", "messages": []}, "messages"),
    ({"model": "gpt-4o", "messages": [{"role": "wizard", "content": "x"}]}, "messages[0].role"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "temperature": 9}, "temperature"),
    ({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}, "stream"),
])
def test_400_schema(gw: GatewayHandle, body: dict[str, object], param: str) -> None:
    r = httpx.post(gw.base_url + "/chat/completions", json=body)
    assert _err(r, 400)["param"] == param


def test_400_via_sdk_is_bad_request_error(gw: GatewayHandle) -> None:
    with pytest.raises(openai.BadRequestError):
        client(gw).chat.completions.create(model="gpt-4o", messages=[])


def test_404_unknown_model(gw: GatewayHandle) -> None:
    with pytest.raises(openai.NotFoundError) as ei:
        client(gw).chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    assert ei.value.code == "model_not_found"
    assert gw.rows()[-1]["status"] == 404  # failures are in the ledger too


def test_404_unknown_route(gw: GatewayHandle) -> None:
    _err(httpx.get(gw.base_url + "/nope"), 404)


def test_413_body_too_large(gw: GatewayHandle) -> None:
    big = "あ" * 100_000
    r = httpx.post(gw.base_url + "/chat/completions",
                   json={"model": "gpt-4o", "messages": [{"role": "user", "content": big}]})
    assert _err(r, 413)["code"] == "request_too_large"


def test_401_and_403_with_keys(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    kr = gw.runtime.keyring
    key, _ = gw.lt.run(kr.create("sales", "crm", allowed_models=("tiny",)))
    gw.runtime.keyring.ttl_s = 0  # see revocation at once
    # once a key exists, key-less requests are refused
    with pytest.raises(openai.AuthenticationError):
        client(gw, "local").chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}])
    r = httpx.post(gw.base_url + "/chat/completions", json={"model": "tiny", "messages": []})
    _err(r, 401)
    with pytest.raises(openai.AuthenticationError):
        client(gw, key[:-2] + "zz").chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}])
    ok = client(gw, key).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}])
    assert ok.choices[0].message.content
    with pytest.raises(openai.PermissionDeniedError):
        client(gw, key).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    # attribution comes from the key, not from headers
    client(gw, key).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}],
                                            extra_headers={"x-tenbin-team": "finance"})
    assert gw.rows()[-1]["team"] == "sales"
    ids = [m.id for m in client(gw, key).models.list()]
    assert ids == ["tiny"]
    gw.lt.run(kr.revoke(key.split("-")[1]))
    with pytest.raises(openai.AuthenticationError):
        client(gw, key).chat.completions.create(model="tiny", messages=[{"role": "user", "content": "x"}])
