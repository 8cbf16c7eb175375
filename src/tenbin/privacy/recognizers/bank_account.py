"""Bank account numbers: deposit type + 7 digits, or 7 digits under an 口座番号 label."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import BANK_ACCOUNT, Span

# Type and number adjacent: the span covers both (``普通 1234567``, ``(普)1234567``).
_TYPED: Final = re.compile(r"(?:(?:普通|当座|貯蓄|総合)(?:預金)?(?:口座)?|\((?:普|当|貯)\))[ :：]{0,2}\d{7}(?![0-9])")
# Number on its own line under a label: only the digits are the span.
_LABELLED: Final = re.compile(
    r"(?i)(?:口座番号|口座No\.?|口座|account\s*(?:no\.?|number)|a/c\s*no\.?)[ :：]{0,3}(\d{7})(?![0-9])"
)


class BankAccountRecognizer(DigitRecognizer):
    """Why both shapes: forms write 口座種別 and 口座番号 on separate lines, prose writes them
    together; a bare 7-digit number (伝票番号) is never enough."""

    label: ClassVar[str] = BANK_ACCOUNT
    min_run: ClassVar[int] = 7
    # Both shapes start at their label, and the 7 digits follow within a few characters.
    anchors: ClassVar[tuple[str, ...]] = (
        "普通", "当座", "貯蓄", "総合", "(普)", "(当)", "(貯)", "口座", "ccount", "CCOUNT", "a/c", "A/C",
    )  # fmt: skip
    reach: ClassVar[int] = 40

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out = [Span(BANK_ACCOUNT, m.start(), m.end(), 0.95) for m in _TYPED.finditer(norm, lo, hi)]
        out.extend(Span(BANK_ACCOUNT, *m.span(1), 0.9) for m in _LABELLED.finditer(norm, lo, hi))
        return out
