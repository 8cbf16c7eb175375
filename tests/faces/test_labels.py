"""Labels stored as they came (the use-case tag, the model name) never carry personal data to rest."""

from __future__ import annotations

import openai
import pytest

from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle

pytest.importorskip("sudachipy")


@pytest.mark.parametrize(("use_case", "model", "param"), [
    ("090-1234-5678", "m", "metadata.use_case"),
    ("support", "山田太郎さん 090-1234-5678", "model"),
])
def test_a_label_with_personal_data_is_refused_and_not_stored(
        openai_gateway: tuple[GatewayHandle, FakeOpenAI], use_case: str, model: str, param: str) -> None:
    gw, fake = openai_gateway
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    with pytest.raises(openai.BadRequestError) as e:
        c.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}],
                                  extra_headers={"x-tenbin-use-case": use_case})
    assert isinstance(e.value.body, dict) and e.value.body["param"] == param
    assert e.value.body["code"] == "personal_data_in_label"
    assert fake.requests == []
    stored = str(gw.rows()) + str(gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log")))
    assert "090-1234-5678" not in stored and "山田" not in stored


def test_plain_labels_pass(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, _ = openai_gateway
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}],
                              extra_headers={"x-tenbin-use-case": "ringi-summary"})
    assert [r["use_case"] for r in gw.rows()] == ["ringi-summary"]
