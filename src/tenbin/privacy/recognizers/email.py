"""E-mail addresses, role addresses included (the masker must hide every one)."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import EMAIL, Span

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9\-])"
)


class EmailRecognizer(Recognizer):
    """RFC-5322-ish local@domain.tld; ASCII classes stop at adjoining Japanese text."""

    label: ClassVar[str] = EMAIL

    def find(self, raw: str, norm: str) -> list[Span]:
        if "@" not in norm:
            return []
        return [Span(EMAIL, m.start(), m.end(), 0.99) for m in _EMAIL.finditer(norm)]
