"""Kanji names without the dictionary (degraded mode): a listed surname, optionally a short given
name, and a person cue. Less recall than the token scan, but no name with a cue goes unmasked."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy.lexicon import HONORIFICS, SURNAMES_KANJI, TITLES
from tenbin.privacy.names.chars import is_name_kanji
from tenbin.privacy.names.cues import cued, honorific_after
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

_SURNAME_AND_GIVEN: Final = re.compile(
    "(?:"
    + "|".join(sorted(SURNAMES_KANJI, key=len, reverse=True))
    + r")(?:[ ]?[一-龥々]{1,2}(?=[ ]?(?:"
    + "|".join(sorted(HONORIFICS + TITLES, key=len, reverse=True))
    + r")|[（(、,:：\n]|です))?"
)


def rule_names(norm: str) -> list[Span]:
    """Listed surnames (with a given name before an honorific) that stand alone and have a cue."""
    out: list[Span] = []
    for m in _SURNAME_AND_GIVEN.finditer(norm):
        s, e = m.span()
        if _inside_word(norm, s, e):
            continue
        if cued(norm, s, e):
            out.append(Span(PERSON, s, e, 0.6))
    return out


def _inside_word(norm: str, s: int, e: int) -> bool:
    """Kanji glued before the match, or after it without an honorific (山田町, 小山田)."""
    if s > 0 and is_name_kanji(norm[s - 1]):
        return True
    return e < len(norm) and is_name_kanji(norm[e]) and not honorific_after(norm, e)


class RuleNames(NameStep):
    """The token scan's stand-in when Sudachi is off or missing."""

    def applies(self, text: NameText) -> bool:
        return text.toks is None

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return rule_names(text.norm)
