"""The given name after a surname seed."""

from __future__ import annotations

from tenbin.privacy.names.given import given_after, given_token, spaced_given, spaced_hiragana
from tenbin.privacy.sudachi import Token

from .helpers import needs_sudachi, token, tokens


def _given(text: str, surname: str) -> str | None:
    norm, toks = tokens(text)
    j = toks.index(token(toks, surname)) + 1
    got = given_after(norm, toks, j)
    return None if got is None else norm[toks[j].begin : got[0]].strip(" ")


@needs_sudachi
def test_dictionary_given_name_after_a_surname_joins_it() -> None:
    assert _given("佐藤花子", "佐藤") == "花子"
    assert _given("山田 太郎", "山田") == "太郎"


@needs_sudachi
def test_given_name_split_into_pieces_is_glued_back_after_a_space() -> None:
    norm, toks = tokens("担当 佐藤 乃愛")
    k = toks.index(token(toks, "佐藤")) + 2  # after the space
    got = spaced_given(norm, toks, k)
    assert got is not None and norm[toks[k].begin : got[0]] == "乃愛"


@needs_sudachi
def test_organisation_word_after_a_surname_is_not_a_given_name() -> None:
    assert _given("田中 商事", "田中") is None
    assert _given("佐藤 工業、", "佐藤") is None


@needs_sudachi
def test_particle_after_a_spaced_surname_is_not_a_given_name() -> None:
    assert _given("田中 より", "田中") is None
    norm, toks = tokens("田中 より")
    assert spaced_hiragana(norm, toks, 2) is None


@needs_sudachi
def test_hiragana_given_name_after_surname_and_space() -> None:
    norm, toks = tokens("眞鍋 みお")
    got = spaced_hiragana(norm, toks, 2)
    assert got is not None and norm[toks[2].begin : got[0]] == "みお"
    assert _given("眞鍋 みお", "眞鍋") == "みお"


def test_one_kanji_noun_after_a_surname_is_a_given_name_only_at_a_field_end() -> None:
    noun = Token("敦", 1, 2, ("名詞", "普通名詞", "一般", "*", "*", "*"))
    assert given_token("森敦、", noun, adjacent=True)
    assert given_token("森敦様", noun, adjacent=True)
    assert not given_token("森敦の件", noun, adjacent=True)
    town = Token("町", 1, 2, ("名詞", "普通名詞", "一般", "*", "*", "*"))
    assert not given_token("森町、", town, adjacent=True)  # an organisation/place suffix


@needs_sudachi
def test_a_given_name_never_runs_into_a_title() -> None:
    # 部長 is a title: the spaced block stops before it, and one kanji 敦 remains the given name
    assert _given("森 敦部長", "森") == "敦"
