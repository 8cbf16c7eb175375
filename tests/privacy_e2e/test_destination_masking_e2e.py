"""Masking follows the destination (issue 11, item 4): only data sent abroad is masked.

Under the default policy (no ``routing`` section) a request with personal data goes as written to
a model processed on-prem or in Japan under Japanese law, and masked to any other — jurisdiction
counts, so a JP region run under US law (like Azure Japan East) is abroad. Each attempt of a
fallback chain is masked for its own destination, both ways, plain and streamed. Through the real
gateway and openai SDK, against scripted vendors that record what they received.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.scripted_openai import ScriptedOpenAI, chunk, completion, delta, first, stream, text_deltas
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("sudachipy")

NAME, PHONE = "山田太郎", "090-1234-5678"
DOC = f"お客様の{NAME}様（電話 {PHONE}）から返品の依頼がありました。"
MODELS = [  # id, region, jurisdiction, abroad?
    ("onprem", "on-prem", "JP", False),
    ("jp-jp", "JP", "JP", False),
    ("azure-japan-east", "JP", "US", True),
    ("us", "US", "US", True),
]
Fakes = dict[str, ScriptedOpenAI]


def config(fakes: Fakes, **routing: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "providers": {m: openai_provider(f.url + "/v1", max_retries=0) for m, f in fakes.items()},
        "models": [fake_model(m, m, region=region, jurisdiction=jur) for m, region, jur, _ in MODELS],
        "default_model": "us",
        "fallbacks": {"onprem": ["us"], "us": ["onprem"]},
    }
    if routing:
        cfg["routing"] = routing
    return cfg


@pytest.fixture(scope="module")
def fakes(lt: LoopThread) -> Iterator[Fakes]:
    out = {m: lt.run(ScriptedOpenAI().start()) for m, *_ in MODELS}
    yield out
    for f in out.values():
        lt.run(f.stop())


@pytest.fixture(scope="module")
def gw(lt: LoopThread, fakes: Fakes, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    g = start_gateway(lt, config(fakes), tmp_path_factory.mktemp("dest"), {"FAKE_KEY": "k"})
    yield g
    g.stop()


def sent(fake: ScriptedOpenAI) -> str:
    return fake.requests[-1].body.decode("utf-8")


def reply_with_name(b: dict[str, Any]) -> Reply:
    """Answer with the name as the model saw it: the placeholder if masked, else the name."""
    text = b["messages"][-1]["content"]
    return completion(f"{first(b, '氏名') if '〔氏名' in text else NAME}様に折り返します。")


def streamed_name(b: dict[str, Any]) -> Reply:
    name = first(b, "氏名") if "〔氏名" in b["messages"][-1]["content"] else NAME
    return stream([*text_deltas(f"{name}様に折り返します。", 1), chunk([delta({}, "stop")])])


def ask(gw: GatewayHandle, model: str, stream_: bool = False) -> tuple[str, Any]:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
    raw = c.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": DOC}], stream=stream_)
    r: Any = raw.parse()
    if stream_:
        return "".join(ch.choices[0].delta.content or "" for ch in r if ch.choices), raw.headers
    return r.choices[0].message.content or "", raw.headers


@pytest.mark.parametrize(("model", "abroad"), [(m, a) for m, _, _, a in MODELS], ids=[m for m, *_ in MODELS])
@pytest.mark.parametrize("stream_", [False, True], ids=["plain", "stream"])
def test_default_policy_masks_only_what_goes_abroad(
        gw: GatewayHandle, fakes: Fakes, model: str, abroad: bool, stream_: bool) -> None:
    """Before: every model got the masked prompt, the on-prem one included."""
    fake = fakes[model]
    fake.answer(streamed_name if stream_ else reply_with_name)
    answer, headers = ask(gw, model, stream_)
    body = sent(fake)
    assert (NAME in body, PHONE in body) == (not abroad, not abroad)
    assert ("〔氏名" in body) is abroad
    assert answer == f"{NAME}様に折り返します。"  # restored when masked, as written when not
    assert headers["x-tenbin-model"] == model
    assert ("privacy=mask" in headers["x-tenbin-route"]) is abroad


@pytest.mark.parametrize("stream_", [False, True], ids=["plain", "stream"])
def test_fallback_from_onprem_to_abroad_is_masked(gw: GatewayHandle, fakes: Fakes, stream_: bool) -> None:
    local, foreign = fakes["onprem"], fakes["us"]
    n_local = len(local.requests)
    local.enqueue(Reply(status=500, json={"error": {"message": "down", "type": "server_error"}}))
    foreign.answer(streamed_name if stream_ else reply_with_name)
    answer, headers = ask(gw, "onprem", stream_)
    assert len(local.requests) == n_local + 1 and NAME in local.requests[-1].body.decode()  # tried, unmasked
    body = sent(foreign)
    assert NAME not in body and PHONE not in body and "〔氏名" in body
    assert headers["x-tenbin-model"] == "us"
    assert answer == f"{NAME}様に折り返します。"


@pytest.mark.parametrize("stream_", [False, True], ids=["plain", "stream"])
def test_fallback_from_abroad_to_onprem_is_not_masked(gw: GatewayHandle, fakes: Fakes, stream_: bool) -> None:
    local, foreign = fakes["onprem"], fakes["us"]
    foreign.enqueue(Reply(status=503, json={"error": {"message": "down", "type": "server_error"}}))
    local.answer(streamed_name if stream_ else reply_with_name)
    answer, headers = ask(gw, "us", stream_)
    assert NAME not in sent(foreign) and PHONE not in sent(foreign)  # the failed attempt was masked
    assert NAME in sent(local) and PHONE in sent(local) and "〔" not in sent(local)
    assert headers["x-tenbin-model"] == "onprem"
    assert answer == f"{NAME}様に折り返します。"


def test_ledger_row_follows_the_model_that_answered(gw: GatewayHandle, fakes: Fakes) -> None:
    fakes["onprem"].answer(reply_with_name)
    ask(gw, "onprem")
    row = gw.rows()[-1]
    assert row["served_model"] == "onprem" and row["data_class"] == "personal"


def test_mask_scope_always_masks_domestic_models_too(lt: LoopThread, fakes: Fakes, tmp_path: Path) -> None:
    g = start_gateway(lt, config(fakes, on_sensitive="mask", mask_scope="always",
                                 constraints=[]), tmp_path, {"FAKE_KEY": "k"})
    try:
        fakes["onprem"].answer(reply_with_name)
        answer, headers = ask(g, "onprem")
        assert NAME not in sent(fakes["onprem"]) and "〔氏名" in sent(fakes["onprem"])
        assert answer == f"{NAME}様に折り返します。" and "privacy=mask" in headers["x-tenbin-route"]
    finally:
        g.stop()


def test_a_rule_can_widen_the_scope(lt: LoopThread, fakes: Fakes, tmp_path: Path) -> None:
    g = start_gateway(lt, config(fakes, rules=[{"name": "hr", "when": {"use_case": "hr"}, "on_sensitive": "redact",
                                                "mask_scope": "always"}]), tmp_path, {"FAKE_KEY": "k"})
    try:
        c = openai.OpenAI(base_url=g.base_url, api_key="local", max_retries=0, timeout=30)
        for use_case, masked in (("hr", True), ("support", False)):
            fakes["jp-jp"].answer(lambda b: completion("了解"))
            c.chat.completions.create(model="jp-jp", messages=[{"role": "user", "content": DOC}],
                                      extra_headers={"x-tenbin-use-case": use_case})
            assert (NAME not in sent(fakes["jp-jp"])) is masked, use_case
    finally:
        g.stop()


PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9"
       "awAAAABJRU5ErkJggg==")


def test_refused_attachments_skip_only_the_fallback_that_needs_masking(
        lt: LoopThread, fakes: Fakes, tmp_path: Path) -> None:
    """``privacy.binary: refuse``: the on-prem first choice gets the image as sent; when it fails,
    the foreign fallback would need the request masked, which the image forbids, so it is
    skipped (never called) and the client gets the chain's error, not a leak."""
    cfg = config(fakes)
    cfg["privacy"] = {"binary": "refuse"}
    g = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    try:
        c = openai.OpenAI(base_url=g.base_url, api_key="local", max_retries=0, timeout=30)
        msgs: Any = [{"role": "user", "content": [{"type": "text", "text": DOC},
                                                  {"type": "image_url", "image_url": {"url": PNG}}]}]
        fakes["onprem"].answer(lambda b: completion("見ました"))
        assert c.chat.completions.create(model="onprem", messages=msgs).choices[0].message.content == "見ました"
        assert PNG in sent(fakes["onprem"]) and NAME in sent(fakes["onprem"])
        n_us = len(fakes["us"].requests)
        fakes["onprem"].enqueue(Reply(status=500, json={"error": {"message": "down", "type": "server_error"}}))
        with pytest.raises(openai.APIStatusError) as ei:
            c.chat.completions.create(model="onprem", messages=msgs)
        assert ei.value.status_code == 502 and len(fakes["us"].requests) == n_us
        with pytest.raises(openai.PermissionDeniedError):  # a first choice that needs masking: 403
            c.chat.completions.create(model="us", messages=msgs)
        assert len(fakes["us"].requests) == n_us
    finally:
        g.stop()
