"""Literal gates for the classifier's regexes: the strings one of which every match contains.

Python's regex engine skips through a text only for a pattern that starts with a literal or a
character set. A cue family with one branch led by ``\\b``, a lookbehind or a group (``\\bour\\b``,
``(?:買収|合併)…(?:予定|検討)``) is tried in full at every position instead: ~1 M instructions
per 200-character prompt over the classifier's fourteen families, more than the rest of its
feature extraction. Yet every such branch contains some literal that any match of it must
include (``our``, ``買収``, ``号``), and a pattern made of literals alone *is* skipped through: a
search for those literals says which branches can match at all, and a branch that is nothing
but its literals (``当社|弊社``) is answered by that search itself.

The literals are derived from each branch's own parse (``re._parser``), never written twice; a
construct the derivation does not follow (a case-insensitive group, a negated class, a repeat
that may be empty) only gives no literal, so its branch is searched every time. ``Gated.search``
therefore answers exactly as ``re.compile(pattern).search`` does, as a truth value
(tests/routing/test_prefilter.py compares them on the dev, hold-out and training prompts and on
random strings spelled from each pattern's literals).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, Final

_p: Any = importlib.import_module("re._parser")  # no stub ships for it; the names below exist since 3.11

#: Above this many strings a finite language is no longer tracked exactly (the gate stays sound).
_CAP: Final = 64
#: A branch led by a class or group that is at most this many strings is searched as those strings.
_FEW: Final = 8
#: A branch searched alone is searched only when a string of each of up to this many sets occurs.
_GATES: Final = 3
_Lits = frozenset[str]


def split_alternatives(pattern: str) -> list[str]:
    """The top-level ``|`` branches of ``pattern`` (outside groups and character classes)."""
    out, depth, start, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: ']' right after '[' or '[^' is a member, not its end
            i += 1
            if i < n and pattern[i] == "^":
                i += 1
            if i < n and pattern[i] == "]":
                i += 1
            while i < n and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


def _pieces(pattern: str, flags: int) -> list[str]:
    """The branches searched one by one: the top-level ones, unless the pattern sets flags inline
    for all of them (which only its first piece would carry) or a piece does not compile alone."""
    if _p.parse(pattern, flags).state.flags != _p.parse("", flags).state.flags:
        return [pattern]
    pieces = split_alternatives(pattern)
    try:
        for piece in pieces:
            re.compile(piece, flags)
    except re.error:  # a back-reference to another branch's group, say
        return [pattern]
    return pieces


def _charset(items: list[tuple[Any, Any]]) -> _Lits | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _p.LITERAL:
            chars.add(chr(av))
        elif op is _p.RANGE and av[1] - av[0] < _CAP:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:  # NEGATE, CATEGORY (\d, \s), a wide range
            return None
    return frozenset(chars) if len(chars) <= _CAP else None


def _node(op: Any, av: Any) -> tuple[_Lits | None, _Lits | None]:
    """(the node's language when it is a small finite set of strings and nothing else — no
    assertion, no case folding —, a set of strings one of which every match of it contains)."""
    if op is _p.LITERAL:
        one = frozenset((chr(av),))
        return one, one
    if op is _p.IN:
        chars = _charset(av)
        return chars, chars
    if op is _p.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            return None, None
        return _seq(sub)
    if op is _p.BRANCH:
        parts = [_seq(sub) for sub in av[1]]
        langs = [lang for lang, _ in parts]
        needs = [need for _, need in parts]
        lang = None if any(x is None for x in langs) else frozenset().union(*langs)  # type: ignore[arg-type]
        need = None if any(x is None for x in needs) else frozenset().union(*needs)  # type: ignore[arg-type]
        return (lang if lang is not None and len(lang) <= _CAP else None), need
    if op in (_p.MAX_REPEAT, _p.MIN_REPEAT, _p.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        lang, need = _seq(sub)
        if op is _p.POSSESSIVE_REPEAT or lang is None or hi == _p.MAXREPEAT or hi > 1:
            lang = None
        elif lo == 0:
            lang = lang | {""}
        return lang, (need if lo >= 1 else None)
    if op is _p.ATOMIC_GROUP:
        return None, _seq(av)[1]
    return None, None  # AT, ASSERT, ASSERT_NOT, ANY, NOT_LITERAL, GROUPREF, ...: no literal known


def _seq(items: Any) -> tuple[_Lits | None, _Lits | None]:
    lang, needs = _musts(items)
    return lang, (needs[0] if needs else None)


def _musts(items: Any) -> tuple[_Lits | None, list[_Lits]]:
    """A concatenation: its language is the product of its items' (when all are finite); it
    must contain one string of each of its items' musts and of the products of runs of finite
    items — those sets, the likely most selective (longest shortest string, fewest) first."""
    candidates: list[_Lits] = []
    run: _Lits | None = frozenset(("",))
    exact = True
    for op, av in items:
        lang, need = _node(op, av)
        if need is not None:
            candidates.append(need)
        if lang is None:
            exact = False
            if run is not None:
                candidates.append(run)
            run = None
            continue
        base = run if run is not None else frozenset(("",))
        product = frozenset(a + b for a in base for b in lang)
        if len(product) > _CAP:
            exact = False
            if run is not None:
                candidates.append(run)
            product = lang
        run = product
    if run is not None:
        candidates.append(run)
    usable = sorted({c for c in candidates if "" not in c}, key=lambda c: (-min(map(len, c)), len(c), sorted(c)))
    return (run if exact else None), usable


def analyse(pattern: str, flags: int = 0) -> tuple[_Lits | None, list[_Lits]]:
    """(``pattern``'s language if it is a small finite set of strings, else None; sets of
    strings such that every match contains one string of each, the likely most selective first)."""
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None, []
    parsed = _p.parse(pattern, flags)
    if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):  # set inline, for the whole pattern
        return None, []
    return _musts(parsed.data)


def _independent(needs: list[_Lits]) -> list[_Lits]:
    """``needs`` without the sets an earlier one implies (``o`` after ``our``: any text holding
    a string of the earlier set holds one of the later set too, so checking it adds nothing)."""
    kept: list[_Lits] = []
    for n in needs:
        if not any(all(any(t in s for t in n) for s in k) for k in kept):
            kept.append(n)
    return kept


def _literals(strings: _Lits, flags: int) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(s) for s in sorted(strings, key=lambda s: (-len(s), s))), flags)


class Gated:
    """``search(text)`` is ``re.compile(pattern, flags).search(text) is not None``, cheaper.

    Branches led by a literal are kept together as written: the engine rejects them at a
    position by their first character, as cheaply as a gate would. A branch led by anything
    else that is a handful of strings joins them as those strings; the rest are each searched
    alone, and only where a string of each of their gates occurs. One first search, for the
    led branches or any branch's first gate, answers most texts (no cue of the family) alone:
    every regex search costs ~1,000 instructions before it reads a character."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)
        led: list[str] = []  # sources of the branches searched together
        self.always = False
        self.branches: list[tuple[tuple[re.Pattern[str], ...], re.Pattern[str]]] = []
        first: set[str] = set()  # the first gate of every branch searched alone
        ungated = False
        for piece in _pieces(pattern, flags):
            lang, needs = analyse(piece, flags)
            data = _p.parse(piece, flags).data
            if lang is not None and "" in lang:  # matches the empty string, so anywhere
                self.always = True
            elif data and data[0][0] is _p.LITERAL:
                led.append(piece)
            elif lang is not None and len(lang) <= _FEW:
                led.extend(re.escape(s) for s in sorted(lang, key=lambda s: (-len(s), s)))
            else:
                kept = _independent(needs)[:_GATES]
                self.branches.append((tuple(_literals(n, flags) for n in kept), re.compile(piece, flags)))
                if kept:
                    first |= kept[0]
                else:
                    ungated = True
        self.led = re.compile("|".join(led), flags) if led else None
        # Nothing of this found: no branch can match. None when a branch has no gate at all.
        # Every branch leads with a literal, so the engine skips through the text for it too. A
        # match that is no gate's string is a led branch's: the family matches.
        self.any: re.Pattern[str] | None = None
        self.first = frozenset(first)
        if not ungated and (led or first):
            gates = [re.escape(s) for s in sorted(first, key=lambda s: (-len(s), s))]
            self.any = re.compile("|".join([*led, *gates]), flags)

    def search(self, text: str) -> bool:
        if self.always:
            return True
        if self.any is not None:
            m = self.any.search(text)
            if m is None:
                return False
            if not self.branches or m.group() not in self.first:
                return True
        if self.led is not None and self.led.search(text) is not None:
            return True
        for gates, rx in self.branches:
            if all(g.search(text) is not None for g in gates) and rx.search(text) is not None:
                return True
        return False


