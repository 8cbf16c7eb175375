"""Driver's licence numbers: 12 digits, only when a licence label precedes them."""

from __future__ import annotations

from typing import ClassVar

from tenbin.privacy import context
from tenbin.privacy.recognizers._twelve import LICENSE_CONTEXT, TWELVE
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import DRIVER_LICENSE, Span


class DriverLicenseRecognizer(DigitRecognizer):
    """Licence numbers have no public check digit, so context is the only evidence we trust."""

    label: ClassVar[str] = DRIVER_LICENSE
    min_run: ClassVar[int] = 12
    # The label must sit within 30 characters before the number (see find_in).
    anchors: ClassVar[tuple[str, ...]] = ("免許", "icen", "ICEN")
    reach: ClassVar[int] = 30 + 14 + 2

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        out: list[Span] = []
        for m in TWELVE.finditer(norm, lo, hi):
            if context.has(LICENSE_CONTEXT, context.before(norm, m.start(), 30, lines=2)):
                out.append(Span(DRIVER_LICENSE, m.start(), m.end(), 0.97))
        return out
