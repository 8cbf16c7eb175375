"""Hiragana given names: before ちゃん/くん, after a person label, after a reading label."""

from __future__ import annotations

from tenbin.privacy.names.hiragana import hiragana_names


def _hira(text: str) -> list[str]:
    return [text[sp.start : sp.end] for sp in hiragana_names(text)]


def test_hiragana_before_a_diminutive_is_a_given_name() -> None:
    assert _hira("ひなたちゃんが来た") == ["ひなた"]
    assert _hira("ゆうとくんへ") == ["ゆうと"]


def test_particle_or_earlier_honorific_before_the_name_is_cut_off() -> None:
    assert _hira("明日はこはるちゃんと") == ["こはる"]
    assert _hira("さくらちゃんとゆうとくん") == ["さくら", "ゆうと"]


def test_kinship_and_animal_words_with_a_diminutive_are_not_names() -> None:
    assert _hira("おばあちゃんとねこちゃん") == []
    assert _hira("赤ちゃん") == []


def test_hiragana_after_a_person_label_is_a_name() -> None:
    assert _hira("扶養親族：さくら") == ["さくら"]
    assert _hira("なまえ：はは") == []


def test_reading_label_must_be_a_field_of_its_own() -> None:
    assert _hira("ふりがな：やまだ たろう") == ["やまだ たろう"]
    assert _hira("請求書が届かないとの連絡") == []
