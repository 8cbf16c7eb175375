"""Reading labels (ふりがな, かな：) mark a hiragana name; the same letters inside ordinary words do not.

Issue 12: 「請求書が届かないとの連絡」 was masked as 「届かな〔氏名1〕連絡」 because かな inside 届かない
was read as a reading label and いとの as the name after it.
"""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector, Masker


@pytest.mark.parametrize("text", [
    "請求書が届かないとの連絡がありました。返信文を作って",
    "荷物が届かないという問い合わせが3件ありました",
    "確かなことはまだ言えません",
    "静かなところで話しましょう",
    "この資料は読みやすいですね",
    "文章を読みやすく直してください",
])
def test_kana_and_yomi_inside_ordinary_words_are_not_reading_labels(full: Detector, text: str) -> None:
    assert [f for f in full.scan_text(text) if f.label == "PERSON"] == []


def test_a_support_message_with_todokanai_reaches_the_vendor_unchanged(full: Detector) -> None:
    text = "請求書が届かないとの連絡がありました。返信文を作って"
    msgs = [{"role": "user", "content": text}]
    session = Masker().mask_messages(msgs, full.scan_messages(msgs))
    assert session.messages[0]["content"] == text


@pytest.mark.parametrize(("text", "name"), [
    ("氏名：山田 花子\nかな：やまだ はなこ", "やまだ はなこ"),
    ("ふりがな やまだ はなこ", "やまだ はなこ"),
    ("フリガナ：たなか", "たなか"),
    ("読み: すずき", "すずき"),
])
def test_reading_labels_still_mark_the_name(full: Detector, text: str, name: str) -> None:
    assert name in [f.text for f in full.scan_text(text) if f.label == "PERSON"]
