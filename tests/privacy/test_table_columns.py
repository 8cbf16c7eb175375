"""A column header names what the cells below it hold, in CSV, TSV, Markdown and space-aligned
tables, for every structured recognizer (and names and addresses in the full tier). Each value is
chosen so that, written in prose without the header, it is *not* detected: the header is the
only cue, and the negative case beside each test shows that."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector

FORMATS = ("csv", "tsv", "markdown", "spaced")


def table(fmt: str, header: list[str], rows: list[list[str]]) -> str:
    """The same table in one of the four layouts people paste into a prompt."""
    if fmt == "csv":
        return "\n".join(",".join(r) for r in [header, *rows]) + "\n"
    if fmt == "tsv":
        return "\n".join("\t".join(r) for r in [header, *rows]) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    width = [max(len(r[k]) for r in [header, *rows]) + 2 for k in range(len(header))]
    return (
        "\n".join("".join(c.ljust(w) for c, w in zip(r, width, strict=True)).rstrip() for r in [header, *rows]) + "\n"
    )


def found(det: Detector, text: str) -> set[tuple[str, str]]:
    return {(f.label, f.text) for f in det.scan_text(text)}


# (header, value, label): values that no recognizer accepts without the column header.
STRUCTURED = [
    ("個人番号", "123456789012", "MY_NUMBER"),  # check digit fails: accepted by column only
    ("マイナンバー", "2345 6789 0123", "MY_NUMBER"),
    ("電話", "0312345678", "PHONE"),  # unseparated 10 digits: needs a phone cue
    ("電話番号", "0120123456", "PHONE"),
    ("TEL", "0452223333", "PHONE"),
    ("携帯電話", "0471234567", "PHONE"),
    ("生年月日", "1985/04/12", "BIRTH_DATE"),
    ("生年月日(西暦)", "1990-11-03", "BIRTH_DATE"),
    ("郵便番号", "1050011", "POSTAL_CODE"),
    ("メール", "taro.k @ example.jp", "EMAIL"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("header", "value", "label"), STRUCTURED)
def test_structured_value_in_a_labelled_column_is_found(
    structured: Detector, fmt: str, header: str, value: str, label: str
) -> None:
    text = table(fmt, ["No", "区分", header, "備考"], [["1", "本人", value, "なし"], ["2", "家族", value, "-"]])
    hits = [f for f in structured.scan_text(text) if f.label == label and f.text == value]
    assert len(hits) == 2, (fmt, text, found(structured, text))


@pytest.mark.parametrize(("header", "value", "label"), STRUCTURED)
def test_the_same_value_in_prose_is_not_found(structured: Detector, header: str, value: str, label: str) -> None:
    assert (label, value) not in found(structured, f"区分は本人、値は {value} です。")


@pytest.mark.parametrize("fmt", FORMATS)
def test_ten_digit_numbers_in_an_order_column_are_not_phones(structured: Detector, fmt: str) -> None:
    text = table(fmt, ["注文番号", "金額", "電話"], [["0312345678", "0398765432", "03-1111-2222"]])
    phones = {f.text for f in structured.scan_text(text) if f.label == "PHONE"}
    assert phones == {"03-1111-2222"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_address_column_takes_the_whole_cell(full: Detector, fmt: str) -> None:
    value = "港区芝公園4-2-8 グランフォレスト芝"
    text = table(fmt, ["氏名", "住所"], [["山田 太郎", value]])
    assert ("ADDRESS", value) in found(full, text)
    assert not any(f.label == "ADDRESS" for f in full.scan_text(table(fmt, ["氏名", "住所"], [["山田 太郎", "同上"]])))


@pytest.mark.parametrize("fmt", FORMATS)
def test_name_column_in_every_layout(full: Detector, fmt: str) -> None:
    text = table(fmt, ["連名", "電話"], [["詩織", "0312345678"]])
    assert {("PERSON", "詩織"), ("PHONE", "0312345678")} <= found(full, text)


def test_a_header_row_with_values_in_it_is_a_form_line_not_a_header(structured: Detector) -> None:
    # 「…個人番号 7361…」 is a key-value line; the line under it is not that column's data.
    text = "本人：田中 蒼 個人番号 7361 2335 3117\n参考 社内管理番号 123456789012 です\n"
    assert ("MY_NUMBER", "123456789012") not in found(structured, text)


def test_a_prose_line_with_spaces_is_not_a_spaced_header(structured: Detector) -> None:
    text = "電話は つながりません。\n注文 0312345678 確認\n"
    assert not any(f.label == "PHONE" for f in structured.scan_text(text))
