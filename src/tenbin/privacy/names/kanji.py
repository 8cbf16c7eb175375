"""Kanji (and hiragana-surname) names from Sudachi tokens: seed → extend → veto → score.

Why this order: a seed token (:mod:`seeds`) says a name may start here and as what part; the given
name after a surname (:mod:`given`) makes it a full name; a title the tokenizer glued on is cut
off; the vetoes (:mod:`vetoes`) drop what the surroundings say is a word, a place or a famous
figure; the score says how sure the cues make it. A candidate's tokens are consumed whatever the
outcome, so its pieces are not tried again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from tenbin.privacy.lexicon import TITLES
from tenbin.privacy.names.cues import cued, field_end, name_field_before
from tenbin.privacy.names.given import given_after
from tenbin.privacy.names.seeds import GIVEN, LISTED, SURNAME, WHOLE_NAME, seed_kind, single_given
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.names.vetoes import (
    Candidate,
    famous,
    line_item,
    ocr_spaced_word,
    part_of_compound,
    route_stop,
)
from tenbin.privacy.sudachi import Token
from tenbin.privacy.types import PERSON, Span

# Sudachi glues a short surname to the head of a title (岡主任 → 岡主 + 任): a name never ends in one.
_TITLES_LONGEST: Final = tuple(sorted(TITLES, key=len, reverse=True))


def candidate_at(norm: str, toks: list[Token], i: int) -> Candidate | None:
    """The name candidate seeded by token ``i``, or None when that token starts no name."""
    kind = seed_kind(norm, toks[i])
    if kind is None or kind == WHOLE_NAME:
        return None
    return extend(norm, toks, i, kind)


def extend(norm: str, toks: list[Token], i: int, kind: str) -> Candidate:
    """The candidate for seed token ``i``: with the given name after a surname, without a title
    the tokenizer glued to its end."""
    t = toks[i]
    end, nxt, full = t.end, i + 1, False
    if kind in (SURNAME, LISTED):
        given = given_after(norm, toks, i + 1)
        if given is not None:
            (end, nxt), full = given, True
    trimmed = trim_title(norm, t.begin, end)
    return Candidate(t, kind, t.begin, trimmed, nxt, full and trimmed == end)


def trim_title(norm: str, start: int, end: int) -> int:
    """The end of the span without a title glued to its tail (岡主任 → 岡)."""
    for title in _TITLES_LONGEST:
        if end - start > len(title) and norm.endswith(title, start, end):
            return end - len(title)
    return end


def word_vetoed(norm: str, toks: list[Token], c: Candidate) -> bool:
    """Vetoes that hold whatever the cues (checked first: they are cheaper than the cues)."""
    return ocr_spaced_word(norm, c) or famous(norm, c) or part_of_compound(norm, toks, c)


def uncued_vetoed(norm: str, c: Candidate, cue: bool) -> bool:
    """Vetoes that only a candidate without a cue can meet."""
    return line_item(norm, c, cue) or route_stop(norm, c, cue)


def score(norm: str, c: Candidate, cue: bool) -> float | None:
    """How sure the candidate is a person, or None when the evidence is too weak.

    A full name or a dictionary surname is a name by itself (a cue raises the score); a listed
    word or a given name needs a cue (a one-kanji given name needs さん or a name field).
    """
    if c.full:
        return 0.9 if cue else 0.8
    if c.kind == SURNAME:
        return 0.8 if cue else 0.65
    if (cue and (c.kind == LISTED or c.end - c.start >= 2)) or _lone_given(norm, c):
        return 0.7
    return None


def _lone_given(norm: str, c: Candidate) -> bool:
    """A given name alone: one kanji before さん (敦さん), or the whole value of a name field."""
    if c.kind != GIVEN:
        return False
    return single_given(norm, c.token) or (name_field_before(norm, c.start) and field_end(norm, c.end))


def token_names(norm: str, toks: list[Token]) -> list[Span]:
    """PERSON spans from one left-to-right pass over the tokens."""
    out: list[Span] = []
    i, n = 0, len(toks)
    while i < n:
        # Inlined candidate_at: this loop sees every token, most of which start no name.
        kind = seed_kind(norm, toks[i])
        if kind is None or kind == WHOLE_NAME:
            i += 1
            continue
        c = extend(norm, toks, i, kind)
        i = c.next
        if word_vetoed(norm, toks, c):
            continue
        cue = cued(norm, c.start, c.end) or norm[c.start - 1 : c.start] == "@"
        if uncued_vetoed(norm, c, cue):
            continue
        s = score(norm, c, cue)
        if s is not None:
            out.append(Span(PERSON, c.start, c.end, s))
    return out


class TokenNames(NameStep):
    """Names the dictionary (or a seed rule) knows, from the Sudachi tokens."""

    def applies(self, text: NameText) -> bool:
        return text.toks is not None

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        assert text.toks is not None
        return token_names(text.norm, text.toks)
