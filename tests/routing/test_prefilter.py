"""The literal gates of routing/prefilter.py answer exactly as the plain regex search does.

Every pattern the classifier gates (its cue families and the code-line pattern) is compared with
``re.compile(pattern).search`` as a truth value on every prompt of the routing and privacy sets
(the shared dev sets when present, the repo's hold-out sets and the classifier's training set),
both as written and in the form ``features`` searches (normalised, lower-cased, digits read as
0), and on strings hypothesis spells from each pattern's own literals, their near misses and
filler. A few hand-written patterns cover the constructs the derivation must not follow.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenbin.privacy.normalize import normalize
from tenbin.routing import classifier
from tenbin.routing.prefilter import Gated, analyse, gate, matcher, split_alternatives
from tests.datasets import shared_set

_p: Any = importlib.import_module("re._parser")

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
IN_REPO = [*sorted((ROOT / "bench" / "data").glob("*.jsonl")), ROOT / "bench" / "classifier" / "train_ja.jsonl"]
SHARED_SETS = [SHARED / "routing_ja_dev.jsonl", SHARED / "pii_ja_dev.jsonl"]

#: (name, pattern, flags) of every search the classifier gates.
GATED: list[tuple[str, str, int]] = [
    *((name, rx, 0) for name, rx in classifier._CUE_FAMILIES),
    ("code", classifier._CODE.pattern, classifier._CODE.flags),
]
IDS = [name for name, _, _ in GATED]


def _texts(path: Path) -> list[str]:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [r["text"] for r in rows if isinstance(r.get("text"), str)]


@cache
def corpus(path: Path) -> tuple[str, ...]:
    """The set's prompts as written and as ``features`` searches them."""
    out: list[str] = []
    for text in _texts(path):
        out.append(text)
        if len(text) > classifier.HEAD + classifier.TAIL:
            text = text[:classifier.HEAD] + "\n" + text[-classifier.TAIL:]
        out.append(classifier._fold_digits(normalize(text).lower()))
    return tuple(out)


def test_the_sets_are_there() -> None:
    assert all(p.is_file() for p in IN_REPO)
    assert sum(len(corpus(p)) for p in IN_REPO) > 10_000


@pytest.mark.parametrize("path", [*IN_REPO, *SHARED_SETS], ids=lambda p: p.name)
def test_gated_searches_agree_on_every_prompt(path: Path) -> None:
    texts = corpus(shared_set(path))
    for name, rx, flags in GATED:
        plain = re.compile(rx, flags).search
        g = Gated(rx, flags).search
        m = matcher(rx, flags)
        for t in texts:
            want = plain(t) is not None
            assert g(t) is want, (name, t[:200])
            assert bool(m(t)) is want, (name, t[:200])


def test_the_prompts_exercise_every_family() -> None:
    """Each family is found in some in-repo prompts and not in others, and for each gated branch
    some prompts hold all its gates' literals without matching it (the second stage is run)."""
    texts = [t for p in IN_REPO for t in corpus(p)]
    for name, rx, flags in GATED:
        plain = re.compile(rx, flags)
        hits = sum(plain.search(t) is not None for t in texts)
        assert 0 < hits < len(texts), name
        for gates, branch in Gated(rx, flags).branches:
            passed = [t for t in texts if all(g.search(t) for g in gates)]
            assert passed, (name, branch.pattern)


@pytest.mark.parametrize("path", [*IN_REPO, *SHARED_SETS], ids=lambda p: p.name)
def test_the_code_gate_never_hides_a_code_line(path: Path) -> None:
    g = gate(classifier._CODE.pattern, classifier._CODE.flags)
    assert g is not None
    for t in corpus(shared_set(path)):
        assert g.search(t) is not None or classifier._CODE.search(t) is None, t[:200]


