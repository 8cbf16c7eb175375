"""Payment card numbers: 13-19 digits, Luhn-valid, with a known brand prefix."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.checksums import luhn_valid
from tenbin.privacy.recognizers._twelve import digits_of
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import CREDIT_CARD, Span

_CAND: Final = re.compile(
    r"\d(?<![0-9A-Za-z\-.,]\d)(?:\d{12,18}|\d{3}([- ])\d{4,6}(?:\1\d{3,6}){1,3})(?![0-9A-Za-z\-]|[.,]\d)"
)
# Visa, Mastercard (51-55, 2221-2720), Amex, JCB, Diners, Discover/UnionPay.
_BRAND: Final = re.compile(r"4|5[1-5]|2[2-7]|3[47]|35|30[0-5]|36|38|39|6011|64[4-9]|65|62")
_POSITIVE: Final = re.compile(r"(?i)カード|card|visa|master|jcb|amex|american|diners|決済|クレジット")
_NEGATIVE: Final = re.compile(
    r"(?i)管理|注文|伝票|追跡|会員|JAN|品番|コード|シリアル|ID|口座|法人番号|登録番号|個人番号|マイナンバー"
)


class CreditCardRecognizer(DigitRecognizer):
    """Luhn alone passes one random number in ten, so a brand prefix is required too and id
    labels (管理コード, 会員番号) veto a context-free hit."""

    label: ClassVar[str] = CREDIT_CARD
    min_run: ClassVar[int] = 13
    min_digits: ClassVar[int] = 13  # shorter candidates fail the 13–19 length check

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in _CAND.finditer(norm, lo, hi):
            digits = digits_of(m.group())
            if not 13 <= len(digits) <= 19 or not _BRAND.match(digits) or not luhn_valid(digits):
                continue
            pre = context.before(norm, m.start(), 24)
            if context.has(_POSITIVE, pre):
                out.append(Span(CREDIT_CARD, m.start(), m.end(), 0.97))
            elif len(digits) > 13 and not context.has(_NEGATIVE, pre):
                # 13-digit cards are all but extinct while 13-digit JAN codes are everywhere.
                out.append(Span(CREDIT_CARD, m.start(), m.end(), 0.7))
        return out
