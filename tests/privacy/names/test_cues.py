"""The cues around a name candidate, read the same way by every step."""

from __future__ import annotations

from tenbin.privacy.names.cues import (
    amount_after,
    cued,
    field_end,
    honorific_after,
    intro_after,
    label_before,
    name_field_before,
    personal_honorific_after,
    role_label_before,
)


def test_honorific_or_title_after_a_name_marks_a_person() -> None:
    for text, end in (("田中様", 2), ("田中さん", 2), ("田中部長", 2), ("田中 様", 2), ("林・森両名", 3)):
        assert honorific_after(text, end), text
    assert not honorific_after("田中商事", 2)


def test_organisation_honorific_is_not_a_personal_one() -> None:
    assert honorific_after("総務部御中", 3)
    assert not personal_honorific_after("総務部御中", 3)
    assert personal_honorific_after("大島さん", 2)


def test_name_label_before_the_value_is_a_cue() -> None:
    assert label_before("担当：佐藤", 3)
    assert label_before("起票者：佐藤", 4)
    assert label_before("担当（佐藤", 3)
    assert not label_before("本日佐藤", 2)


def test_a_label_on_an_earlier_line_is_not_a_cue() -> None:
    assert not label_before("担当：\n佐藤", 4)


def test_speech_after_a_name_is_a_cue_but_a_tally_colon_is_not() -> None:
    assert cued("佐藤です", 0, 2)
    assert cued("佐藤より", 0, 2)
    assert cued("佐藤：了解", 0, 2)
    assert not cued("札幌：120件", 0, 2)


def test_self_introduction_and_name_field() -> None:
    assert intro_after("マナベと申します", 3)
    assert not intro_after("マナベの件", 3)
    assert name_field_before("お名前（任意）：敦", 8)
    assert not name_field_before("件名：敦", 3)


def test_role_label_names_a_person_role() -> None:
    assert role_label_before("依頼者：大島", 4)
    assert role_label_before("作成：大島", 3)
    assert not role_label_before("行先：大島", 3)


def test_a_number_after_a_word_is_an_amount() -> None:
    assert amount_after("日当 3,000円", 2)
    assert amount_after("日当¥3000", 2)
    assert not amount_after("日当の件", 2)


def test_a_name_ends_at_a_field_boundary_or_an_honorific() -> None:
    text = "森 敦、森 敦様、森 敦子"
    assert field_end(text, 3)  # 、
    assert field_end(text, 7)  # 様
    assert field_end(text, len(text))  # end of text
    assert not field_end(text, 12)  # inside 敦子
