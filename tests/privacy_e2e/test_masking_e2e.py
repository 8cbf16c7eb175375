"""Masking end to end: a foreign vendor never sees the personal data; the client gets it back.

The fake upstream echoes what it received, so the client's answer must equal the original
document exactly after restoration — a strong check that placeholders round-trip, plain and
streamed (the fake streams in 2-character pieces, splitting placeholders across SSE chunks).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.datasets import pii_dev_set
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("sudachipy")

def documents() -> list[dict[str, Any]]:
    dev = pii_dev_set()  # skips (fails under CI=true) with the reason when the file is absent
    docs = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [d for d in docs if d["spans"]]


@pytest.fixture(scope="module")
def setup(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GatewayHandle, FakeOpenAI]]:
    fake = lt.run(FakeOpenAI(echo=True).start())
    cfg = {
        "providers": {"abroad": openai_provider(fake.url)},
        "models": [fake_model("foreign-frontier", "abroad", region="US")],
        "default_model": "foreign-frontier",
        "routing": {
            "constraints": [{"name": "personal-in-japan", "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
                             "require": {"region": ["JP", "on-prem"]}, "unless_masked": True}],
            "rules": [{"name": "support-draft-masked", "when": {}, "model": "foreign-frontier",
                       "on_sensitive": "mask"}],
        },
    }
    gw = start_gateway(lt, cfg, tmp_path_factory.mktemp("mask"), {"FAKE_KEY": "k"})
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def _squash(text: str) -> str:
    """Ignore spaces: one person written 「小川　翔太」 and 「小川翔太」 shares one placeholder by design
    (consistent pseudonyms), and is restored in one written form."""
    return text.replace(" ", "").replace("\u3000", "")


def _leaks(fake: FakeOpenAI, start: int, doc: dict[str, Any]) -> list[str]:
    received = "".join(r.body.decode("utf-8") + json.dumps(r.json, ensure_ascii=False)
                       for r in fake.requests[start:])
    return [s["label"] for s in doc["spans"] if len(s["text"]) > 1 and s["text"] in received]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_no_pii_reaches_foreign_vendor_and_answer_is_restored(
        setup: tuple[GatewayHandle, FakeOpenAI], stream: bool) -> None:
    gw, fake = setup
    client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
    leaks: dict[str, list[str]] = {}
    mismatches = []
    docs = documents()
    for doc in docs:
        start = len(fake.requests)
        msgs = [{"role": "user", "content": doc["text"]}]
        if stream:
            chunks = list(client.chat.completions.create(model="tenbin/auto", messages=msgs, stream=True))  # type: ignore[arg-type]
            answer = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        else:
            answer = client.chat.completions.create(model="tenbin/auto", messages=msgs).choices[0].message.content or ""  # type: ignore[arg-type]
        found = _leaks(fake, start, doc)
        if found:
            leaks[doc["id"]] = found
        if _squash(answer) != _squash(doc["text"]):
            mismatches.append(doc["id"])
        assert "〔" in fake.requests[-1].json["messages"][0]["content"], "nothing was masked"
    assert not leaks, f"PII reached the foreign upstream: {leaks}"
    assert not mismatches, f"answers not restored exactly: {mismatches}"
    rows = gw.rows()
    assert len(rows) >= len(docs) and all(r["served_model"] == "foreign-frontier" for r in rows)
