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


def digit_runs(norm: str) -> list[tuple[int, int]]:
    """(start, end) of every digit run of at least :data:`MIN_RUN` characters, in order."""
    return [m.span() for m in _RUN.finditer(norm)]


#: Windows closer than this are scanned as one: a regex call costs about as much as scanning a
#: few dozen characters, so merging near neighbours is cheaper than calling twice.
MERGE_GAP: Final = 48


#: How far a match may start before its digit run (+81, (03), the invoice T) / end after it.
LEAD: Final = 2
TRAIL: Final = 2


def merged_windows(runs: Sequence[tuple[int, int]], size: int) -> list[tuple[int, int, int]]:
    """(lo, hi, longest run inside) for runs widened by LEAD/TRAIL and merged across MERGE_GAP.

    Computed once per text; each recognizer then keeps the windows whose longest run fits its
    shape. A window larger than needed is harmless (the result equals a whole-text scan as long
    as no window cuts a match), so one merge serves every shape.
    """
    out: list[tuple[int, int, int]] = []
    for s, e in runs:
        lo, hi = s - LEAD if s > LEAD else 0, e + TRAIL if e + TRAIL < size else size
        if out and lo <= out[-1][1] + MERGE_GAP:
            plo, phi, plen = out[-1]
            out[-1] = (plo, hi if hi > phi else phi, e - s if e - s > plen else plen)
        else:
            out.append((lo, hi, e - s))
    return out


def windows(runs: Sequence[tuple[int, int]], rec: DigitRecognizer, norm: str) -> list[tuple[int, int]]:
    """Scan windows for one recognizer (one-off use; the Dispatcher shares the merge)."""
    return _select(merged_windows(runs, len(norm)), rec, norm)


def _select(merged: Sequence[tuple[int, int, int]], rec: DigitRecognizer, norm: str) -> list[tuple[int, int]]:
    min_run, needs = rec.min_run, rec.run_needs
    if needs:
        return [(lo, hi) for lo, hi, n in merged if n >= min_run and needs in norm[lo:hi]]
    return [(lo, hi) for lo, hi, n in merged if n >= min_run]


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
    """Per-text state: the digit runs and their merged windows, computed once and shared by every
    digit recognizer; each keeps the windows whose longest run fits its ``min_run``."""

    __slots__ = ("_merged", "norm", "raw", "runs")

    def __init__(self, raw: str, norm: str) -> None:
        self.raw = raw
        self.norm = norm
        self.runs = digit_runs(norm)
        self._merged: list[tuple[int, int, int]] | None = None

    def run(self, rec: DigitRecognizer) -> list[Span]:
        """Run ``rec`` over its windows only (plus its run-free matches)."""
        norm = self.norm
        if not rec.applies(norm):
            return []
        out: list[Span] = rec.find_global(self.raw, norm)
        if not self.runs:
            return out
        if rec.anchors:
            wins = anchor_windows(norm, rec.anchors, rec.reach)
        else:
            if self._merged is None:
                self._merged = merged_windows(self.runs, len(norm))
            wins = _select(self._merged, rec, norm)
        for lo, hi in wins:
            out.extend(rec.find_in(self.raw, norm, lo, hi))
        return out


def dispatch(rec: DigitRecognizer, raw: str, norm: str, runs: Sequence[tuple[int, int]]) -> list[Span]:
    """One-off dispatch of a single recognizer (tests, benchmarks)."""
    d = Dispatcher(raw, norm)
    d.runs = list(runs)
    return d.run(rec)
