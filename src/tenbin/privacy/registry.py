"""Recognizer registry: runs recognizers over one text and resolves overlapping candidates."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from tenbin.privacy.normalize import normalize
from tenbin.privacy.prescan import Dispatcher
from tenbin.privacy.recognizers import (
    BankAccountRecognizer,
    BirthDateRecognizer,
    CorporateNumberRecognizer,
    CreditCardRecognizer,
    DriverLicenseRecognizer,
    EmailRecognizer,
    IpAddressRecognizer,
    MyNumberRecognizer,
    PassportRecognizer,
    PhoneRecognizer,
    PostalCodeRecognizer,
    Recognizer,
)
from tenbin.privacy.recognizers.base import ContextRecognizer, DigitRecognizer
from tenbin.privacy.recognizers.phone_cues import PhoneBesideNameRecognizer
from tenbin.privacy.types import PII_LABELS, Span


def default_structured() -> list[Recognizer]:
    """The Sudachi-free recognizers (the fast tier)."""
    return [
        EmailRecognizer(),
        MyNumberRecognizer(),
        DriverLicenseRecognizer(),
        CorporateNumberRecognizer(),
        CreditCardRecognizer(),
        PhoneRecognizer(),
        PostalCodeRecognizer(),
        BankAccountRecognizer(),
        BirthDateRecognizer(),
        PassportRecognizer(),
        IpAddressRecognizer(),
        PhoneBesideNameRecognizer(),
    ]


def _position(sp: Span) -> tuple[int, int]:
    return (sp.start, sp.end)


def _disjoint(pii: list[Span]) -> bool:
    """True when no two non-empty spans overlap (sorts ``pii`` by position as a side effect)."""
    pii.sort(key=_position)
    prev_end = -1
    for sp in pii:
        if sp.start < prev_end or sp.end <= sp.start:
            return False
        prev_end = sp.end
    return True


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Keep a non-overlapping subset: highest score first, then the longer span.

    PII spans are resolved among themselves; marker/custom-term spans (not PII) may overlap PII
    because they only drive classification, never masking boundaries of personal data.
    """
    pii: list[Span] = []
    other: list[Span] = []
    for sp in spans:
        (pii if sp.label in PII_LABELS else other).append(sp)
    chosen: list[Span] = []
    if _disjoint(pii):
        # Usual case (each value found by one recognizer): nothing to choose. The final stable
        # sort then sees PII before markers, exactly as after the greedy pass.
        chosen = pii
        chosen.extend(other)
        chosen.sort(key=_position)
        return chosen
    taken: list[tuple[int, int]] = []  # chosen intervals, sorted and disjoint
    for sp in sorted(pii, key=lambda x: (-x.score, -(x.end - x.start), x.start)):
        k = bisect_right(taken, (sp.start, sp.end))
        if (k and taken[k - 1][1] > sp.start) or (k < len(taken) and taken[k][0] < sp.end):
            continue
        taken.insert(k, (sp.start, sp.end))
        chosen.append(sp)
    chosen.extend(other)
    chosen.sort(key=lambda x: (x.start, x.end))
    return chosen


class Registry:
    """An ordered set of recognizers applied to normalised text."""

    def __init__(self, recognizers: Sequence[Recognizer]) -> None:
        self._recognizers = tuple(recognizers)
        # Sorted once (isinstance on ABCs costs ~0.5 µs per call on the hot path): context
        # recognizers run last, the others keep their order.
        self._first: tuple[tuple[Recognizer, DigitRecognizer | None], ...] = tuple(
            (r, r if isinstance(r, DigitRecognizer) else None)
            for r in self._recognizers
            if not isinstance(r, ContextRecognizer)
        )
        self._later = tuple(r for r in self._recognizers if isinstance(r, ContextRecognizer))

    @property
    def recognizers(self) -> tuple[Recognizer, ...]:
        """The recognizers in run order (read-only)."""
        return self._recognizers

    def candidates(self, raw: str, norm: str | None = None) -> list[Span]:
        """All raw candidates, before overlap resolution."""
        n = normalize(raw) if norm is None else norm
        out: list[Span] = []
        digits: Dispatcher | None = None
        for rec, digit in self._first:
            if digit is not None:
                if digits is None:
                    digits = Dispatcher(raw, n)  # one digit-run pass shared by every digit recognizer
                out.extend(digits.run(digit))
            else:
                out.extend(rec.find(raw, n))
        for ctx in self._later:  # they see every other candidate
            out.extend(ctx.find_with(raw, n, out))
        return out

    def analyze(self, raw: str) -> list[Span]:
        """Resolved, position-sorted spans for ``raw``."""
        return resolve(self.candidates(raw))
