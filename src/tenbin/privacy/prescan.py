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


def windows(runs: Sequence[tuple[int, int]], rec: DigitRecognizer, norm: str) -> list[tuple[int, int]]:
    """Merged scan windows for one recognizer: runs long enough, widened by its lead/trail."""
    min_run, lead, trail, needs = rec.min_run, rec.lead, rec.trail, rec.run_needs
    size = len(norm)
    out: list[tuple[int, int]] = []
    for s, e in runs:
        if e - s < min_run or (needs and needs not in norm[s:e]):
            continue
        lo, hi = max(0, s - lead), min(size, e + trail)
        if out and lo <= out[-1][1] + MERGE_GAP:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


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
    """Per-text state: the runs, and the windows per (min_run, lead, trail) shape, computed once
    and shared by recognizers with the same shape (My Number and the licence, postal code and IP)."""

    __slots__ = ("_cache", "norm", "raw", "runs")

    def __init__(self, raw: str, norm: str) -> None:
        self.raw = raw
        self.norm = norm
        self.runs = digit_runs(norm)
        self._cache: dict[tuple[int, int, int, str], list[tuple[int, int]]] = {}

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
            key = (rec.min_run, rec.lead, rec.trail, rec.run_needs)
            cached = self._cache.get(key)
            if cached is None:
                cached = self._cache[key] = windows(self.runs, rec, norm)
            wins = cached
        for lo, hi in wins:
            out.extend(rec.find_in(self.raw, norm, lo, hi))
        return out


def dispatch(rec: DigitRecognizer, raw: str, norm: str, runs: Sequence[tuple[int, int]]) -> list[Span]:
    """One-off dispatch of a single recognizer (tests, benchmarks)."""
    d = Dispatcher(raw, norm)
    d.runs = list(runs)
    return d.run(rec)
