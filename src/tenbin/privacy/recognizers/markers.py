"""Confidentiality markers and organisation-defined custom terms (not PII labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar, Final

from tenbin.privacy.prescan import anchor_windows
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import CONFIDENTIAL_MARKER, CUSTOM_TERM, INTERNAL_MARKER, Span

# Japanese and English patterns are split: a case-sensitive alternation of CJK literals lets the
# regex engine skip ahead on the first character; the English one only runs on ASCII letters.
# The marker characters inside other words are not markers: 機密性 (the CIA triad), 機密保持契約 (an
# NDA as a topic), 取扱注意点 (a product manual's cautions). 秘密情報 is a contract term, not a stamp.
_CONFIDENTIAL_JA: Final = re.compile(
    r"社外秘|極秘|厳秘|部外秘|関係者外秘|機密(?!性|保持)|取扱い?注意(?!点|事項)|取り扱い注意(?!点|事項)"
    r"|持出禁止|持ち出し禁止"
)
# English markers are words of their own but may sit inside Japanese text (``CONFIDENTIAL表示``,
# ``Internal only：``), so the boundaries are "no ASCII letter or digit" rather than ``\b`` (which
# treats kanji as word characters). "Internal only" marks a document confidential (the labelling
# rules), "for internal use" alone is INTERNAL. "secret", "proprietary" and "NDA" are ordinary words
# in English prose, not stamps; "Confidential Computing" is a technology.
_CONFIDENTIAL_EN: Final = re.compile(
    r"(?i)(?<![a-z0-9])(?:confidential(?!\s+computing)|strictly\s+private|do\s+not\s+distribute"
    r"|internal\s+(?:use\s+)?only)(?![a-z0-9])"
)
_INTERNAL_JA: Final = re.compile(r"社内限り|社内限定|社内用|社内のみ|社内向け|社員限り|関係者限り|内部資料")
_INTERNAL_EN: Final = re.compile(r"(?i)(?<![a-z0-9])(?:for\s+internal\s+use|internal\s+use)(?!\s+only)(?![a-z0-9])")


# Every marker contains one of these literals. ``str.__contains__`` runs at memchr speed while
# an alternation scan runs at ~20 MB/s on CJK, so the regexes only run when a literal is present.
_JA_GATE: Final = ("社外", "社内", "社員", "秘", "機密", "関係者", "取扱", "取り扱", "持出", "持ち出", "内部")
_EN_GATE: Final = (
    "onfidential", "ONFIDENTIAL", "nternal", "NTERNAL", "istribute", "ISTRIBUTE", "rivate", "RIVATE",
)  # fmt: skip


class ConfidentialMarkerRecognizer(Recognizer):
    """Document classification stamps (社外秘, Confidential): they decide the data class."""

    label: ClassVar[str] = CONFIDENTIAL_MARKER

    def find(self, raw: str, norm: str) -> list[Span]:
        out: list[Span] = []
        # Every Japanese marker contains a gate literal and is at most 6 characters long (its
        # lookahead reads one more), so the regexes only need to run within 7 characters of a gate.
        for lo, hi in anchor_windows(norm, _JA_GATE, 7, back=6):
            out.extend(Span(CONFIDENTIAL_MARKER, *m.span(), 0.9) for m in _CONFIDENTIAL_JA.finditer(norm, lo, hi))
            out.extend(Span(INTERNAL_MARKER, *m.span(), 0.8) for m in _INTERNAL_JA.finditer(norm, lo, hi))
        # Gate words also occur inside ordinary words (Monday, standard → "nda"), so the
        # case-insensitive regexes run only around gate hits; every English marker contains a gate
        # and starts at most 12 characters before it / ends (lookaheads included) at most 16 after.
        for lo, hi in anchor_windows(norm, _EN_GATE, 16, back=12):
            out.extend(Span(CONFIDENTIAL_MARKER, *m.span(), 0.9) for m in _CONFIDENTIAL_EN.finditer(norm, lo, hi))
            out.extend(Span(INTERNAL_MARKER, *m.span(), 0.8) for m in _INTERNAL_EN.finditer(norm, lo, hi))
        return out


class CustomTermRecognizer(Recognizer):
    """Project code names, customer names from a list: one alternation compiled at construction.

    Matching is case-insensitive on the normalised text, longest term first, so
    "Project Falcon II" wins over "Project Falcon".
    """

    label: ClassVar[str] = CUSTOM_TERM

    def __init__(self, terms: Iterable[str]) -> None:
        from tenbin.privacy.normalize import normalize

        cleaned = sorted({normalize(t).strip() for t in terms if t and t.strip()}, key=len, reverse=True)
        self._pattern: re.Pattern[str] | None = (
            re.compile("|".join(re.escape(t) for t in cleaned), re.IGNORECASE) if cleaned else None
        )

    def find(self, raw: str, norm: str) -> list[Span]:
        if self._pattern is None:
            return []
        return [Span(CUSTOM_TERM, m.start(), m.end(), 1.0) for m in self._pattern.finditer(norm)]
