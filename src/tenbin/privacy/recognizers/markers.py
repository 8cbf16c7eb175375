"""Confidentiality markers and organisation-defined custom terms (not PII labels)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar, Final

from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import CONFIDENTIAL_MARKER, CUSTOM_TERM, INTERNAL_MARKER, Span

_CONFIDENTIAL: Final = re.compile(
    r"(?i)社外秘|極秘|厳秘|機密|秘密情報|関係者外秘|部外秘|取扱注意|取り扱い注意|持出禁止|持ち出し禁止|"
    r"\bconfidential\b|\bstrictly\s+private\b|\bsecret\b|\bproprietary\b|\bnda\b|\bdo\s+not\s+distribute\b"
)
_INTERNAL: Final = re.compile(
    r"(?i)社内限り|社内限定|社内用|社内のみ|社内向け|社員限り|関係者限り|内部資料|"
    r"\binternal\s+(?:use\s+)?only\b|\bfor\s+internal\s+use\b|\binternal\s+use\b"
)


class ConfidentialMarkerRecognizer(Recognizer):
    """Document classification stamps (社外秘, Confidential): they decide the data class."""

    label: ClassVar[str] = CONFIDENTIAL_MARKER

    def find(self, raw: str, norm: str) -> list[Span]:
        out = [Span(CONFIDENTIAL_MARKER, m.start(), m.end(), 0.9) for m in _CONFIDENTIAL.finditer(norm)]
        out.extend(Span(INTERNAL_MARKER, m.start(), m.end(), 0.8) for m in _INTERNAL.finditer(norm))
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
