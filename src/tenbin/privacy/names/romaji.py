"""Romaji names (Kenta HOSHINO, Mr. Smith, Dear Ozawa-san) for PERSON detection.

Why its own module: romaji names are judged by different evidence than kanji ones — a Hepburn
spelling converted to katakana and looked up in the same dictionary, a romaji surname list, and
English cues (Mr./Ms., Dear, a sign-off line) — and share no code with the token scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, NamedTuple

from tenbin.privacy import context, sudachi
from tenbin.privacy.kana import ROMAJI_WORD, long_vowel_variants, to_katakana
from tenbin.privacy.lexicon import SURNAMES_ROMAJI, words
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

_ROMAJI_WORD_RE: Final = re.compile(
    r"(?<![A-Za-z0-9@._\-])(?:[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z0-9@_]|-(?!san|sama|kun|sensei)|\.[A-Za-z])"
)
_ROMAJI_CUE_BEFORE: Final = re.compile(
    r"(?i)(?:\b(?:mr|ms|mrs|miss|dr|prof)\.?|\bdear|\bname|\bby|\bfrom|\battn\.?|\bcc|\bto|氏名|名前|表記|"
    r"担当|regards,?|sincerely,?|/|[(（])[ :：]*$"
)
# Prefectures that are also common surnames (Yamaguchi, Chiba, Fukushima…) are *not* stopwords.
_ROMAJI_STOP: Final = words(
    "tokyo osaka kyoto hokkaido kanagawa aichi okinawa hyogo saitama kagoshima shizuoka niigata"
) | words(
    "japan tokyo inc ltd co corp kk go ok no to so do be we me he she"
    " the and for per via id it mr ms mrs dear best regards hi hello name"
)


_ROMAJI_TITLE_BEFORE: Final = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Prof)\.? ?$")
_ROMAJI_STRONG_CUE: Final = re.compile(
    r"(?i)(?:\b(?:regards|sincerely|cheers|thanks),?[ ]*\n[ ]*|\b(?:mr|ms|mrs|dr|prof)\.? ?|\bname[ ]*:[ ]*)$"
)


_FIELD_COLON: Final = re.compile(r"[A-Za-z][:：] ?$")
_EN_NON_NAMES: Final = words("team dept department office inc ltd corp group division hr sales support global")


def _is_stop(word: str) -> bool:
    low = word.lower()
    return low in _ROMAJI_STOP or low in _EN_NON_NAMES


def _romaji_name_score(word: str) -> int:
    """2 = known surname, 1 = known given name / plausible, 0 = romaji-shaped only, -1 = not romaji."""
    low = word.lower()
    if low in _ROMAJI_STOP or not ROMAJI_WORD.fullmatch(low):
        return -1
    if low in SURNAMES_ROMAJI:
        return 2
    kata = to_katakana(low)
    if kata is None:
        return -1
    kinds: frozenset[str] = frozenset()
    for v in long_vowel_variants(kata):
        kinds |= sudachi.name_kinds(v)
    if "姓" in kinds:
        return 2
    return 1 if "名" in kinds else 0


# Airline/passport order: SURNAME/GIVEN, often with a title (HASUMI/MISAKI MS).
_SLASHED: Final = re.compile(
    r"(?<![A-Za-z0-9/])([A-Z]{2,15})/([A-Z]{2,15})(?: (?:MR|MS|MRS|MISS|MSTR)\b)?(?![A-Za-z0-9/])"
)


def _slashed_names(norm: str) -> list[Span]:
    """SURNAME/GIVEN with a title after it, or a known surname then a known given name."""
    out: list[Span] = []
    for m in _SLASHED.finditer(norm):
        a, b = m.group(1), m.group(2)
        titled = m.end() > m.end(2)
        sa, sb = _romaji_name_score(a), _romaji_name_score(b)
        # untitled, it must read surname then given name (NARITA/HANEDA is two airports)
        if min(sa, sb) >= 0 and (titled or (sa == 2 and sb == 1)) and not (_is_stop(a) or _is_stop(b)):
            out.append(Span(PERSON, m.start(), m.end(2), 0.8))
    return out


class _Word(NamedTuple):
    """One romaji-shaped word and the evidence before it."""

    m: re.Match[str]
    score: int  # _romaji_name_score of the word
    pre: str  # up to 20 characters before it, up to 3 lines back
    cue: bool  # a name cue before it (Mr, Dear, 氏名, a bracket)
    strong: bool  # a cue after which any words are a name (Mr., a sign-off line)

    @classmethod
    def at(cls, norm: str, m: re.Match[str]) -> _Word:
        pre = context.before(norm, m.start(), 20, lines=3)
        return cls(
            m,
            _romaji_name_score(m.group()),
            pre,
            _ROMAJI_CUE_BEFORE.search(pre) is not None,
            _ROMAJI_STRONG_CUE.search(pre) is not None,
        )


def romaji_names(norm: str) -> list[Span]:
    """PERSON spans for romaji names: known surnames/given names, or any words after a strong cue."""
    out: list[Span] = _slashed_names(norm) if "/" in norm else []
    words = list(_ROMAJI_WORD_RE.finditer(norm))
    i = 0
    while i < len(words):
        w = _Word.at(norm, words[i])
        nxt = words[i + 1] if i + 1 < len(words) else None
        pair = None if nxt is None else (_comma_pair(norm, w, nxt) or _spaced_pair(norm, w, nxt))
        if pair is not None:
            out.append(pair)
            i += 2
            continue
        single = _single(norm, w)
        if single is not None:
            out.append(single)
        i += 1
    return out


def _comma_pair(norm: str, w: _Word, nxt: re.Match[str]) -> Span | None:
    """ "Usami, Tomoya" (passport/booking order): a surname (known, or any romaji word right after a
    field label such as "Traveler:"), a comma, a known given name. A given name that is also a
    surname is left alone ("Sato, Suzuki" is a list of people)."""
    m = w.m
    if nxt.start() != m.end() + 2 or not norm.startswith(", ", m.end()):
        return None
    surname = w.score == 2 or (w.score == 0 and _FIELD_COLON.search(w.pre) is not None)
    if surname and _romaji_name_score(nxt.group()) == 1 and not nxt.group().isupper():
        return Span(PERSON, m.start(), nxt.end(), 0.8)
    return None


def _spaced_pair(norm: str, w: _Word, nxt: re.Match[str]) -> Span | None:
    """Two words with one space: plausible romaji names, or any words after a strong cue."""
    m = w.m
    if nxt.start() != m.end() + 1 or norm[m.end()] != " ":
        return None
    foreign = w.strong and not _is_stop(m.group()) and not _is_stop(nxt.group())
    if foreign or _plausible_pair(w, nxt.group()):
        return Span(PERSON, m.start(), nxt.end(), 0.8 if w.cue or w.strong else 0.7)
    return None


def _plausible_pair(w: _Word, second: str) -> bool:
    """Both words romaji, and a cue, a known surname, two known names, or a known given name with a
    romaji-shaped word of 3+ letters ("Mayumi Kuroiwa", "Ryo KUSUNOKI")."""
    sa, sb = w.score, _romaji_name_score(second)
    if sa < 0 or sb < 0:
        return False
    if w.cue or max(sa, sb) == 2 or sa + sb >= 2:
        return True
    return max(sa, sb) == 1 and min(len(w.m.group()), len(second)) >= 3


def _single(norm: str, w: _Word) -> Span | None:
    """One word: after Mr./Ms., or a known name with a cue or -san (not a 1-3 letter acronym)."""
    word = w.m.group()
    if _ROMAJI_TITLE_BEFORE.search(w.pre) is not None and not _is_stop(word):
        return Span(PERSON, w.m.start(), w.m.end(), 0.7)
    san = norm.startswith(("-san", " san", "さん", "様"), w.m.end())
    if w.score >= 1 and (w.cue or san) and not (word.isupper() and len(word) <= 3):
        return Span(PERSON, w.m.start(), w.m.end(), 0.7)
    return None


class RomajiNames(NameStep):
    """Names in Latin letters (Kenta HOSHINO, Mr. Smith, HASUMI/MISAKI)."""

    def applies(self, text: NameText) -> bool:
        return any("A" <= ch <= "Z" for ch in text.norm)

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return romaji_names(text.norm)
