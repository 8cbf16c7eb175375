"""Corporate Number (法人番号): 13 digits with a valid *leading* check digit."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.checksums import corporate_number_valid
from tenbin.privacy.recognizers._twelve import digits_of
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import CORPORATE_NUMBER, Span

# Plain, the official 1-4-2-6 display grouping, or 1-4-4-4. The invoice "T" stays outside.
_CAND: Final = re.compile(
    r"(?<![0-9A-Za-z\-.,])T?(\d(?:\d{12}|([- ])\d{4}\2\d{2}\2\d{6}|([- ])\d{4}\3\d{4}\3\d{4}))"
    r"(?![0-9A-Za-z\-]|[.,]\d)"
)
_POSITIVE: Final = re.compile(r"(?i)法人番号|登録番号|インボイス|適格|corporate\s*number|T$")
_NEGATIVE: Final = re.compile(
    r"(?i)JAN|EAN|バーコード|品番|商品|管理|コード|注文|伝票|製造|ロット|シリアル|ISBN|会員|追跡|口座"
)


class CorporateNumberRecognizer(DigitRecognizer):
    """JAN codes and 管理番号 are 13 digits too; only the check digit plus context tell them apart."""

    label: ClassVar[str] = CORPORATE_NUMBER
    min_run: ClassVar[int] = 13
    min_digits: ClassVar[int] = 13

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in _CAND.finditer(norm, lo, hi):
            if not corporate_number_valid(digits_of(m.group(1))):
                continue
            s, e = m.span(1)
            pre = context.before(norm, s, 24)
            if context.has(_POSITIVE, pre):
                out.append(Span(CORPORATE_NUMBER, s, e, 0.99))
            elif not context.has(_NEGATIVE, pre):
                out.append(Span(CORPORATE_NUMBER, s, e, 0.55))
        return out
