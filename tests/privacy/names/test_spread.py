"""A name found once marks its other verbatim mentions, within word boundaries."""

from __future__ import annotations

from tenbin.privacy.names.spread import spread
from tenbin.privacy.types import PERSON, Span


def _spread(text: str, name: str) -> list[str]:
    k = text.index(name)
    return [text[sp.start : sp.end] for sp in spread(text, [Span(PERSON, k, k + len(name), 0.9)])]


def test_bare_re_mention_of_a_found_name_is_the_same_person() -> None:
    assert _spread("候補者：真壁さん。真壁所見は良好。", "真壁") == ["真壁"]


def test_mention_inside_a_longer_word_of_the_same_script_is_not_spread() -> None:
    assert _spread("真壁さん。小真壁村", "真壁") == []


def test_kanji_name_before_a_place_suffix_is_not_spread() -> None:
    assert _spread("大島さん。大島支店へ", "大島") == []


def test_hiragana_name_before_a_particle_is_spread_but_glued_hiragana_is_not() -> None:
    assert _spread("つむぎちゃん。つむぎには言っとく", "つむぎ") == ["つむぎ"]
    assert _spread("つむぎちゃん。つむぎたい", "つむぎ") == []


def test_surname_of_a_spaced_full_name_is_spread_alone() -> None:
    assert _spread("なまえ：たかぎ ゆうま\nおむかえ：たかぎ（はは）", "たかぎ ゆうま") == ["たかぎ"]


def test_one_character_names_are_not_spread() -> None:
    assert _spread("敦さん。敦", "敦") == []


def test_overlapping_mentions_of_equal_length_names_resolve_the_same_way_every_run() -> None:
    # ゆり子 and 子安井 overlap in ゆり子安井 and both stand alone there; the tie goes by text, never
    # by set order (string hashes change per process: the old order gave either name)
    text = "ゆり子さん、子安井さん。ゆり子安井"
    found = [Span(PERSON, 0, 3, 0.9), Span(PERSON, 6, 9, 0.9)]
    assert [text[sp.start : sp.end] for sp in spread(text, found)] == ["ゆり子"]
