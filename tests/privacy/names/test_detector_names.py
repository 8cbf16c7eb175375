"""Names through the whole detector (all recognizers, overlap resolution, masking offsets): the
layouts and word classes each name step decides, seen as a user of ``tenbin scan`` sees them."""

from __future__ import annotations

from tenbin.privacy import Detector
from tenbin.privacy.types import PERSON

from .helpers import needs_sudachi


def found(det: Detector, text: str) -> list[tuple[str, str]]:
    return [(f.label, f.text) for f in det.scan_messages([{"role": "user", "content": text}]).findings]


def persons(det: Detector, text: str) -> list[str]:
    return [t for label, t in found(det, text) if label == PERSON]


@needs_sudachi
def test_hiragana_full_name_and_its_surname_alone(full: Detector) -> None:
    text = "おなまえ：ほしの あかり\nおむかえは ほしの（ちち）です。"
    assert found(full, text) == [("PERSON", "ほしの あかり"), ("PERSON", "ほしの")]
    # a kinship word after the label is not a name
    assert found(full, "なまえ：はは") == []


@needs_sudachi
def test_ocr_spaced_common_word_is_not_a_name(full: Detector) -> None:
    assert [t for lab, t in found(full, "品 目　　単 価　　金 額\n") if lab == "PERSON"] == []
    assert [t for lab, t in found(full, "担当 金 賢 様") if lab == "PERSON"] == ["金 賢"]


@needs_sudachi
def test_surname_before_addressee_mark(full: Detector) -> None:
    assert found(full, "書類は経理部 日下部宛にお送りください") == [("PERSON", "日下部")]
    # an organisation or place before 宛 is no person
    assert found(full, "本社宛に送付、大阪宛の荷物") == []


@needs_sudachi
def test_reading_after_an_honorific(full: Detector) -> None:
    assert found(full, "窓口：日下部様（ｸｻｶﾍﾞ）") == [("PERSON", "日下部"), ("PERSON", "ｸｻｶﾍﾞ")]
    # a place in parentheses after 様 is not a reading
    assert found(full, "窓口：日下部様（東京）") == [("PERSON", "日下部")]


@needs_sudachi
def test_name_columns_of_pasted_tables(full: Detector) -> None:
    tsv = "郵便番号\t住所\t氏名\t連名\n390-0811\t長野県松本市中央2-3-4\t丸山 浩二\t千秋\n"
    assert persons(full, tsv) == ["丸山 浩二", "千秋"]
    md = "| No | 氏名（漢字） | フリガナ |\n|---|---|---|\n| 1 | 丸山　浩二 | マルヤマ コウジ |\n"
    assert persons(full, md) == ["丸山\u3000浩二", "マルヤマ コウジ"]
    # a key-value sheet: the label column below 氏名 holds other labels, not names
    sheet = "｜氏名｜丸山 浩二｜\n｜住所｜未記入｜\n｜担当｜ー｜\n"
    assert persons(full, sheet) == ["丸山 浩二"]
    # a total row, a note header, an organisation unit in the name column are not names
    tally = "氏名\tメモ\n丸山 浩二\t至急\n営業部\t3名\n合計\t4名\n"
    assert persons(full, tally) == ["丸山 浩二"]
    # no name header: a column of words stays unlabelled
    assert persons(full, "品名\t数量\n千秋\t3\n") == []


@needs_sudachi
def test_place_name_surname_with_personal_title(full: Detector) -> None:
    assert persons(full, "特に桐生主任との連携が円滑") == ["桐生"]
    # a region or prefecture before a title names a post, not a person
    assert persons(full, "大阪部長会議と関西課長会") == []


@needs_sudachi
def test_romaji_surname_comma_given(full: Detector) -> None:
    assert persons(full, "Traveler: Usami, Tomoya") == ["Usami, Tomoya"]
    assert persons(full, "Venue: Sapporo, Japan") == []


@needs_sudachi
def test_transcript_speakers_with_place_name_surnames(full: Detector) -> None:
    text = "丸山：では始めます。\n[10:03] 窓口 諏訪: 承知しました\n丸山さん：次の議題へ"
    assert "諏訪" in persons(full, text)
    # a tally by place: no speaker is a known person, so the places stay places
    # (松本 alone is the base rules' call — a surname before a speech colon — not this rule's)
    tally = persons(full, "札幌：晴れ\n諏訪：曇り\n松本：雨")
    assert "札幌" not in tally and "諏訪" not in tally


@needs_sudachi
def test_route_stop_is_a_place_but_a_handover_is_people(full: Detector) -> None:
    assert persons(full, "9:00 仙台駅集合 → 松島 → 猪苗代湖畔で昼食") == []
    assert persons(full, "引継ぎメモ（小此木 → 椎名）") == ["小此木", "椎名"]


@needs_sudachi
def test_airline_slashed_name(full: Detector) -> None:
    assert persons(full, "Passenger: MARUYAMA/KOJI MR") == ["MARUYAMA/KOJI"]
    assert persons(full, "TCP/IP と HTTP/HTTPS、NARITA/HANEDA 発着") == []
