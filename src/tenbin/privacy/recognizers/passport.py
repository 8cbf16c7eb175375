"""Passport numbers: two letters + seven digits, only with a passport label nearby."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import PASSPORT, Span

_CAND: Final = re.compile(r"(?<![0-9A-Za-z\-])[A-Z]{2}\d{7}(?![0-9A-Za-z\-])")
_CONTEXT: Final = re.compile(r"(?i)旅券|パスポート|passport")


class PassportRecognizer(DigitRecognizer):
    """Product codes share the shape (MB1234567), so the label is mandatory."""

    label: ClassVar[str] = PASSPORT
    min_run: ClassVar[int] = 7
    # The label must sit within 30 characters before the number (see find_in).
    anchors: ClassVar[tuple[str, ...]] = ("旅券", "パスポート", "assport", "ASSPORT")
    reach: ClassVar[int] = 30 + 9 + 2

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in _CAND.finditer(norm, lo, hi):
            if context.has(_CONTEXT, context.before(norm, m.start(), 30, lines=2)):
                out.append(Span(PASSPORT, m.start(), m.end(), 0.95))
        return out
