"""Rules added after the blind4 set: phones in kanji digits, hyphenated free-dial numbers after an
ID-like word, birth-date columns of Markdown tables whose header carries a note (生年月日(西暦)),
address ends at a tab, a building on the line after the address, and a building named by an
unknown word before its floor. The text is written for these tests (not taken from any set) and
each rule has a negative case next to it."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector, sudachi
from tenbin.privacy.address import AddressRecognizer
from tenbin.privacy.recognizers.birth_date import BirthDateRecognizer
from tenbin.privacy.recognizers.phone import PhoneRecognizer
from tenbin.privacy.types import PERSON

from .conftest import surfaces

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")


def test_phone_in_kanji_digits() -> None:
    r = PhoneRecognizer()
    assert surfaces(r, "電話　〇九〇-四四一二-七七〇三") == ["〇九〇-四四一二-七七〇三"]
    assert surfaces(r, "自宅 〇四五ー三一二ー七七〇九") == ["〇四五ー三一二ー七七〇九"]
    # a kanji year or an amount is not a phone; unseparated kanji digits need a phone word
    assert surfaces(r, "二〇二五年 三〇〇〇円") == []
    assert surfaces(r, "管理 〇九〇四四一二七七〇三") == []
    assert surfaces(r, "携帯 〇九〇四四一二七七〇三") == ["〇九〇四四一二七七〇三"]


def test_hyphenated_free_dial_after_id_word() -> None:
    r = PhoneRecognizer()
    assert surfaces(r, "再配達受付：0120-55-2718") == ["0120-55-2718"]
    # an ordinary number after an ID label is still vetoed
    assert surfaces(r, "受付番号：03-5512-2718") == []


def test_markdown_table_birth_column_with_header_note() -> None:
    text = "| 氏名 | 生年月日(西暦) | 入会日 |\n|---|:---:|---|\n| 甲 | 1968/02/09 | 2020/04/01 |\n"
    assert surfaces(BirthDateRecognizer(), text) == ["1968/02/09"]
    other = "| 氏名 | 入会日(西暦) |\n|---|---|\n| 甲 | 2020/04/01 |\n"
    assert surfaces(BirthDateRecognizer(), other) == []


def test_address_stops_at_tab() -> None:
    text = "〒321-0001\t栃木県宇都宮市川田町4-7 川田ハイツ2F\t真壁 紬\n"
    assert surfaces(AddressRecognizer(), text) == ["栃木県宇都宮市川田町4-7 川田ハイツ2F"]


def test_building_on_next_line() -> None:
    r = AddressRecognizer()
    text = "住所：長野県松本市中央2丁目3番4号\nアルプスタワー1203号室\n電話：0263-11-2233"
    assert surfaces(r, text) == ["長野県松本市中央2丁目3番4号\nアルプスタワー1203号室"]
    # the next line is another field, not a building
    assert surfaces(r, "長野県松本市中央2丁目3番4号\n担当：丸山") == ["長野県松本市中央2丁目3番4号"]
    assert surfaces(r, "長野県松本市中央2丁目3番4号\nアルプスビル管理株式会社") == ["長野県松本市中央2丁目3番4号"]


def test_named_building_with_floor() -> None:
    r = AddressRecognizer()
    assert surfaces(r, "静岡県浜松市中区板屋町1-2 フォルテ7階") == ["静岡県浜松市中区板屋町1-2 フォルテ7階"]
    assert surfaces(r, "静岡県浜松市中区板屋町1-2 集合は7時") == ["静岡県浜松市中区板屋町1-2"]


# ---- names (full tier) ------------------------------------------------------------------------
def persons(det: Detector, text: str) -> list[str]:
    return [f.text for f in det.scan_messages([{"role": "user", "content": text}]).findings if f.label == PERSON]


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


def test_phone_in_kanji_digits_with_middle_dots() -> None:
    assert surfaces(PhoneRecognizer(), "緊急連絡先 〇八〇・四四一二・七七〇三") == ["〇八〇・四四一二・七七〇三"]


def test_building_line_followed_by_recipient() -> None:
    text = "静岡県浜松市中区板屋町1-2\nフォルテ7階 丸山様"
    assert surfaces(AddressRecognizer(), text) == ["静岡県浜松市中区板屋町1-2\nフォルテ7階"]
