"""Katakana names: label, reading bracket, dictionary plus cue; never loanwords, brands or labels."""

from __future__ import annotations

from tenbin.privacy.names.katakana import dotted_names, katakana_names
from tenbin.privacy.normalize import normalize

from .helpers import needs_sudachi


def _kana(text: str) -> list[str]:
    norm = normalize(text)
    return [norm[sp.start : sp.end] for sp in katakana_names(norm)]


def _dotted(text: str) -> list[str]:
    norm = normalize(text)
    return [norm[sp.start : sp.end] for sp in dotted_names(norm)]


@needs_sudachi
def test_two_katakana_words_after_a_reading_label_are_a_name() -> None:
    assert _kana("フリガナ：ヤマダ タロウ") == ["ヤマダ タロウ"]


@needs_sudachi
def test_reading_in_brackets_after_a_name_is_a_name() -> None:
    assert _kana("山内 恵子（ヤマウチ ケイコ）") == ["ヤマウチ ケイコ"]


@needs_sudachi
def test_katakana_self_introduction_names_the_speaker() -> None:
    assert _kana("マナベと申します") == ["マナベ"]


@needs_sudachi
def test_loanwords_and_label_words_are_not_names() -> None:
    assert _kana("メモ：サーバー") == []
    assert _kana("フリガナ") == []


@needs_sudachi
def test_brand_with_honorific_is_a_customer_not_a_person() -> None:
    assert _kana("ソニー様よりご注文") == []


@needs_sudachi
def test_katakana_surname_after_a_field_label_with_honorific() -> None:
    assert _kana("お客様：ミナセ様") == ["ミナセ"]


@needs_sudachi
def test_corporate_account_holder_is_not_a_person() -> None:
    assert _kana("口座名義：カ)サクラネツト") == []


@needs_sudachi
def test_katakana_word_inside_a_kanji_compound_is_not_a_name() -> None:
    assert _kana("パスポート表記") == []


@needs_sudachi
def test_dotted_foreign_name_needs_a_cue_or_known_parts() -> None:
    assert _dotted("担当：マイケル・ジョンソン") == ["マイケル・ジョンソン"]
    assert _dotted("ジョンソン・エンド・ジョンソンの製品") == []
