"""E-mail addresses, role addresses included (the masker must hide every one)."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy.columns import column_spans
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import EMAIL, Span

_EMAIL: Final = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9\-])"
)


# In a mail column the cell says what it is, so spaced or spelled-out at signs count too
# (「taro.k @ example.jp」「taro(at)example.jp」).
_LOOSE: Final = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._%+\-]*\s?(?:@|\(at\)|\[at\]|＠)\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
_COLUMN: Final = re.compile(
    r"(?i)(?:ご|お)?(?:連絡先|勤務先|個人|本人)?(?:メール(?:アドレス)?|e-?mail(?: address)?|mail)"
)
_COLUMN_WORDS: Final = ("メール", "mail", "Mail", "MAIL")


def _mail_cell(value: str) -> bool:
    return _LOOSE.fullmatch(value) is not None


_TOKEN_CHARS: Final = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-@"


class EmailRecognizer(Recognizer):
    """RFC-5322-ish local@domain.tld; ASCII classes stop at adjoining Japanese text."""

    label: ClassVar[str] = EMAIL

    def find(self, raw: str, norm: str) -> list[Span]:
        # Scan only the token around each "@" (the maximal run of e-mail characters), so the
        # regex never walks the Japanese text in between; the result equals a whole-text scan.
        # The token ends are found with lstrip/rstrip (C loops) on growing slices.
        out: list[Span] = []
        size = len(norm)
        pos = norm.find("@")
        while pos >= 0:
            lo = pos
            while lo > 0:
                seg = norm[max(0, lo - 64) : lo]
                keep = len(seg.rstrip(_TOKEN_CHARS))
                lo -= len(seg) - keep
                if keep:
                    break
            hi = pos + 1
            while hi < size:
                seg = norm[hi : hi + 64]
                rest = len(seg.lstrip(_TOKEN_CHARS))
                hi += len(seg) - rest
                if rest:
                    break
            out.extend(Span(EMAIL, m.start(), m.end(), 0.99) for m in _EMAIL.finditer(norm, lo, hi))
            pos = norm.find("@", hi)
        return out + column_spans(norm, _COLUMN_WORDS, _COLUMN, _mail_cell, EMAIL, 0.95)
