"""Escaping of the client's placeholder-looking text, and the restore rules' config."""

from __future__ import annotations

import json

import pytest

from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.privacy import Detector, Masker, PrivacyConfig
from tenbin.privacy.placeholders import TOKEN_RE, escape, unescaped
from tenbin.privacy.restore import RestoreRules
from tenbin.privacy.types import CUSTOM_TERM

pytest.importorskip("sudachipy")

TEXTS = ["〔氏名1〕", "〔氏名〕", "〔画像〕", "〔原文:氏名1〕", "〔原文：電話2〕", "〔原文:原文:氏名〕", "〔氏名１〕",
         "〔注〕", "〔原文〕", "〔氏名1", "氏名1〕", "〔〕"]


def unescape(text: str) -> str:
    return TOKEN_RE.sub(lambda m: unescaped(m) or m.group(), text)


@pytest.mark.parametrize("text", TEXTS)
def test_escape_is_undone_exactly(text: str) -> None:
    once = escape(text)
    assert unescape(once) == text
    assert unescape(escape(once)) == once  # bijective: an escaped-looking text gets one more level


def test_escaped_text_never_matches_a_real_placeholder() -> None:
    for t in TEXTS:
        for m in TOKEN_RE.finditer(escape(t)):
            assert m.group(1), (t, m.group())  # every token the vendor sees from the client is escaped


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(PrivacyConfig())


@pytest.mark.parametrize("mode", ["pseudonymize", "redact"])
def test_stream_unescapes_across_every_split(det: Detector, mode: str) -> None:
    msgs = [{"role": "user", "content": "〔氏名1〕と〔原文：画像〕の書式で山田太郎様に"}]
    s = Masker(mode).mask_messages(msgs, det.scan_messages(msgs))  # type: ignore[arg-type]
    sent = s.messages[0]["content"]
    assert "山田太郎" not in sent and "〔原文:氏名1〕" in sent and "〔原文:原文：画像〕" in sent
    want = s.restore(sent)
    assert want == (msgs[0]["content"] if mode == "pseudonymize" else "〔氏名1〕と〔原文：画像〕の書式で〔氏名〕様に")
    for cut in range(1, len(sent)):
        r = s.stream_restorer()
        assert r.feed(sent[:cut]) + r.feed(sent[cut:]) + r.flush() == want, cut


def test_unescape_never_puts_real_values_back(det: Detector) -> None:
    msgs = [{"role": "user", "content": "〔氏名1〕の欄に山田太郎様"}]
    s = Masker().mask_messages(msgs, det.scan_messages(msgs))
    assert s.unescape(s.messages[0]["content"]) == "〔氏名1〕の欄に〔氏名2〕様"


def test_restore_json_escapes_the_value() -> None:
    msgs = [{"role": "user", "content": "Project \"Falcon\"\\x の件"}]
    scan = Detector(PrivacyConfig(custom_terms=['Project "Falcon"\\x'])).scan_messages(msgs)
    s = Masker(labels={CUSTOM_TERM}).mask_messages(msgs, scan)
    ph = s.messages[0]["content"].split(" の件")[0]
    assert ph.startswith("〔固有名")
    assert json.loads(s.restore_json(json.dumps({"q": ph}, ensure_ascii=False))) == {"q": 'Project "Falcon"\\x'}


def test_restore_config() -> None:
    assert RestoreRules.from_section(None).internal_tools == frozenset()
    stage = PrivacyStage.from_config({"restore": {"internal_tools": ["lookup_customer"]}})
    assert stage is not None and stage.restore.internal_tools == {"lookup_customer"}
    with pytest.raises(ValueError, match=r"privacy\.restore\.internal_tool"):
        PrivacyStage.from_config({"restore": {"internal_tool": ["x"]}})
    with pytest.raises(ValueError, match=r"privacy\.restore: must be a mapping"):
        PrivacyStage.from_config({"restore": ["x"]})
    with pytest.raises(ValueError, match=r"privacy\.restore\.internal_tools"):
        PrivacyStage.from_config({"restore": {"internal_tools": [""]}})
