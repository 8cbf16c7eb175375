"""Reasons a name-shaped candidate is not a person: each veto alone, then through the token scan."""

from __future__ import annotations

from tenbin.privacy.names.kanji import candidate_at, token_names
from tenbin.privacy.names.seeds import SURNAME
from tenbin.privacy.names.vetoes import Candidate, famous, line_item, ocr_spaced_word, part_of_compound, route_stop
from tenbin.privacy.sudachi import Token

from .helpers import needs_sudachi, token, tokens


def _candidate(text: str, surface: str) -> tuple[str, list[Token], Candidate]:
    norm, toks = tokens(text)
    c = candidate_at(norm, toks, toks.index(token(toks, surface)))
    assert c is not None
    return norm, toks, c


def _names(text: str) -> list[str]:
    norm, toks = tokens(text)
    return [norm[sp.start : sp.end] for sp in token_names(norm, toks)]


@needs_sudachi
def test_ocr_spaced_common_word_is_not_a_surname_and_given_name() -> None:
    norm, _, c = _candidate("品 目　　単 価", "単")
    assert c.full and ocr_spaced_word(norm, c)
    assert _names("品 目　　単 価") == []
    assert _names("担当 金 賢 様") == ["金 賢"]


@needs_sudachi
def test_famous_figure_is_not_personal_data() -> None:
    norm, _, c = _candidate("夏目漱石の小説", "夏目")
    assert famous(norm, c)
    assert _names("夏目漱石の小説") == []


@needs_sudachi
def test_surname_glued_to_a_noun_is_part_of_a_compound() -> None:
    norm, toks, c = _candidate("佐藤工業に発注", "佐藤")
    assert part_of_compound(norm, toks, c)
    assert _names("佐藤工業に発注") == []


@needs_sudachi
def test_an_honorific_or_an_addressee_mark_keeps_the_name() -> None:
    norm, toks, c = _candidate("書類は日下部宛に", "日下部")
    assert not part_of_compound(norm, toks, c)
    assert _names("書類は日下部宛に") == ["日下部"]


@needs_sudachi
def test_surname_before_an_amount_is_a_line_item() -> None:
    norm, _, c = _candidate("日当 3,000円", "日当")
    assert line_item(norm, c, cue=False)
    assert not line_item(norm, c, cue=True)
    assert _names("日当 3,000円") == []


@needs_sudachi
def test_route_stop_is_a_place_but_a_handover_is_people() -> None:
    norm, _, c = _candidate("仙台駅集合 → 松島 → 猪苗代湖畔", "松島")
    assert c.kind == SURNAME and route_stop(norm, c, cue=False)
    assert not route_stop(norm, c, cue=True)
    assert _names("仙台駅集合 → 松島 → 猪苗代湖畔") == []
    assert _names("引継ぎ（小此木 → 椎名）") == ["小此木", "椎名"]
