"""Rules added after the blind4 set: phones in kanji digits, hyphenated free-dial numbers after an
ID-like word, birth-date columns of Markdown tables whose header carries a note (生年月日(西暦)),
address ends at a tab, a building on the line after the address, and a building named by an
unknown word before its floor. The text is written for these tests (not taken from any set) and
each rule has a negative case next to it."""

from __future__ import annotations

from tenbin.privacy.address import AddressRecognizer
from tenbin.privacy.recognizers.birth_date import BirthDateRecognizer
from tenbin.privacy.recognizers.phone import PhoneRecognizer

from .conftest import surfaces


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


def test_phone_in_kanji_digits_with_middle_dots() -> None:
    assert surfaces(PhoneRecognizer(), "緊急連絡先 〇八〇・四四一二・七七〇三") == ["〇八〇・四四一二・七七〇三"]


def test_building_line_followed_by_recipient() -> None:
    text = "静岡県浜松市中区板屋町1-2\nフォルテ7階 丸山様"
    assert surfaces(AddressRecognizer(), text) == ["静岡県浜松市中区板屋町1-2\nフォルテ7階"]
