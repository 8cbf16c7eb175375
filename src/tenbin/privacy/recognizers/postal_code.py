"""Japanese postal codes (〒NNN-NNNN or 7 digits)."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.columns import column_spans
from tenbin.privacy.lexicon import PREFECTURE_START
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import POSTAL_CODE, Span

# NNN-NNNN and NNNNNNN in one pattern (group 1 is the hyphen): the two shapes can never overlap
# (the lookbehind rejects a digit run that starts after "-"), so one scan finds both.
_CAND: Final = re.compile(r"\d(?<![0-9A-Za-z\-.,/)]\d)\d{2}(-?)\d{4}(?![0-9A-Za-z\-])")
_POSITIVE: Final = re.compile(r"(?i)〒|郵便|住所|所在地|送付先|届け先|お届け|宛先|zip|postal|post code|所:")
_NEGATIVE: Final = re.compile(r"(?i)品番|型番|部品|No\.|コード|伝票|注文|管理|会員|ID|伝票|口座|番号(?<!郵便番号)")


_COLUMN: Final = re.compile(r"(?i)(?:ご|お届け先|送付先|勤務先)?(?:郵便番号|〒|zip(?: ?code)?|postal code)")
_COLUMN_WORDS: Final = ("郵便", "〒", "zip", "Zip", "ZIP", "postal", "Postal")
_SHAPE: Final = re.compile(r"〒?\s?(\d{3}-?\d{4})")


def _postal_cell(value: str) -> bool:
    return _SHAPE.fullmatch(value) is not None


class PostalCodeRecognizer(DigitRecognizer):
    """A hyphenated code is accepted unless an id label precedes it; a plain 7-digit run needs
    〒/住所-type context or an address right after it (7-digit slip numbers are everywhere)."""

    label: ClassVar[str] = POSTAL_CODE
    min_run: ClassVar[int] = 7
    min_digits: ClassVar[int] = 7

    def _followed_by_address(self, norm: str, end: int) -> bool:
        tail = norm[end : end + 12].lstrip(" \n\t")
        return PREFECTURE_START.match(tail) is not None

    def find_global(self, raw: str, norm: str) -> list[Span]:
        """Cells of a 郵便番号 column: a plain 7-digit cell has no 〒 of its own."""
        out: list[Span] = []
        for sp in column_spans(norm, _COLUMN_WORDS, _COLUMN, _postal_cell, POSTAL_CODE, 0.93):
            m = _SHAPE.fullmatch(norm, sp.start, sp.end)
            if m:  # the span is the digits only, without the 〒
                out.append(Span(POSTAL_CODE, m.start(1), m.end(1), sp.score))
        return out

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in _CAND.finditer(norm, lo, hi):
            s, e = m.span()
            if m.group(1):
                pre = context.before(norm, s, 12)
                pos = context.has(_POSITIVE, pre) or self._followed_by_address(norm, e)
                if context.has(_NEGATIVE, pre) and not pos:
                    continue
                out.append(Span(POSTAL_CODE, s, e, 0.95 if pos else 0.7))
            elif context.has(_POSITIVE, context.before(norm, s, 10)) or self._followed_by_address(norm, e):
                out.append(Span(POSTAL_CODE, s, e, 0.9))
        return out
