"""Rules added after the blind3 set: OCR-spaced phones and words, free-dial numbers after a memo
word, spaces around phone hyphens, IPv6 after a label colon, 号 after a room number in a 丁目 block,
birth-date columns of pasted tables (the name rules of that round are tested by behaviour in
tests/privacy/names/). The text is written for these tests (not taken from any set) and each rule
has a negative case next to it."""

from __future__ import annotations

from tenbin.privacy.address import AddressRecognizer
from tenbin.privacy.recognizers.birth_date import BirthDateRecognizer
from tenbin.privacy.recognizers.ip_address import IpAddressRecognizer
from tenbin.privacy.recognizers.phone import PhoneRecognizer

from .conftest import spans, surfaces


def test_phone_with_ocr_spaces_between_digits() -> None:
    r = PhoneRecognizer()
    assert surfaces(r, "電話 0 4 5-3 1 2-7 7 0 9 まで") == ["0 4 5-3 1 2-7 7 0 9"]
    # no phone word: spaced digits are a table of figures, not a number
    assert surfaces(r, "数量 0 4 5-3 1 2-7 7 0 9") == []


def test_phone_with_spaces_around_hyphens() -> None:
    assert surfaces(PhoneRecognizer(), "FAX：0466 - 22 - 1357") == ["0466 - 22 - 1357"]


def test_id_word_followed_by_prose_does_not_veto() -> None:
    r = PhoneRecognizer()
    assert surfaces(r, "予約センターのご案内 0570-011-234") == ["0570-011-234"]
    assert surfaces(r, "契約変更の窓口は 0800-222-9876") == ["0800-222-9876"]
    # an ID label right before the number still vetoes it
    assert surfaces(r, "予約番号：0570-011-234") == []


def test_ipv6_after_a_label_colon() -> None:
    r = IpAddressRecognizer()
    assert surfaces(r, "送信元:2001:db8:a0::7") == ["2001:db8:a0::7"]
    assert surfaces(r, "IPv6：fe80::9:1") == ["fe80::9:1"]
    assert surfaces(r, "開始 10:15:30 終了") == []


def test_room_number_with_go_after_chome_block() -> None:
    text = "所在地 横浜市中区本町2丁目8番3-802号 です"
    assert surfaces(AddressRecognizer(), text) == ["横浜市中区本町2丁目8番3-802号"]


def test_birth_date_column_of_a_pasted_table() -> None:
    r = BirthDateRecognizer()
    text = "No,名前,生年月日,入会日\n1,甲,1979/03/08,2021/05/01\n2,乙,平成1年2月3日,2022/01/09\n\n誕生会は2024/05/05"
    assert surfaces(r, text) == ["1979/03/08", "平成1年2月3日"]
    tsv = "name\tDOB\n甲\t12/31/1988\n"
    assert [t for _, t in spans(r, tsv)] == ["12/31/1988"]
    # a date column under another header is not a birth date
    assert surfaces(r, "名前,入会日\n甲,2021/05/01\n") == []


def test_dotted_phone_and_label_dot() -> None:
    r = PhoneRecognizer()
    assert surfaces(r, "TEL.045-312-7709/FAX.045-312-7710") == ["045-312-7709", "045-312-7710"]
    assert surfaces(r, "Mobile 070.3141.5926") == ["070.3141.5926"]
    # a decimal or a dotted version is not a phone
    assert surfaces(r, "係数 0.0453127709、v2.045.312.7709") == []


def test_birth_date_column_with_quoted_cells() -> None:
    text = '"名前","生年月日"\n"甲","1979/03/08"\n'
    assert surfaces(BirthDateRecognizer(), text) == ["1979/03/08"]
