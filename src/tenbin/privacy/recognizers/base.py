"""The recognizer contract: one small class per entity type, patterns compiled once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from tenbin.privacy.types import Span


class Recognizer(ABC):
    """Finds candidate spans of one label.

    ``find`` receives both the original and the normalised text (same length, see
    :mod:`tenbin.privacy.normalize`); patterns run on the normalised text so full-width digits
    and dash variants need no special cases. Subclasses compile their regexes at class or
    construction time: ``find`` is on the request hot path.
    """

    label: ClassVar[str]
    #: Structured recognizers run in the fast tier; NER-like ones only in the full tier.
    structured: ClassVar[bool] = True

    @abstractmethod
    def find(self, raw: str, norm: str) -> list[Span]:
        """Return candidate spans (may overlap other recognizers' spans; the registry resolves)."""


class ContextRecognizer(Recognizer):
    """A recognizer that needs the other recognizers' candidates (a phone number beside a name).

    The registry runs these after every other recognizer and passes the candidates found so far.
    """

    @abstractmethod
    def find_with(self, raw: str, norm: str, found: Sequence[Span]) -> list[Span]:
        """Candidate spans, given ``found`` (unresolved candidates of the other recognizers)."""

    def find(self, raw: str, norm: str) -> list[Span]:
        return self.find_with(raw, norm, [])


class DigitRecognizer(Recognizer):
    """A recognizer whose every match contains a run of digits of some minimum length.

    Why: Python's ``re`` scans Japanese (UCS-2) text at only 20–80 MB/s per pattern, so ten
    recognizers each scanning the whole prompt cost more than everything else together. The
    registry finds digit runs once (:mod:`tenbin.privacy.prescan`) and calls ``find_in`` only on
    small windows around runs at least ``min_run`` characters long; a recognizer whose shape is
    absent from the text costs nothing. A match may start up to 2 characters before its run
    (``+81``, ``(03)``, the invoice ``T``) and end 2 after it; recognizers whose label comes
    further before the digits (``普通預金 ``, ``旅券番号：``) use ``anchors`` instead. Lookbehinds
    and context windows still see the whole text: only the regex scan is bounded.
    """

    #: Shortest digit run (separators included) that can hold a match; at least prescan.MIN_RUN.
    min_run: ClassVar[int] = 7
    #: Fewest digits any match holds: a run with fewer (a 10-digit phone for a 12-digit shape) is
    #: skipped without a regex call.
    min_digits: ClassVar[int] = 0
    #: A character every matching run contains ("." for IPv4), or "" for none.
    run_needs: ClassVar[str] = ""
    #: Label words one of which must precede every match (旅券, 口座 …). When set, the windows are
    #: [anchor - 2, anchor end + ``reach``] instead of digit runs: far fewer than the runs.
    anchors: ClassVar[tuple[str, ...]] = ()
    reach: ClassVar[int] = 0

    def applies(self, norm: str) -> bool:
        """Cheap whole-text gate checked once per text (a label word that must be present)."""
        return True

    def find_global(self, raw: str, norm: str) -> list[Span]:
        """Matches that need no digit run (IPv6 ``fe80::…``); called once per text."""
        return []

    @abstractmethod
    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        """Spans whose match starts at or after ``lo`` and ends by ``hi`` (regex pos/endpos)."""

    def find(self, raw: str, norm: str) -> list[Span]:
        """Whole-text scan: the same result the registry's windowed dispatch produces."""
        if not self.applies(norm):
            return []
        return self.find_in(raw, norm, 0, len(norm)) + self.find_global(raw, norm)
