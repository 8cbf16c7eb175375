"""Romaji names (Kenta HOSHINO, Mr. Smith, Dear Ozawa-san) for PERSON detection.

Why its own module: romaji names are judged by different evidence than kanji ones — a Hepburn
spelling converted to katakana and looked up in the same dictionary, a romaji surname list, and
English cues (Mr./Ms., Dear, a sign-off line) — and share no code with the token scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

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


def romaji_names(norm: str) -> list[Span]:
    """PERSON spans for romaji names: known surnames/given names, or any words after a strong cue."""
    out: list[Span] = _slashed_names(norm) if "/" in norm else []
    words = list(_ROMAJI_WORD_RE.finditer(norm))
    i = 0
    while i < len(words):
        m = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        sa = _romaji_name_score(m.group())
        pre = context.before(norm, m.start(), 20, lines=3)
        cue = _ROMAJI_CUE_BEFORE.search(pre) is not None
        # After "Mr." or a sign-off line the words are a name whatever their language.
        strong = _ROMAJI_STRONG_CUE.search(pre) is not None
        # "Usami, Tomoya" (passport/booking order): a surname (known, or any romaji word right
        # after a field label such as "Traveler:"), a comma, a known given name. A given name that
        # is also a surname is left alone ("Sato, Suzuki" is a list of people).
        if (
            nxt is not None
            and nxt.start() == m.end() + 2
            and norm.startswith(", ", m.end())
            and (sa == 2 or (sa == 0 and _FIELD_COLON.search(pre) is not None))
            and _romaji_name_score(nxt.group()) == 1
            and not nxt.group().isupper()
        ):
            out.append(Span(PERSON, m.start(), nxt.end(), 0.8))
            i += 2
            continue
        if nxt is not None and nxt.start() == m.end() + 1 and norm[m.end()] == " ":
            sb = _romaji_name_score(nxt.group())
            both_romaji = sa >= 0 and sb >= 0
            foreign = strong and not _is_stop(m.group()) and not _is_stop(nxt.group())
            if (
                (both_romaji and (cue or max(sa, sb) == 2 or sa + sb >= 2))
                or foreign
                or (
                    # "Mayumi Kuroiwa", "Ryo KUSUNOKI": a known given name + a romaji-shaped word.
                    both_romaji and max(sa, sb) == 1 and min(len(m.group()), len(nxt.group())) >= 3
                )
            ):
                out.append(Span(PERSON, m.start(), nxt.end(), 0.8 if cue or strong else 0.7))
                i += 2
                continue
        after = norm[m.end() : m.end() + 5]
        san = after.startswith(("-san", " san", "さん", "様"))
        titled = _ROMAJI_TITLE_BEFORE.search(pre) is not None and not _is_stop(m.group())
        if titled or (sa >= 1 and (cue or san) and not (m.group().isupper() and len(m.group()) <= 3)):
            out.append(Span(PERSON, m.start(), m.end(), 0.7))
        i += 1
    return out


class RomajiNames(NameStep):
    """Names in Latin letters (Kenta HOSHINO, Mr. Smith, HASUMI/MISAKI)."""

    def applies(self, text: NameText) -> bool:
        return any("A" <= ch <= "Z" for ch in text.norm)

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return romaji_names(text.norm)
