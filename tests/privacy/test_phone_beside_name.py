"""An unseparated 10/11-digit number with a valid Japanese prefix is a phone beside a name, in
parentheses after a name or after an honorific; elsewhere (order numbers, amounts, IDs) it is not."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector
from tenbin.privacy.recognizers.phone_shape import is_phone_value


def phones(det: Detector, text: str) -> list[str]:
    return [f.text for f in det.scan_text(text) if f.label == "PHONE"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("担当は山田太郎（0312345678）です。", "0312345678"),
        ("連絡は 佐藤花子 0452223333 まで", "0452223333"),
        ("山田太郎,0661234567,大阪", "0661234567"),
        ("田中様（0120123456）へ折り返し", "0120123456"),
        ("鈴木さん 0471234567 から", "0471234567"),
        ("・先方 0112319900 折り返し待ち", "0112319900"),
        ("0263334455に電話してください", "0263334455"),
    ],
)
def test_digit_only_phone_beside_a_name_is_found(full: Detector, text: str, number: str) -> None:
    assert phones(full, text) == [number]


def test_parenthesised_phone_after_an_honorific_is_found_without_names(structured: Detector) -> None:
    assert phones(structured, "田中様（0312345678）") == ["0312345678"]


@pytest.mark.parametrize(
    "text",
    [
        "注文番号 0312345678 の件",
        "山田様の注文番号0312345678について",
        "請求額 0312345678 円",
        "伝票（0312345678）を確認",
        "山田太郎（1234567890）",  # no valid prefix
        "山田太郎（0012345678）",  # 00 is an international prefix, not a Japanese number
        "山田太郎 03123456789012",  # too long to be a phone
        "伝票 0312345678 の件で電話あり",  # the call word is about the matter, not right after the number
    ],
)
def test_ten_digit_numbers_elsewhere_are_not_phones(full: Detector, text: str) -> None:
    assert phones(full, text) == []


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("0312345678", True),
        ("09012345678", True),
        ("0120123456", True),
        ("05012345678", True),
        ("(03)1234-5678", True),
        ("1234567890", False),
        ("0901234567", False),  # a 090 mobile has 11 digits
        ("03-1234-5678 内線2", False),
    ],
)
def test_phone_cell_shape(value: str, ok: bool) -> None:
    assert is_phone_value(value) is ok


@pytest.mark.parametrize(
    "text",
    [
        "オペレーター：ご注文番号をお願いします。\nお客様：0340939333です。",
        "お客様（0312345678）の注文",
        "ご担当者様 0312345678",
        "田中様：0312345678",  # a speaker turn, not a number beside the name
    ],
)
def test_a_number_after_a_role_or_a_speaker_colon_is_not_a_phone(structured: Detector, text: str) -> None:
    assert phones(structured, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "担当,注文番号,金額\n山田 太郎,0312345678,0398765432\n",
        "| 氏名 | 伝票No |\n|---|---|\n| 山田 太郎 | 0312345678 |\n",
    ],
)
def test_a_number_in_an_id_column_is_not_a_phone_even_beside_a_name(full: Detector, text: str) -> None:
    assert phones(full, text) == []


@pytest.mark.parametrize("label", ["電話番号：", "電話番号 ", "FAX番号 ", "連絡先番号：", "TEL番号 "])
def test_a_phone_label_ending_in_bangou_is_a_phone_label_not_an_id_label(structured: Detector, label: str) -> None:
    assert phones(structured, f"{label}0312345678") == ["0312345678"]


@pytest.mark.parametrize("label", ["注文番号 ", "電話での注文番号 ", "会員番号：", "伝票番号 "])
def test_an_id_label_still_vetoes_a_digit_only_number(structured: Detector, label: str) -> None:
    assert phones(structured, f"{label}0312345678") == []


def test_a_padded_markdown_cell_after_a_name_cell_is_beside_the_name(full: Detector) -> None:
    text = "| 氏名 | 備考 |\n|---|---|\n| 山田 太郎    |    0312345678 |\n"
    assert phones(full, text) == ["0312345678"]


def test_a_name_shaped_pair_before_a_parenthesised_number_is_a_name_with_its_phone(full: Detector) -> None:
    # 水落 is unknown to the tokenizer, so no PERSON span ends before the number.
    assert phones(full, "山田さんへ\n・水落 優（0112319900）へ見積書を再送") == ["0112319900"]
    assert phones(full, "山田さんへ\n・受注 明細（0312345678）を確認") == []
