"""Text longer than SudachiPy's input limit (49,149 UTF-8 bytes) is analysed in pieces, not refused."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tenbin.privacy import sudachi
from tenbin.privacy.detector import Detector
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway

pytest.importorskip("sudachipy")

# 3 UTF-8 bytes a character: 20,000 characters are 60,000 bytes, over the limit
FILLER = "本契約は甲乙間の業務委託に関する条件を定めるものとする。\n" * 700


def test_pieces_cover_the_text_exactly_and_stay_under_the_limit() -> None:
    text = FILLER + "末尾の段落。"
    parts = sudachi.pieces(text)
    assert len(parts) > 1
    assert "".join(p for _, p in parts) == text
    assert all(text[o : o + len(p)] == p for o, p in parts)
    assert all(len(p.encode()) < 49_149 for _, p in parts)
    assert all(p.endswith("\n") for _, p in parts[:-1])  # cut at line ends where there are some


def test_tokens_of_a_long_text_have_offsets_into_the_original() -> None:
    text = FILLER + "担当は山田太郎です。"
    tokens = sudachi.tokenize(text)
    assert tokens is not None
    assert all(text[t.begin : t.end] == t.surface for t in tokens)
    assert tokens[-1].end == len(text)


def test_a_name_after_60_kb_of_contract_is_found() -> None:
    text = FILLER + "担当者：山田太郎（090-1234-5678）"
    assert len(text.encode()) > 49_149
    labels = {(f.label, text[f.start : f.end]) for f in Detector().scan_text(text)}
    assert ("PHONE", "090-1234-5678") in labels
    assert any(label == "PERSON" and "山田" in value for label, value in labels)


def test_one_pasted_contract_through_the_gateway_is_masked_not_a_500(
        lt: LoopThread, tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    cfg = {"providers": {"us": openai_provider(fake_openai.url)}, "models": [fake_model("us-model", "us")],
           "default_model": "us-model"}
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    try:
        text = FILLER + "担当者：山田太郎（090-1234-5678）"
        r = httpx.post(gw.base_url + "/chat/completions", timeout=60, json={
            "model": "us-model", "messages": [{"role": "user", "content": text}]})
        assert r.status_code == 200, r.text  # before: 500 from SudachiPy's "Input is too long"
        sent = fake_openai.requests[-1].body.decode()  # sent abroad, so masked
        assert "090-1234-5678" not in sent and "山田太郎" not in sent
    finally:
        gw.stop()
