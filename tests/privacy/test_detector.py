from typing import Any

from tenbin.privacy import DataClass, Detector, Finding, PrivacyConfig


def test_finding_repr_hides_text() -> None:
    f = Finding("PHONE", 0, 13, "090-1111-2222", 0.9)
    assert "090" not in repr(f) and "090" not in str(f)


def test_scan_messages_classes_and_counts(full: Detector) -> None:
    msgs: list[dict[str, Any]] = [
        {"role": "system", "content": "社外秘"},
        {"role": "user", "content": [{"type": "text", "text": "Project Falconの件、担当の山田太郎様に連絡"}]},
    ]
    scan = full.scan_messages(msgs)
    assert scan.data_class is DataClass.PERSONAL
    assert scan.classes == frozenset({DataClass.CONFIDENTIAL, DataClass.PERSONAL})
    assert scan.counts() == {"CONFIDENTIAL_MARKER": 1, "CUSTOM_TERM": 1, "PERSON": 1}
    person = next(f for f in scan.findings if f.label == "PERSON")
    assert (person.message_index, person.part_index, person.text) == (1, 0, "山田太郎")


def test_public_internal_special_care(full: Detector) -> None:
    assert (
        full.scan_messages([{"role": "user", "content": "織田信長について"}]).data_class is DataClass.PUBLIC
    )
    internal = full.scan_messages([{"role": "user", "content": "【社内限り】来期の方針"}])
    assert internal.data_class is DataClass.INTERNAL
    care = full.scan_messages([{"role": "user", "content": "山内 恵子さんは糖尿病で通院中です。"}])
    assert care.data_class is DataClass.SPECIAL_CARE
    prose = full.scan_messages([{"role": "user", "content": "糖尿病の一般的な治療法は？"}])
    assert prose.data_class is DataClass.PUBLIC


def test_baseline_from_config() -> None:
    det = Detector(PrivacyConfig(ner=False, baseline=DataClass.INTERNAL))
    assert det.scan_messages([{"role": "user", "content": "hello"}]).data_class is DataClass.INTERNAL


def test_structured_tier_skips_names(structured: Detector) -> None:
    labels = {f.label for f in structured.scan_text("担当：山田太郎様 TEL 03-1234-5678")}
    assert labels == {"PHONE"}


def test_offsets_index_original_text(full: Detector) -> None:
    text = "携帯：０９０－１２３４－５６７８　メール：ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"
    found = [(f.label, f.start, f.end, f.text) for f in full.scan_text(text)]
    assert found == [("PHONE", 3, 16, "０９０－１２３４－５６７８"),
                     ("EMAIL", 21, 36, "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ")]
    assert all(text[s:e] == t for _, s, e, t in found)  # full-width original text, not the normalised one


def test_non_text_parts_and_empty_content(full: Detector) -> None:
    msgs: list[dict[str, Any]] = [
        {"role": "assistant", "content": None, "tool_calls": []},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]},
    ]
    assert full.scan_messages(msgs).findings == []


def test_a_clean_text_is_analysed_once_and_remembered_only_as_a_digest(monkeypatch: Any) -> None:
    """A system prompt or an earlier turn comes back on every request: once found clean, it is
    not analysed again. Texts with findings are analysed every time, and the memo holds digests,
    never the text."""
    det = Detector(PrivacyConfig(custom_terms=("Project Falcon",)))
    calls: list[str] = []
    analyze = det._registry.analyze

    def counted(text: str) -> Any:
        calls.append(text)
        return analyze(text)

    monkeypatch.setattr(det._registry, "analyze", counted)
    clean = "来期の販売計画を三行で要約してください。"
    dirty = "Project Falconの件、担当の山田太郎様に連絡"
    assert det.scan_text(clean) == [] and det.scan_text(clean) == []
    first, second = det.scan_text(dirty), det.scan_text(dirty)
    assert [f.text for f in first] == [f.text for f in second] == ["Project Falcon", "山田太郎"]
    assert calls == [clean, dirty, dirty]
    assert all(isinstance(k, bytes) and len(k) == 16 for k in det._clean)
    scan = det.scan_messages([{"role": "system", "content": clean}, {"role": "user", "content": dirty}])
    assert scan.counts() == {"CUSTOM_TERM": 1, "PERSON": 1} and calls[-1] == dirty
