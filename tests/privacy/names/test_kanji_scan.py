"""The token scan as a whole: candidate → title trim → score."""

from __future__ import annotations

from tenbin.privacy.names.kanji import candidate_at, score, token_names, trim_title
from tenbin.privacy.names.seeds import GIVEN, LISTED, SURNAME
from tenbin.privacy.names.vetoes import Candidate
from tenbin.privacy.sudachi import Token

from .helpers import needs_sudachi, tokens

_T = Token("x", 0, 1, ("名詞", "固有名詞", "人名", "名", "*", "*"))


def _scan(text: str) -> list[tuple[str, float]]:
    norm, toks = tokens(text)
    return [(norm[sp.start : sp.end], sp.score) for sp in token_names(norm, toks)]


def test_title_glued_to_the_tail_is_cut_off() -> None:
    assert trim_title("岡主任", 0, 3) == 1
    assert trim_title("部長", 0, 2) == 2  # a title alone is not trimmed to nothing
    assert trim_title("山田太郎", 0, 4) == 4


def test_full_name_scores_highest_and_a_cue_raises_every_score() -> None:
    full = Candidate(_T, SURNAME, 0, 4, 2, True)
    surname = Candidate(_T, SURNAME, 0, 2, 1, False)
    assert score("山田太郎", full, cue=True) == 0.9
    assert score("山田太郎", full, cue=False) == 0.8
    assert score("山田", surname, cue=True) == 0.8
    assert score("山田", surname, cue=False) == 0.65


def test_listed_word_needs_a_cue() -> None:
    listed = Candidate(_T, LISTED, 0, 2, 1, False)
    assert score("大島", listed, cue=True) == 0.7
    assert score("大島", listed, cue=False) is None


def test_lone_given_name_needs_an_honorific_or_a_name_field() -> None:
    assert score("敦の件", Candidate(_T, GIVEN, 0, 1, 1, False), cue=False) is None
    assert score("氏名：敦", Candidate(_T, GIVEN, 3, 4, 1, False), cue=False) == 0.7


@needs_sudachi
def test_candidate_consumes_the_given_name_tokens() -> None:
    norm, toks = tokens("佐藤花子さん")
    c = candidate_at(norm, toks, 0)
    assert c is not None and c.full and norm[c.start : c.end] == "佐藤花子" and c.next == 2


@needs_sudachi
def test_honorific_after_surname_marks_a_person() -> None:
    assert _scan("田中さんから連絡") == [("田中", 0.8)]


@needs_sudachi
def test_title_the_tokenizer_glued_to_a_surname_stays_outside() -> None:
    assert [t for t, _ in _scan("岡主任に確認")] == ["岡"]


@needs_sudachi
def test_whole_name_dictionary_entries_are_skipped() -> None:
    assert _scan("徳川家康の城") == []
