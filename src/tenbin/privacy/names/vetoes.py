"""Reasons a name-shaped candidate of the token scan is not a person.

Each veto is one small predicate with one concern; the token scan drops a candidate when any of
them holds. ``cue`` is whether the candidate has a person cue (:func:`cues.cued`).
"""

from __future__ import annotations

from typing import Final, NamedTuple

from tenbin.privacy import sudachi
from tenbin.privacy.lexicon import FAMOUS_PEOPLE
from tenbin.privacy.names.cues import amount_after, honorific_after
from tenbin.privacy.names.places import in_route
from tenbin.privacy.names.seeds import SURNAME
from tenbin.privacy.sudachi import Token

_ADDRESSEE: Final = frozenset(("宛", "宛て", "あて"))


class Candidate(NamedTuple):
    """A name-shaped stretch of tokens: the seed token, what kind it is, and how far it reaches."""

    token: Token  # the seed token
    kind: str  # seeds.SURNAME, GIVEN or LISTED
    start: int
    end: int
    next: int  # index of the first token after the candidate
    full: bool  # a surname with its given name


def ocr_spaced_word(norm: str, c: Candidate) -> bool:
    """「単 価」「金 額」: an OCR-spaced common word, not 姓 + 名."""
    text = norm[c.start : c.end]
    return c.full and len(text) == 3 and text[1] == " " and sudachi.is_common_word(text[0] + text[2])


def famous(norm: str, c: Candidate) -> bool:
    """A public figure named in ordinary text is not personal data of a customer."""
    return norm[c.start : c.end].replace(" ", "") in FAMOUS_PEOPLE


def part_of_compound(norm: str, toks: list[Token], c: Candidate) -> bool:
    """梅田支店, 小川町, 佐藤工業: a noun or suffix glued after the name makes it part of a longer
    word, unless an honorific follows or the suffix marks an addressee (日下部宛)."""
    if c.next >= len(toks) or honorific_after(norm, c.end):
        return False
    nt = toks[c.next]
    glued_noun = nt.pos[0] == "接尾辞" or (nt.pos[0] == "名詞" and nt.pos[1] != "数詞")
    return nt.begin == c.end and glued_noun and nt.pos[2] != "人名" and nt.surface not in _ADDRESSEE


def line_item(norm: str, c: Candidate, cue: bool) -> bool:
    """「日当 3,000円」: a surname-shaped word before a number is a line item."""
    return not cue and not c.full and amount_after(norm, c.end)


def route_stop(norm: str, c: Candidate, cue: bool) -> bool:
    """「仙台駅 → 松島 → 猪苗代」: a bare surname-shaped stop on a route is a place."""
    return c.kind == SURNAME and not c.full and not cue and in_route(norm, c.start, c.end)
