"""Individual Number (マイナンバー): 12 digits whose check digit validates."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.checksums import my_number_valid
from tenbin.privacy.columns import column_spans
from tenbin.privacy.dialogue import answers
from tenbin.privacy.recognizers._twelve import LICENSE_CONTEXT, TWELVE, digits_of
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import MY_NUMBER, Span

_POSITIVE: Final = re.compile(r"(?i)個人番号|マイナンバー|my\s*number|individual\s*number|番号カード")
_NEGATIVE: Final = re.compile(
    r"(?i)注文|伝票|追跡|契約|管理|問い?合わ?せ|会員|受付|予約|発送|配送|お届け|例|No\.|ID|コード|シリアル|"
    r"口座|カード番号|tracking|order|invoice|請求"
)


class MyNumberRecognizer(DigitRecognizer):
    """A wrong check digit is never a My Number, whatever the context says.

    A valid number without context still counts (masking errs on the safe side), unless an id
    label such as 注文番号 or a licence label precedes it.
    """

    label: ClassVar[str] = MY_NUMBER
    min_run: ClassVar[int] = 12
    min_digits: ClassVar[int] = 12

    def find_global(self, raw: str, norm: str) -> list[Span]:
        return cued_my_numbers(norm)

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in TWELVE.finditer(norm, lo, hi):
            if not my_number_valid(digits_of(m.group())):
                continue
            pre = context.before(norm, m.start(), 24)
            if context.has(_POSITIVE, pre):
                out.append(Span(MY_NUMBER, m.start(), m.end(), 0.99))
            elif not context.has(_NEGATIVE, pre) and not context.has(LICENSE_CONTEXT, pre):
                out.append(Span(MY_NUMBER, m.start(), m.end(), 0.6))
        return out


_COLUMN: Final = re.compile(
    r"(?i)(?:本人|配偶者|扶養者)?(?:個人番号|マイナンバー|my\s*number|individual\s*number)(?:\s*\(12桁\))?"
)
_COLUMN_WORDS: Final = ("個人番号", "マイナンバー", "My Number", "my number", "MY NUMBER", "Individual", "individual")


def _twelve_digits(value: str) -> bool:
    return TWELVE.fullmatch(value) is not None


def cued_my_numbers(norm: str) -> list[Span]:
    """12-digit cells of a 個人番号 column and the 12 digits answering 「マイナンバーを…」.

    The column or the question says what the number is, so the check digit is not required: a
    mistyped My Number is still the person's My Number to the reader, and must not leak.
    """
    out = column_spans(norm, _COLUMN_WORDS, _COLUMN, _twelve_digits, MY_NUMBER, 0.97)
    for a in answers(norm, "my_number"):
        m = TWELVE.search(norm, a.start, a.end)
        if m:
            out.append(Span(MY_NUMBER, m.start(), m.end(), 0.97))
    return out
