"""Which tokens may start a kanji name, and as what part."""

from __future__ import annotations

from tenbin.privacy.names.seeds import GIVEN, LISTED, SURNAME, WHOLE_NAME, place_surname_cued, seed_kind, single_given
from tenbin.privacy.sudachi import Token

from .helpers import needs_sudachi, token, tokens


@needs_sudachi
def test_dictionary_person_tag_gives_the_part() -> None:
    norm, toks = tokens("山田 太郎")
    assert seed_kind(norm, token(toks, "山田")) == SURNAME
    assert seed_kind(norm, token(toks, "太郎")) == GIVEN


@needs_sudachi
def test_a_whole_name_entry_is_a_famous_figure_or_a_brand() -> None:
    norm, toks = tokens("徳川家康")
    assert seed_kind(norm, toks[0]) == WHOLE_NAME


@needs_sudachi
def test_particles_symbols_and_katakana_start_no_kanji_name() -> None:
    norm, toks = tokens("山田さんと、メモ。")
    for surface in ("と", "、", "メモ", "。"):
        assert seed_kind(norm, token(toks, surface)) is None, surface


@needs_sudachi
def test_one_kanji_given_name_needs_a_personal_honorific() -> None:
    norm, toks = tokens("春さん")
    assert single_given(norm, token(toks, "春"))
    norm, toks = tokens("春の予定")
    assert not single_given(norm, token(toks, "春"))


@needs_sudachi
def test_one_kanji_after_another_kanji_is_not_a_given_name() -> None:
    norm, toks = tokens("青春さん")
    assert all(not single_given(norm, t) for t in toks)


def test_kinship_characters_are_not_given_names() -> None:
    # The dictionary usually keeps 姉さん whole; when a split leaves 姉 tagged as a given name
    # before さん, the kinship guard still refuses it.
    kin = Token("姉", 0, 1, ("名詞", "固有名詞", "人名", "名", "*", "*"))
    name = Token("敦", 0, 1, ("名詞", "固有名詞", "人名", "名", "*", "*"))
    assert not single_given("姉さん", kin)
    assert single_given("敦さん", name)


@needs_sudachi
def test_place_name_is_a_surname_only_with_a_strong_cue() -> None:
    norm, toks = tokens("大島さんと大島")
    place = token(toks, "大島", 1)  # tagged 地名: nothing around it says person
    assert place.pos[2] == "地名"
    assert not place_surname_cued(norm, place)
    for text in ("@大島 よろしく", "依頼者：大島"):
        norm, toks = tokens(text)
        t = token(toks, "大島")
        assert t.pos[2] == "地名" and place_surname_cued(norm, t), text
        assert seed_kind(norm, t) == LISTED


@needs_sudachi
def test_place_name_before_a_personal_title_is_a_surname_but_a_region_is_a_post() -> None:
    norm, toks = tokens("特に桐生主任との連携")
    assert seed_kind(norm, token(toks, "桐生")) == LISTED
    norm, toks = tokens("大阪部長会議")
    assert seed_kind(norm, token(toks, "大阪")) is None