@pytest.mark.parametrize("path", [*IN_REPO, *SHARED_SETS], ids=lambda p: p.name)
def test_features_are_those_of_the_plain_searches(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _texts(shared_set(path))
    gated = [classifier.features(t) for t in texts]
    monkeypatch.setattr(classifier, "_CUES", tuple((n, re.compile(rx).search) for n, rx in classifier._CUE_FAMILIES))
    monkeypatch.setattr(classifier, "_CODE_GATE", None)
    for t, (grams, struct) in zip(texts, gated, strict=True):
        g2, s2 = classifier.features(t)
        assert struct == s2, t[:200]
        assert sorted(grams) == sorted(g2)


# ---- hypothesis: strings spelled from a pattern's literals -------------------------------------
def _literal_runs(items: Any, out: set[str]) -> None:
    """Every run of literal characters anywhere in a parsed pattern (asserted ones too), and the
    members of its small character classes."""
    run = ""
    for op, av in items:
        if op is _p.LITERAL:
            run += chr(av)
            continue
        if run:
            out.add(run)
            run = ""
        if op is _p.IN:
            out.update(chr(v) for o, v in av if o is _p.LITERAL)
            out.update(chr(v[0]) for o, v in av if o is _p.RANGE)
        elif op is _p.SUBPATTERN:
            _literal_runs(av[3], out)
        elif op is _p.BRANCH:
            for sub in av[1]:
                _literal_runs(sub, out)
        elif op in (_p.MAX_REPEAT, _p.MIN_REPEAT, _p.POSSESSIVE_REPEAT):
            _literal_runs(av[2], out)
        elif op in (_p.ASSERT, _p.ASSERT_NOT):
            _literal_runs(av[1], out)
        elif op is _p.ATOMIC_GROUP:
            _literal_runs(av, out)
    if run:
        out.add(run)


FILLER = (" ", "  ", "a", "x", "_", "0", "7", "。", "、", "\n", "\t", "？", "?", ".", "の", "社", "ー", "(", ")",
          "{", ";", "un", "not ", "yet ", "has ", "it ", "the ", "まだ", "は", "い", "ない", "て")


@cache
def fragments(pattern: str, flags: int = 0) -> tuple[str, ...]:
    """The pattern's literal runs, each also cut short at either end (a near miss), and filler."""
    runs: set[str] = set()
    _literal_runs(_p.parse(pattern, flags).data, runs)
    out = set(runs)
    for r in runs:
        if len(r) > 1:
            out.update((r[:-1], r[1:], r[: len(r) // 2]))
    return tuple(sorted(out)) + FILLER


def spelled(pattern: str, flags: int = 0) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(fragments(pattern, flags))
    return st.lists(pieces, max_size=14).map("".join)


@cache
def _built(pattern: str, flags: int) -> tuple[Gated, Callable[[str], object], re.Pattern[str] | None]:
    return Gated(pattern, flags), matcher(pattern, flags), gate(pattern, flags)


def _check(pattern: str, flags: int, text: str) -> None:
    want = re.compile(pattern, flags).search(text) is not None
    gated, m, g = _built(pattern, flags)
    assert gated.search(text) is want, (pattern, text)
    assert bool(m(text)) is want, (pattern, text)
    assert g is None or g.search(text) is not None or not want, (pattern, text)


SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(("name", "pattern", "flags"), GATED, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_gated_agrees_on_spelled_strings(name: str, pattern: str, flags: int, data: st.DataObject) -> None:
    text = data.draw(spelled(pattern, flags))
    _check(pattern, flags, text)


@pytest.mark.parametrize(("name", "pattern", "flags"), GATED, ids=IDS)
@SETTINGS
@given(data=st.data())
def test_gated_agrees_around_each_branchs_matches(name: str, pattern: str, flags: int, data: st.DataObject) -> None:
    """A real match of one branch (hypothesis's ``from_regex``) inside spelled text: the gate must
    let it through, and a match cut by its neighbours (``\\b``, a lookbehind) must not be
    reported."""
    pieces = split_alternatives(pattern)
    piece = data.draw(st.sampled_from(pieces))
    try:
        inner = st.from_regex(re.compile(piece, flags), fullmatch=True)
    except Exception:  # a construct from_regex cannot build: spelled text only
        inner = st.just("")
    left, right = data.draw(spelled(pattern, flags)), data.draw(spelled(pattern, flags))
    text = left + data.draw(inner) + right
    _check(pattern, flags, text)


# Constructs the derivation must see through or refuse: lookarounds, \b, optional and empty
# branches, case-insensitive groups, inline global flags, back-references, negated classes,
# possessive and atomic groups, '|' inside a class and escaped.
TRICKY = [
    r"\bour\b|当社|\bwe\b",
    r"(?:a|bc)d?e|\bxy",
    r"x?|\bq",
    r"(a)\1|\bb",
    r"(?i)abc|\bdef",
    r"(?i:abc)\bd|z",
    r"[^a]b|\bc",
    r"a{2,3}b|\bc",
    r"(?<=x)y|(?<!u)n\b",
    r"(?>ab)c|\bq",
    r"a*+b|\bq",
    r"[]a|]|\bx",
    r"\|\by|[|]z",
    r"(?:un)?known\b|\b(?:what|why)\b",
    r"(?:x|)(?:y|z)\b|\bw",
    r"[0-9]+号(?:機|車)?|[0-9]+番(?:線|機)|第[0-9]+(?:工場)",
    r"(?:公表|発表)(?:した(?!い)|済)|(?<!un)(?:published)",
    r"^\s*(?:def |from \S+ import)|[;{}]\s*$|=>",
]


@pytest.mark.parametrize("pattern", TRICKY)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_gated_agrees_on_tricky_patterns(pattern: str, data: st.DataObject) -> None:
    for flags in (0, re.MULTILINE):
        _check(pattern, flags, data.draw(spelled(pattern, flags)))


def test_constructs_without_a_literal_give_no_gate() -> None:
    assert analyse(r"(?i)abc") == (None, [])
    assert analyse(r"abc", re.IGNORECASE) == (None, [])
    assert analyse(r"[^a]b")[1] == [frozenset("b")]
    assert analyse(r"(?i:ab)c")[1] == [frozenset("c")]
    assert analyse(r"x*y")[1] == [frozenset("y")]
    assert Gated(r"x?|\bq").always  # matches the empty string: everywhere
    assert gate(r"\bq|\w+") is None  # a branch with no literal: nothing can be ruled out
    assert gate(r"\bour\b|当社") is not None


def test_branches_split_at_the_top_level_only() -> None:
    assert split_alternatives(r"a|(b|c)|[|d]|\|e") == ["a", "(b|c)", "[|d]", r"\|e"]
    assert split_alternatives(r"[]|]x|y") == ["[]|]x", "y"]
    assert split_alternatives(r"[^]|]x|y") == ["[^]|]x", "y"]


def test_the_gated_families_are_gated() -> None:
    """The families the engine cannot skip through (a branch led by ``\\b``, a lookbehind or a
    group) are searched through their gates, the others by the plain search."""
    plain = {name for name, rx, flags in GATED if not isinstance(getattr(matcher(rx, flags), "__self__", None), Gated)}
    assert {"ours", "general", "question", "deal_planned", "published", "numbered", "code"}.isdisjoint(plain)
    assert {"trade_secret", "staff"} <= plain
