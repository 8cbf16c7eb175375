"""Names next to names already found: readings, furigana pairs, kinship notes, joined names."""

from __future__ import annotations

from tenbin.privacy.names.layout import furigana_pairs, joined_names, kinship_notes, layout_names, readings_after
from tenbin.privacy.normalize import normalize
from tenbin.privacy.types import PERSON, Span

from .helpers import needs_sudachi


def _at(text: str, word: str) -> Span:
    k = text.index(word)
    return Span(PERSON, k, k + len(word), 0.8)


def _texts(text: str, spans: list[Span]) -> list[str]:
    return [text[sp.start : sp.end] for sp in spans]


def test_reading_in_brackets_after_a_found_kanji_name_is_the_same_person() -> None:
    text = normalize("舘野（タテノ）です")
    assert _texts(text, readings_after(text, [_at(text, "舘野")])) == ["タテノ"]


def test_reading_may_follow_the_honorific() -> None:
    text = normalize("窓口：日下部様（ｸｻｶﾍﾞ）")
    assert _texts(text, readings_after(text, [_at(text, "日下部")])) == [normalize("ｸｻｶﾍﾞ")]


def test_bracket_shorter_than_the_kanji_or_after_a_katakana_name_is_no_reading() -> None:
    text = normalize("長谷川部（ハセ）")
    assert readings_after(text, [_at(text, "長谷川部")]) == []
    text = normalize("ソフィア・ロドリゲス（ブラジル）")
    assert readings_after(text, [_at(text, "ソフィア・ロドリゲス")]) == []


@needs_sudachi
def test_furigana_pair_marks_all_four_parts() -> None:
    text = normalize("舘野（タテノ）瑛太（エイタ）")
    assert _texts(text, furigana_pairs(text, [])) == ["舘野", "タテノ", "瑛太", "エイタ"]


def test_word_before_a_kinship_note_after_a_person_label_is_a_name() -> None:
    text = normalize("受診者２：凪（長女）")
    assert _texts(text, kinship_notes(text)) == ["凪"]
    assert kinship_notes(normalize("区分：一般（本人）")) == []


@needs_sudachi
def test_joined_names_share_the_group_cue() -> None:
    text = "林・舘野両名が出席"
    assert _texts(text, joined_names(text, [])) == ["林", "舘野"]
    assert joined_names("会議・研修両名", []) == []


def test_layout_adds_nothing_that_overlaps_a_found_name() -> None:
    text = normalize("受診者：凪（長女）")
    assert layout_names(text, [_at(text, "凪")]) == []
