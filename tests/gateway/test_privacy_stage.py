"""The pipeline's privacy adapter: masking per decision and streaming restore across chunk splits."""

from __future__ import annotations

import pytest

from tenbin.catalog import load_catalog
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.routing.decision import Decision

pytest.importorskip("sudachipy")

DOC = "お客様の山田太郎様（電話 090-1234-5678、taro.yamada@example.co.jp）から返品の依頼がありました。"


def stage() -> PrivacyStage:
    s = PrivacyStage.from_config({"ner": True})
    assert s is not None
    return s


def decision(action: str) -> Decision:
    m = load_catalog().get("gpt-4o")
    assert m is not None
    return Decision(model=m, privacy_action=action)  # type: ignore[arg-type]


def test_mask_then_restore_response() -> None:
    s = stage()
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": DOC}]}
    scan = s.scan(body)
    masked = s.apply(body, scan, decision("mask"))
    assert masked is not None
    sent = masked.body["messages"][0]["content"]
    for secret in ("山田太郎", "090-1234-5678", "taro.yamada@example.co.jp"):
        assert secret not in sent
    assert body["messages"][0]["content"] == DOC  # the client's body is untouched
    placeholders = [p for p in sent.split("〔")[1:]]
    answer = "承知しました。" + "".join("〔" + p.split("〕")[0] + "〕" for p in placeholders) + "に連絡します。"
    resp = {"choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}]}
    masked.restore_response(resp)
    out = resp["choices"][0]["message"]["content"]
    assert "山田太郎" in out and "090-1234-5678" in out and "〔" not in out


def test_allow_sends_as_is() -> None:
    s = stage()
    body = {"messages": [{"role": "user", "content": DOC}]}
    assert s.apply(body, s.scan(body), decision("allow")) is None


def test_stream_restore_split_placeholder() -> None:
    s = stage()
    body = {"messages": [{"role": "user", "content": DOC}]}
    masked = s.apply(body, s.scan(body), decision("mask"))
    assert masked is not None
    sent = masked.body["messages"][0]["content"]
    ph = "〔" + sent.split("〔")[1].split("〕")[0] + "〕"
    text = f"宛先は{ph}です。"
    r = masked.stream_restorer()
    out = []
    for i in range(len(text)):  # one character per chunk: every placeholder is split
        chunk = {"id": "c", "choices": [{"index": 0, "delta": {"content": text[i]}, "finish_reason": None}]}
        r.restore_chunk(chunk)
        out.append(chunk["choices"][0]["delta"]["content"])
    final = {"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    r.restore_chunk(final)
    out.append(final["choices"][0]["delta"].get("content") or "")
    assert sent.startswith("お客様の" + ph)  # the first placeholder stands for the name
    assert "".join(out) == "宛先は山田太郎です。"


@pytest.mark.parametrize("final_choice", [
    {"index": 0, "delta": {}, "finish_reason": "stop"},  # OpenAI's last chunk
    {"index": 0, "finish_reason": "stop"},  # no delta at all
    {"index": 0, "delta": None, "finish_reason": "length"},
], ids=["empty-delta", "no-delta", "null-delta"])
def test_stream_restore_flushes_the_held_tail_into_any_final_chunk(final_choice: dict[str, object]) -> None:
    """The answer ends in 〔電話, which could still have grown into a placeholder, so it is held back;
    the final chunk must carry it whatever its shape (before: an empty delta dropped it)."""
    s = stage()
    body = {"messages": [{"role": "user", "content": DOC}]}
    masked = s.apply(body, s.scan(body), decision("mask"))
    assert masked is not None
    r = masked.stream_restorer()
    chunk = {"id": "c", "choices": [{"index": 0, "delta": {"content": "折り返しは〔電話"}, "finish_reason": None}]}
    r.restore_chunk(chunk)
    assert chunk["choices"][0]["delta"]["content"] == "折り返しは"
    final = {"id": "c", "choices": [dict(final_choice)]}
    r.restore_chunk(final)
    assert final["choices"][0]["delta"]["content"] == "〔電話"
    assert r.flush_chunk("m") is None  # nothing left to send twice


def test_bad_privacy_config_names_field() -> None:
    with pytest.raises(ValueError, match=r"privacy\.nerr"):
        PrivacyStage.from_config({"nerr": True})
    with pytest.raises(ValueError, match=r"privacy\.baseline"):
        PrivacyStage.from_config({"baseline": "SECRETISH"})