def matcher(pattern: str, flags: int = 0) -> Callable[[str], object]:
    """A search truthy exactly where ``re.compile(pattern, flags).search`` finds a match: that
    search itself when every branch leads with a literal (nothing to gain), else ``Gated``'s."""
    g = Gated(pattern, flags)
    return g.pattern.search if not g.branches and not g.always else g.search


def gate(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """A pattern of literals found in every text ``pattern`` matches anywhere in (so where it
    finds nothing, ``pattern`` finds nothing either); None when some branch gives no literal."""
    need: set[str] = set()
    for piece in _pieces(pattern, flags):
        lang, musts = analyse(piece, flags)
        lits = lang if lang is not None else (musts[0] if musts else None)
        if lits is None or "" in lits:
            return None
        need |= lits
    return _literals(frozenset(need), flags)


def branch_needs(pattern: str, flags: int = 0) -> list[list[frozenset[str]]]:
    """For each top-level branch of ``pattern``, sets of strings such that every match of that
    branch holds a string of each (at most ``_GATES``, the likely most selective first; for a
    branch that is a small finite set of strings, that set). A branch given no set may match
    anywhere. ``pattern`` can match a text only where, for some branch, every set has a string
    in it: the C scan (routing/_gates.c, ``Gates``) answers that for many patterns at once."""
    out: list[list[frozenset[str]]] = []
    for piece in _pieces(pattern, flags):
        lang, needs = analyse(piece, flags)
        if lang is not None:
            out.append([] if "" in lang else [lang])
        else:
            out.append(_independent(needs)[:_GATES])
    return out
