"""Stored responses through the real openai SDK: ``previous_response_id``, ``responses.retrieve`` and
``responses.delete``, content kept only under the raw-retention policy and never across teams."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tenbin.api.state import RESPONSE_STORE
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("cryptography")


def _gateway(lt: LoopThread, tmp_path: Path, fake: FakeOpenAI, retain: bool) -> GatewayHandle:
    cfg = {"providers": {"v": openai_provider(fake.url)}, "models": [fake_model("m", "v", region="JP")],
           "default_model": "m", "governance": {"retain_raw": {"enabled": retain}}}
    return start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})


@pytest.fixture
def retained(lt: LoopThread, tmp_path: Path,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    monkeypatch.setenv("TENBIN_AUDIT_KEY", base64.b64encode(os.urandom(32)).decode())
    fake = lt.run(FakeOpenAI(echo=True).start())
    gw = _gateway(lt, tmp_path, fake, retain=True)
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def _stored(gw: GatewayHandle, sql: str, params: tuple[object, ...] = ()) -> list[dict[str, object]]:
    """Rows of the responses table once the write-behind batch is in (as the ledger's rows.)"""
    gw.lt.run(gw.runner.app[RESPONSE_STORE].writer.flush())
    return gw.lt.run(gw.runtime.store.query(sql, params))


def _client(gw: GatewayHandle, team: str) -> openai.OpenAI:
    key, _ = gw.lt.run(gw.runtime.keyring.create(team, "p", "app"))
    return openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=30)


def test_previous_response_id_continues_the_conversation(retained: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = retained
    c = _client(gw, "sales")
    first = c.responses.create(model="m", instructions="丁寧に", input="山田さんへの返信を書いて")
    assert first.output_text == "山田さんへの返信を書いて"  # the fake echoes the last message
    with c.responses.stream(model="m", input="もっと短く", previous_response_id=first.id) as s:
        second = s.get_final_response()
    sent = fake.requests[-1].json["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]  # first instructions not carried over
    assert sent[1]["content"] == [{"type": "text", "text": "山田さんへの返信を書いて"}]
    assert sent[2]["content"] == "もっと短く"
    third = c.responses.create(model="m", input="ありがとう", previous_response_id=second.id)
    assert len(fake.requests[-1].json["messages"]) == 5  # the whole chain, not only the last turn
    got = c.responses.retrieve(third.id)
    assert got.id == third.id and got.output_text == "ありがとう" and got.status == "completed"

    raw = _stored(gw, "SELECT * FROM responses WHERE id = ?", (first.id,))[0]
    assert isinstance(raw["envelope"], str) and isinstance(raw["ciphertext"], bytes)
    assert "山田" not in raw["envelope"] and "山田".encode() not in raw["ciphertext"]

    with pytest.raises(openai.NotFoundError):  # another team's key cannot read or continue it
        _client(gw, "hr").responses.retrieve(first.id)
    with pytest.raises(openai.BadRequestError) as e:
        _client(gw, "hr").responses.create(model="m", input="x", previous_response_id=first.id)
    assert isinstance(e.value.body, dict) and e.value.body["code"] == "previous_response_not_found"

    c.responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(first.id)


def test_store_false_keeps_nothing(retained: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, _ = retained
    c = _client(gw, "sales")
    r = c.responses.create(model="m", input="一時的", store=False)
    with pytest.raises(openai.NotFoundError):
        c.responses.retrieve(r.id)
    assert _stored(gw, "SELECT COUNT(*) AS n FROM responses")[0]["n"] == 0


def test_without_retention_only_metadata_is_kept(lt: LoopThread, tmp_path: Path) -> None:
    fake = lt.run(FakeOpenAI(echo=True).start())
    try:
        gw = _gateway(lt, tmp_path, fake, retain=False)
        try:
            c = _client(gw, "sales")
            r = c.responses.create(model="m", input="090-1234-5678 に電話して")
            got = c.responses.retrieve(r.id)
            assert got.status == "completed" and got.output == [] and got.usage is not None
            rows = _stored(gw, "SELECT * FROM responses")
            assert len(rows) == 1 and rows[0]["ciphertext"] is None and "090" not in str(rows[0]["envelope"])
            with pytest.raises(openai.BadRequestError) as e:
                c.responses.create(model="m", input="続き", previous_response_id=r.id)
            assert isinstance(e.value.body, dict) and e.value.body["code"] == "response_content_not_retained"
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())
