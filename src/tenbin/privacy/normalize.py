"""Length-preserving normalisation of Japanese text for pattern matching.

Full NFKC can change the length of a string (``㈱`` → ``(株)``), which would force every span to
be mapped back through an offset table on the hot path. Instead we only apply the 1:1 subset of
NFKC that matters for PII (full-width ASCII, the ideographic space, half-width katakana) plus the
dash variants people type in phone numbers. Because every code point maps to exactly one code
point, offset *i* in the normalised text is offset *i* in the original: the offset map is the
identity and spans always index the user's own text. ``str.translate`` runs in C, so this costs a
few microseconds per prompt.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d\u2043\u30fc\uff70"


def _build_table() -> dict[int, int]:
    table: dict[int, int] = {}
    # Full-width ASCII block and half-width katakana: NFKC of each is one code point.
    for cp in list(range(0xFF01, 0xFF5F)) + list(range(0xFF61, 0xFFA0)):
        out = unicodedata.normalize("NFKC", chr(cp))
        if len(out) == 1:
            table[cp] = ord(out)
    table[0x3000] = 0x20  # ideographic space
    for ch in _DASHES:
        if ch not in ("\u30fc", "\uff70"):  # the long-vowel mark is handled in context below
            table[ord(ch)] = ord("-")
    table[0xFF70] = 0x30FC  # half-width long vowel → full-width long vowel
    table[0x2024] = ord(".")  # one dot leader
    table[0xFF0E] = ord(".")
    return table


_TABLE: Final = _build_table()
# ー between digits is a dash typed with the IME (０９０ー１２３４ー５６７８), not a long vowel.
# Written literal-first: the engine then jumps between ー at memchr speed instead of trying the
# lookbehind at every position (7 ns/byte → 0.3 ns/byte on katakana-heavy text).
_LONG_VOWEL_AS_DASH: Final = re.compile(r"ー(?<=[0-9]ー)(?=[0-9])")


# Every mapped character outside U+2000–U+3000 is a U+FExx/U+FFxx form, whose UTF-8 encoding
# starts with the byte EF (which no kana/kanji uses): a literal-led bytes pattern finds them at
# memchr speed, while a character class over the decoded str ran at ~25 ns/char.
_WIDE_UTF8: Final = re.compile(rb"\xef[\xb9\xbc-\xbe][\x80-\xbf]")
_NARROW: Final = tuple(ch for ch in map(chr, sorted(_TABLE)) if ord(ch) < 0xFE00)

_CHARS: Final = {chr(k): chr(v) for k, v in _TABLE.items()}


def normalize(text: str) -> str:
    """Return ``text`` with full-width forms and dash variants folded; ``len`` is unchanged.

    Why not ``str.translate`` or ``_MAPPED.sub(callback)``: both do Python-level work per
    character, and Japanese prose has a full-width bracket or colon every few characters. Instead
    we only collect *which* mapped characters occur (usually a dozen distinct ones: a bytes scan
    for the U+FFxx forms, ``in`` for the few others) and ``str.replace`` swaps each in C.
    """
    if text.isascii():
        return text
    wide = set(_WIDE_UTF8.findall(text.encode("utf-8", "surrogatepass")))
    present = [ch for ch in (b.decode("utf-8") for b in wide) if ch in _CHARS]
    present += [ch for ch in _NARROW if ch in text]
    out = text
    for ch in present:
        out = out.replace(ch, _CHARS[ch])
    if "ー" in out:
        out = _LONG_VOWEL_AS_DASH.sub("-", out)
    return out


# ---- evasion cleanup (runs before ``normalize``; changes length, so it keeps an offset map) ------

# Characters that render as nothing (or steer direction) and are inserted to split a value so no
# pattern sees it whole: soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner,
# LRM/RLM, bidi embeddings and isolates, word joiner, invisible operators, BOM. A CR before an LF
# goes too (CRLF → LF), so an address written over Windows lines parses like one over LF lines.
_INVISIBLE_CHARS: Final = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE: Final = re.compile(f"[{_INVISIBLE_CHARS}]|\r(?=\n)")
# Spaces NFKC maps to U+0020 (NBSP, en/em/thin/narrow spaces …) and a lone CR: mapped 1:1.
_SPACE_CHARS: Final = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_SPACE_TABLE: Final = {**{ord(c): 0x20 for c in _SPACE_CHARS}, 0x0D: 0x0A}
_HAS_SPACE: Final = re.compile(f"[{_SPACE_CHARS}\r]")


def _digit_class(lo: int, hi: int) -> str:
    # Every Unicode decimal digit in [lo, hi) but ASCII and full-width (``normalize`` maps those),
    # as ranges for one character class.
    cps = [cp for cp in range(lo, hi) if unicodedata.decimal(chr(cp), None) is not None
           and not 0xFF10 <= cp <= 0xFF19]
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in ranges)


# Any Unicode decimal digit that is not ASCII (Arabic-Indic ٠١٢, Devanagari ०१२, Thai ๑๒ …).
# The BMP ones share one class with the characters above: sre checks a BMP-only class with a
# bitmap (~2.6 ns/byte), while one astral range in it makes every character walk a range list
# (~30 ns/byte). Astral digits (mathematical bold 𝟎, Osmanya …) are looked for only when the
# UTF-8 text holds a 4-byte sequence (lead byte F0) at all, found at memchr speed.
_BMP_DIGITS: Final = _digit_class(0x80, 0x10000)
_ASTRAL_DIGITS: Final = _digit_class(0x10000, 0x110000)
_OTHER_DIGIT: Final = re.compile(f"[{_BMP_DIGITS}{_ASTRAL_DIGITS}]")
_ANY: Final = re.compile(f"[{_INVISIBLE_CHARS}{_SPACE_CHARS}{_BMP_DIGITS}]")


# A line break inside a digit run (``090-1234-\n5678``, ``1234\n5678\n9018``).
# Literal-first (the engine jumps from newline to newline); the character before is checked in
# Python, since a lookbehind cannot skip a variable run of spaces.
_DIGIT_OR_DASH: Final = frozenset("0123456789-")
_RUN_CHARS: Final = frozenset("0123456789- \t\n")
_DIGIT_BREAK: Final = re.compile(r"\n[ \t]*(?=[0-9\-])")


def clean(text: str) -> tuple[str, list[int] | None]:
    """Remove invisible characters, map exotic spaces and non-ASCII digits to ASCII.

    Returns the cleaned text and its offset map: ``omap[i]`` is the index in ``text`` of cleaned
    character ``i`` (``omap[len(cleaned)] == len(text)``), or None when nothing was removed and
    offsets are the identity. A span ``(s, e)`` found in the cleaned text is
    ``(omap[s], omap[e - 1] + 1)`` in the original, so masking replaces the original characters,
    invisible ones inside the value included.
    """
    is_ascii = text.isascii()
    if is_ascii and "\r" not in text:
        return text, None
    if not is_ascii and "\r" not in text and not _ANY.search(text) and not (
            b"\xf0" in text.encode("utf-8", "surrogatepass") and _OTHER_DIGIT.search(text)):
        return text, None
    omap: list[int] | None = None
    out = text
    removed = [m.start() for m in _INVISIBLE.finditer(text)]
    if removed:
        omap = []
        pieces: list[str] = []
        pos = 0
        for r in removed:
            pieces.append(text[pos:r])
            omap.extend(range(pos, r))
            pos = r + 1
        pieces.append(text[pos:])
        omap.extend(range(pos, len(text) + 1))
        out = "".join(pieces)
    if "\r" in out or (not is_ascii and _HAS_SPACE.search(out)):
        out = out.translate(_SPACE_TABLE)
    if not is_ascii and _OTHER_DIGIT.search(out):
        for ch in set(_OTHER_DIGIT.findall(out)):
            out = out.replace(ch, str(unicodedata.decimal(ch)))
    return out, omap


def digit_breaks(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line break inside a digit run, with the spaces or tabs around it.

    Only runs that hold at least 7 digits once joined count (the shortest identifier, a postal
    code, has 7): a list item ``1.`` after a line ending in a year is not a broken number.
    """
    cuts: list[tuple[int, int]] = []
    if "\n" not in text:
        return cuts
    n = len(text)
    for m in _DIGIT_BREAK.finditer(text):
        a, b = m.start(), m.end()
        while a > 0 and text[a - 1] in " \t":
            a -= 1
        if a == 0 or text[a - 1] not in _DIGIT_OR_DASH or (cuts and cuts[-1][1] > a):
            continue
        # Count the digits of the whole chain (``0\n9\n0\n…`` one digit per line included).
        digits, i = 0, a - 1
        while i >= 0 and text[i] in _RUN_CHARS and digits < 7:  # bounded: O(1) per break
            digits += text[i].isdigit()
            i -= 1
        j = b
        while j < n and text[j] in _RUN_CHARS and digits < 7:
            digits += text[j].isdigit()
            j += 1
        if digits >= 7:
            cuts.append((a, b))
    return cuts


def join_breaks(text: str, cuts: list[tuple[int, int]]) -> tuple[str, list[int], list[int]]:
    """``text`` without the ``cuts``, its offset map (joined index → ``text`` index, with an end
    sentinel) and the join points (joined index of the first character after each cut)."""
    pieces: list[str] = []
    jmap: list[int] = []
    joins: list[int] = []
    pos = 0
    for a, b in cuts:
        pieces.append(text[pos:a])
        jmap.extend(range(pos, a))
        joins.append(len(jmap))
        pos = b
    pieces.append(text[pos:])
    jmap.extend(range(pos, len(text) + 1))
    return "".join(pieces), jmap, joins


def fold(text: str) -> str:
    """The identity form of a value: cleaned and normalised (for "same value, same placeholder")."""
    return normalize(clean(text)[0])
