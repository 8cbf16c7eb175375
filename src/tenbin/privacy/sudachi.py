"""Shared SudachiPy access: one dictionary per process, one tokenizer per thread.

The dictionary (sudachidict_core, shipped in its wheel, no downloads) is loaded once and is
read-only; SudachiPy tokenizers hold mutable state, so each thread gets its own via
``threading.local``. If SudachiPy is missing the full tier degrades to rules only and says so once.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, NamedTuple

log = logging.getLogger("tenbin.privacy")


class Token(NamedTuple):
    """A morpheme reduced to what the recognizers use (plain tuple: cheap and picklable)."""

    surface: str
    begin: int
    end: int
    pos: tuple[str, ...]


_lock = threading.Lock()
_dictionary: Any = None
_unavailable = False
_local = threading.local()


def _load_dictionary() -> Any:
    global _dictionary, _unavailable
    if _dictionary is not None or _unavailable:
        return _dictionary
    with _lock:
        if _dictionary is not None or _unavailable:
            return _dictionary
        try:
            from sudachipy import Dictionary

            _dictionary = Dictionary(dict="core")
        except Exception as exc:  # ImportError, or a dictionary package missing/broken
            _unavailable = True
            log.warning(
                "privacy: SudachiPy/sudachidict_core not available (%s); PERSON detection falls back "
                "to rules only. Install the 'ja' extra: pip install 'tenbin[ja]'",
                exc.__class__.__name__,
            )
    return _dictionary


def available() -> bool:
    """True when the morphological analyser can be used (loads it on first call)."""
    return _load_dictionary() is not None


def tokenize(text: str) -> list[Token] | None:
    """Tokenize in split mode C (longest units keep full names like 織田信長 whole); None if unavailable."""
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        dictionary = _load_dictionary()
        if dictionary is None:
            return None
        from sudachipy import SplitMode

        tok = dictionary.tokenizer(SplitMode.C)
        _local.tokenizer = tok
    if len(text) <= PIECE_CHARS:
        return [Token(m.surface(), m.begin(), m.end(), tuple(m.part_of_speech())) for m in tok.tokenize(text)]
    out: list[Token] = []
    for start, piece in pieces(text):
        out.extend(Token(m.surface(), m.begin() + start, m.end() + start, tuple(m.part_of_speech()))
                   for m in tok.tokenize(piece))
    return out


# SudachiPy refuses input over 49,149 UTF-8 bytes ("Input is too long"), so one pasted contract
# was a 500. Longer text is analysed in pieces of at most PIECE_CHARS characters (≤ 4 bytes each,
# so always under the limit), cut at a line end, a sentence end or a space in the piece's last
# BOUNDARY_CHARS where there is one: morphemes and the recognizers' cues do not cross those.
PIECE_CHARS = 12_000
BOUNDARY_CHARS = 2_000
_CUTS = ("\n", "。", "．", ". ", "！", "？", "、", " ", "　")


def pieces(text: str) -> list[tuple[int, str]]:
    """``(offset, piece)`` pairs that cover ``text`` exactly, in order."""
    out: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > PIECE_CHARS:
        end = start + PIECE_CHARS
        window = text[end - BOUNDARY_CHARS : end]
        for cut in _CUTS:
            i = window.rfind(cut)
            if i >= 0:
                end = end - BOUNDARY_CHARS + i + len(cut)
                break
        out.append((start, text[start:end]))
        start = end
    out.append((start, text[start:]))
    return out


_lookup_cache: dict[str, frozenset[str]] = {}


def name_kinds(word: str) -> frozenset[str]:
    """The 人名 sub-kinds (姓/名/一般) the dictionary lists for ``word``; cached, thread-safe enough
    (a race only recomputes the same value)."""
    hit = _lookup_cache.get(word)
    if hit is not None:
        return hit
    dictionary = _load_dictionary()
    kinds: frozenset[str] = frozenset()
    if dictionary is not None:
        kinds = frozenset(
            m.part_of_speech()[3] for m in dictionary.lookup(word) if m.part_of_speech()[2] == "人名"
        )
    if len(_lookup_cache) < 50_000:
        _lookup_cache[word] = kinds
    return kinds


_brand_cache: dict[str, bool] = {}


def is_brand(word: str) -> bool:
    """True when the dictionary lists ``word`` as a general proper noun (ソニー, トヨタ, ユニクロ):
    a katakana word + 様 is then a customer company, not a person. Cached like :func:`name_kinds`."""
    hit = _brand_cache.get(word)
    if hit is not None:
        return hit
    dictionary = _load_dictionary()
    brand = False
    if dictionary is not None:
        brand = any(m.part_of_speech()[1:3] == ("固有名詞", "一般") for m in dictionary.lookup(word))
    if len(_brand_cache) < 50_000:
        _brand_cache[word] = brand
    return brand


_common_cache: dict[str, bool] = {}


def is_common_word(word: str) -> bool:
    """True when the dictionary lists ``word`` as a common noun and never as a name: 単価, 金額.

    Why: OCR of a PDF puts spaces inside words (「単 価」「金 額」), and a one-kanji surname (単, 金)
    followed by a one-kanji noun then looks like 姓 + space + 名. Cached like :func:`name_kinds`."""
    hit = _common_cache.get(word)
    if hit is not None:
        return hit
    dictionary = _load_dictionary()
    common = False
    if dictionary is not None:
        pos = [m.part_of_speech() for m in dictionary.lookup(word)]
        common = any(p[1] == "普通名詞" for p in pos) and not any(p[2] == "人名" for p in pos)
    if len(_common_cache) < 50_000:
        _common_cache[word] = common
    return common
