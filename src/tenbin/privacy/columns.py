"""Table columns whose header names what the cells hold: one reader for every recognizer.

Why: in a pasted table (「氏名,個人番号,電話,生年月日」) the header row is the only cue for every
row below it; the cells themselves carry no 個人番号：/TEL/生 label. The reader handles CSV, TSV,
`;`, Markdown/｜ tables (rule row skipped) and space-aligned tables (cells separated by two or more
spaces; a single space separates the parts of a name, not columns). Only lines that
contain a header word are read as headers; a column is followed down while rows keep the layout,
and each recognizer then decides whether a whole cell has its value's shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Final, NamedTuple

from tenbin.privacy.types import Span

_DELIMS: Final = ("\t", "|", ",", ";")
_RULE_ROW: Final = re.compile(r"[\s|:\-+=]+")
_WIDE: Final = re.compile(r" {2,}")
PAD: Final = " \t\"'"
# A header may qualify its column: 「生年月日(西暦)」「電話番号（携帯）」「DOB [YYYY/MM/DD]」.
_HEADER_NOTE: Final = re.compile(r"\s*[(\[【（][^)\]】）]{1,12}[)\]】）]$")


class Cell(NamedTuple):
    """One data cell under a matching header: offsets of the stripped value in the text."""

    column: str  # the header cell, padding stripped
    start: int
    end: int
    value: str


def header_name(cell: str) -> str:
    """The header cell without padding and a trailing note in brackets."""
    return _HEADER_NOTE.sub("", cell.strip(PAD))


def could_hold_table(norm: str) -> bool:
    """Cheap gate: a table needs a line break and a cell delimiter or a run of spaces."""
    return "\n" in norm and ("\t" in norm or "|" in norm or "," in norm or ";" in norm or "  " in norm)


def header_lines(norm: str, words: Iterable[str]) -> list[int]:
    """Start offsets of the lines that contain one of ``words`` (str.find, no regex scan)."""
    heads: set[int] = set()
    for word in words:
        pos = norm.find(word)
        while pos >= 0:
            heads.add(norm.rfind("\n", 0, pos) + 1)
            pos = norm.find(word, pos + 1)
    return sorted(heads)


def _splitter(line: str) -> Callable[[str], list[tuple[int, str]]] | None:
    """How this header line splits into cells, or None when it is not a table row."""
    for d in _DELIMS:
        if d in line:
            return partial(_split_on, d=d)
    if _WIDE.search(line.strip()):
        return _split_wide
    return None


def _split_on(row: str, d: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in row.split(d):
        out.append((pos, part))
        pos += len(part) + 1
    return out if len(out) > 1 else []


def _split_wide(row: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = len(row) - len(row.lstrip(" "))
    for m in _WIDE.finditer(row, pos):
        if m.start() > pos:
            out.append((pos, row[pos : m.start()]))
        pos = m.end()
    if pos < len(row.rstrip(" ")):
        out.append((pos, row[pos:]))
    return out if len(out) > 1 else []


_DIGITS3: Final = re.compile(r"[0-9]{3}")
_SENTENCE: Final = re.compile(r"[:：。、]")


def _labels_only(names: list[str], spaced: bool) -> bool:
    """A header row is labels: no value-like cell (three digits in a row). A space-separated row
    must also be short labels without sentence punctuation, since any prose line has spaces."""
    if any(_DIGITS3.search(n) for n in names):
        return False
    return not spaced or all(len(n) <= 16 and not _SENTENCE.search(n) for n in names)


def column_cells(
    norm: str,
    words: Iterable[str],
    is_header: Callable[[str], bool],
    header_ok: Callable[[list[str], int, int], bool] | None = None,
) -> list[Cell]:
    """Cells under every header cell for which ``is_header(cell)`` holds (padding stripped; use
    :func:`header_name` inside ``is_header`` to ignore a bracketed note).

    ``words`` are literals one of which every header contains (found with ``str.find``), so a text
    without them costs nothing. ``header_ok(cells, line_start, line_end)`` may reject a line that
    looks like a header but is data (a key-value sheet puts the value beside its label).
    """
    out: list[Cell] = []
    if not could_hold_table(norm):
        return out
    for head in header_lines(norm, words):
        stop = norm.find("\n", head)
        if stop < 0:
            continue
        line = norm[head:stop]
        split = _splitter(line)
        if split is None:
            continue
        cells = split(line)
        names = [c.strip(PAD) for _, c in cells]
        cols = {k: n for k, n in enumerate(names) if is_header(n)}
        spaced = not any(d in line for d in _DELIMS)
        if not cols or not _labels_only(names, spaced) or (header_ok is not None and not header_ok(names, head, stop)):
            continue
        row_start = stop + 1
        rule_end = norm.find("\n", row_start)
        if rule_end > row_start and _RULE_ROW.fullmatch(norm, row_start, rule_end):
            row_start = rule_end + 1
        while row_start < len(norm):
            row_end = norm.find("\n", row_start)
            row_end = row_end if row_end >= 0 else len(norm)
            row_cells = split(norm[row_start:row_end])
            if not row_cells:
                break
            for k, (off, cell) in enumerate(row_cells):
                if k in cols:
                    value = cell.strip(PAD)
                    if value:
                        s = row_start + off + len(cell) - len(cell.lstrip(PAD))
                        out.append(Cell(cols[k], s, s + len(value), value))
            row_start = row_end + 1
    return out


def column_spans(
    norm: str,
    words: Iterable[str],
    header: re.Pattern[str],
    accept: Callable[[str], bool],
    label: str,
    score: float,
) -> list[Span]:
    """``label`` spans for whole cells of columns whose header (note removed) fullmatches
    ``header`` and whose value passes ``accept``: the shared step of every structured recognizer."""
    return [
        Span(label, c.start, c.end, score)
        for c in column_cells(norm, words, lambda h: header.fullmatch(header_name(h)) is not None)
        if accept(c.value)
    ]
