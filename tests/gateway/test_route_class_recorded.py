"""The ledger and the audit log store the data class routing decided on, the same one the
x-tenbin-route header shows — not the privacy scan's, which knows only findings (issue 12).

Real gateway, real HTTP, the openai SDK as client, a fake vendor; the ledger row and the audit
entry are read back from the store. Three prompts where the scan alone would be wrong or is
incomplete, and a refusal, whose row must carry the class it was refused for.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

# A marker and no personal data: the scan sees the marker, the classifier agrees.
MARKED = "【社外秘】来期の出店計画を箇条書きにして。北口店、南口店、駅前店の順に開業。"
# Results before their announcement, no marker: only the classifier knows it is confidential.
UNDISCLOSED = "まだ公表していない第3四半期の決算です。営業利益は前年同期比4割減。投資家向けの想定問答を作って。"
# The marker only as the topic of a general question: the scan sees a marker, the rules say public.
TOPIC = "「社外秘」のスタンプとは一般的にどういう意味ですか？"


def _gateway(lt: LoopThread, fake: FakeOpenAI, tmp: Path, routing: dict[str, Any]) -> GatewayHandle:
    # on-prem: the default constraints keep confidential requests there, so every class is served
    cfg = {"providers": {"p": openai_provider(fake.url)}, "models": [fake_model("m", "p", region="on-prem")],
           "default_model": "m", "privacy": {"ner": False}, "routing": routing}
    return start_gateway(lt, cfg, tmp, {"FAKE_KEY": "k"})


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = _gateway(lt, fake_openai, tmp_path, {})
    yield h
    h.stop()


def _audit_classes(gw: GatewayHandle) -> list[str | None]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    rows = gw.lt.run(gw.runtime.store.query("SELECT data_class FROM audit_log WHERE kind = 'request' ORDER BY seq"))
    return [r["data_class"] for r in rows]


@pytest.mark.parametrize(("text", "cls"), [(MARKED, "confidential"), (UNDISCLOSED, "confidential"),
                                           (TOPIC, "public")])
def test_ledger_audit_and_header_store_the_routed_class(gw: GatewayHandle, text: str, cls: str) -> None:
    client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    raw = client.chat.completions.with_raw_response.create(model="tenbin/auto",
                                                           messages=[{"role": "user", "content": text}])
    assert raw.status_code == 200
    assert f"class={cls}" in raw.headers["x-tenbin-route"]
    row = gw.rows()[-1]
    assert row["data_class"] == cls
    assert _audit_classes(gw)[-1] == cls


def test_a_refused_request_records_the_class_it_was_refused_for(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    """The router refuses inside decide(): there is no decision, but the row and the audit entry
    still say what the request was (here: confidential by content, which the scan called public)."""
    h = _gateway(lt, fake_openai, tmp_path, {"sensitive_from": "CONFIDENTIAL", "on_sensitive": "block"})
    try:
        client = openai.OpenAI(base_url=h.base_url, api_key="local", max_retries=0)
        with pytest.raises(openai.PermissionDeniedError):
            client.chat.completions.create(model="tenbin/auto", messages=[{"role": "user", "content": UNDISCLOSED}])
        assert fake_openai.requests == []
        row = h.rows()[-1]
        assert row["status"] == 403 and row["data_class"] == "confidential"
        assert _audit_classes(h)[-1] == "confidential"
    finally:
        h.stop()
