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
_CONFIDENTIAL_JA: Final = re.compile(
    r"社外秘|極秘|厳秘|機密|秘密情報|関係者外秘|部外秘|取扱注意|取り扱い注意|持出禁止|持ち出し禁止"
)
_CONFIDENTIAL_EN: Final = re.compile(
    r"(?i)\b(?:confidential|strictly\s+private|secret|proprietary|nda|do\s+not\s+distribute)\b"
)
_INTERNAL_JA: Final = re.compile(r"社内限り|社内限定|社内用|社内のみ|社内向け|社員限り|関係者限り|内部資料")
_INTERNAL_EN: Final = re.compile(r"(?i)\b(?:internal\s+(?:use\s+)?only|for\s+internal\s+use|internal\s+use)\b")


# Every marker contains one of these literals. ``str.__contains__`` runs at memchr speed while
# an alternation scan runs at ~20 MB/s on CJK, so the regexes only run when a literal is present.
_JA_GATE: Final = ("社外", "社内", "社員", "秘", "機密", "関係者", "取扱", "取り扱", "持出", "持ち出", "内部")
_EN_GATE: Final = (
    "onfidential", "ONFIDENTIAL", "ecret", "ECRET", "roprietary", "ROPRIETARY", "NDA", "nda",
    "nternal", "NTERNAL", "istribute", "ISTRIBUTE", "rivate", "RIVATE",
)  # fmt: skip


class ConfidentialMarkerRecognizer(Recognizer):
    """Document classification stamps (社外秘, Confidential): they decide the data class."""

    label: ClassVar[str] = CONFIDENTIAL_MARKER

    def find(self, raw: str, norm: str) -> list[Span]:
        out: list[Span] = []
        # Every Japanese marker contains a gate literal and is at most 6 characters long, so the
        # regexes only need to run within 6 characters of each gate hit.
        for lo, hi in anchor_windows(norm, _JA_GATE, 6, back=6):
            out.extend(Span(CONFIDENTIAL_MARKER, *m.span(), 0.9) for m in _CONFIDENTIAL_JA.finditer(norm, lo, hi))
            out.extend(Span(INTERNAL_MARKER, *m.span(), 0.8) for m in _INTERNAL_JA.finditer(norm, lo, hi))
        # Gate words also occur inside ordinary words (Monday, standard → "nda"), so the
        # case-insensitive regexes run only around gate hits; every English marker contains a gate
        # and starts at most 12 characters before it / ends at most 14 after it.
        for lo, hi in anchor_windows(norm, _EN_GATE, 14, back=12):
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
