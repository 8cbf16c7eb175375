"""One pass over the text that finds digit runs, so digit recognizers only look where they can match.

A run is a digit followed by digits and the separators identifiers use (``-``, space, ``.``,
``/``, ``,``, ``:``, parentheses, ``+``); its length (separators included) is an upper bound on its
digit count, so "a run of at least N characters" is a safe superset test for "N digits here".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.types import Span

#: Runs shorter than this hold no identifier (the shortest is a 7-digit postal code / account /
#: passport number, or ``1.2.3.4``); dropping them in the regex keeps dates and amounts out of
#: the Python loop entirely.
MIN_RUN: Final = 7
# Separators identifiers use: - and space (phones, My Number, cards), . (IPv4), ( ) + (phones).
# Dates and amounts use / : , and so fall apart into short runs that are never dispatched.
_RUN: Final = re.compile(r"[0-9][0-9\-+(). ]{" + str(MIN_RUN - 1) + ",}")
_SEPARATORS: Final = "-+(). "
#: Runs shorter than this get their length as digit count (an upper bound, so still a safe
#: filter): only the 12/13-digit shapes gain from the exact count.
_COUNT_FROM: Final = 12

#: Selected runs closer than this are scanned as one window: a regex call costs about as much
#: as scanning a couple of dozen characters.
MERGE_GAP: Final = 24

#: How far a match may start before its digit run (+81, (03), the invoice T) / end after it.
LEAD: Final = 2
TRAIL: Final = 2


def digit_runs(norm: str) -> list[tuple[int, int]]:
    """(start, end) of every digit run of at least :data:`MIN_RUN` characters, in order."""
    return [m.span() for m in _RUN.finditer(norm)]


def _digits(run: str) -> int:
    return len(run) - sum(map(run.count, _SEPARATORS))


def counted_runs(norm: str) -> list[tuple[int, int, int]]:
    """(start, end, digits) of every run (digits: exact from 12 characters on, else an upper
    bound). A match holds at most as many digits as its run, so the count is an exact filter: a
    10-digit phone run never reaches the 12/13-digit recognizers."""
    out: list[tuple[int, int, int]] = []
    for m in _RUN.finditer(norm):
        s, e = m.span()
        out.append((s, e, _digits(m.group()) if e - s >= _COUNT_FROM else e - s))
    return out


def select_windows(runs: Sequence[tuple[int, int, int]], rec: DigitRecognizer, norm: str) -> list[tuple[int, int]]:
    """Windows for one recognizer: the runs that fit its shape, widened by LEAD/TRAIL and merged.

    Every match lies inside one run (its characters are all run characters) plus at most LEAD
    before it; TRAIL more characters let trailing lookaheads see what follows. A window larger
    than needed is harmless (the result equals a whole-text scan as long as no window cuts a
    match), which ``tests/privacy/test_prescan.py`` checks against whole-text scans.
    """
    min_run, min_digits, needs = rec.min_run, rec.min_digits, rec.run_needs
    size = len(norm)
    out: list[tuple[int, int]] = []
    for s, e, nd in runs:
        if nd < min_digits or e - s < min_run or (needs and needs not in norm[s:e]):
            continue
        lo, hi = s - LEAD if s > LEAD else 0, e + TRAIL if e + TRAIL < size else size
        if out and lo <= out[-1][1] + MERGE_GAP:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def windows(runs: Sequence[tuple[int, int]], rec: DigitRecognizer, norm: str) -> list[tuple[int, int]]:
    """Scan windows for one recognizer (one-off use; the Dispatcher counts digits once)."""
    return select_windows([(s, e, _digits(norm[s:e])) for s, e in runs], rec, norm)


def anchor_windows(norm: str, anchors: Sequence[str], reach: int, back: int = 2) -> list[tuple[int, int]]:
    """Merged windows from ``back`` before each label occurrence (found with ``str.find``) to
    ``reach`` past its end."""
    spans: list[tuple[int, int]] = []
    size = len(norm)
    for word in anchors:
        pos = norm.find(word)
        while pos >= 0:
            spans.append((max(0, pos - back), min(size, pos + len(word) + reach)))
            pos = norm.find(word, pos + 1)
    spans.sort()
    out: list[tuple[int, int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


class Dispatcher:
    """Per-text state: the digit runs and their digit counts, computed once and shared by every
    digit recognizer; each keeps the runs that fit its ``min_run``/``min_digits``/``run_needs``."""

    __slots__ = ("_counted", "norm", "raw", "runs")

    def __init__(self, raw: str, norm: str) -> None:
        self.raw = raw
        self.norm = norm
        self._counted = counted_runs(norm)
        self.runs = [(s, e) for s, e, _ in self._counted]

    def run(self, rec: DigitRecognizer) -> list[Span]:
        """Run ``rec`` over its windows only (plus its run-free matches)."""
        norm = self.norm
        if not rec.applies(norm):
            return []
        out: list[Span] = rec.find_global(self.raw, norm)
        if not self._counted:
            return out
        wins = anchor_windows(norm, rec.anchors, rec.reach) if rec.anchors else None
        for lo, hi in wins if wins is not None else select_windows(self._counted, rec, norm):
            out.extend(rec.find_in(self.raw, norm, lo, hi))
        return out


def dispatch(rec: DigitRecognizer, raw: str, norm: str, runs: Sequence[tuple[int, int]]) -> list[Span]:
    """One-off dispatch of a single recognizer (tests, benchmarks)."""
    d = Dispatcher(raw, norm)
    d._counted = [(s, e, _digits(norm[s:e])) for s, e in runs]
    d.runs = list(runs)
    return d.run(rec)
