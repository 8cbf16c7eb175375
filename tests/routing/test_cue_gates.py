"""The C ``Gates`` scan (routing/_gates.c) skips only cue families that cannot match, so the
classifier's structural and cue features are the same with it as without it: against a Python
reading of what it must answer, against the families' own regexes, and through ``_struct`` on
every repository prompt and on generated text (astral characters, lone surrogates, NUL, the
literals themselves cut and overlapped).

In CI the extension must be built (``CI=true``), as in test_native_grams.py."""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenbin.privacy.normalize import normalize
from tenbin.routing import classifier
from tenbin.routing.prefilter import branch_needs

ROOT = Path(__file__).resolve().parents[2]

if os.environ.get("CI") == "true":
    from tenbin.routing import _gates as gates  # CI: a missing build is a failure, not a skip
else:
    gates = pytest.importorskip("tenbin.routing._gates")

Families = Sequence[Sequence[Sequence[Collection[str]]]]
NEEDS = [branch_needs(rx) for _, rx in classifier._CUE_FAMILIES]
GATES = gates.Gates(NEEDS)
RXS = [re.compile(rx) for _, rx in classifier._CUE_FAMILIES]
LITERALS = sorted({s for fam in NEEDS for br in fam for g in br for s in g})


def reference(families: Families, text: str) -> int:
    """What ``may`` must answer, read off its definition: a family's bit where one of its
    branches needs nothing or has a string of every group it needs in ``text``."""
    out = 0
    for f, branches in enumerate(families):
        if any(all(any(s in text for s in group) for group in br) for br in branches):
            out |= 1 << f
    return out


def structs(text: str) -> tuple[list[str], list[str]]:
    """``_struct`` of ``text`` with the gates and without them (every family searched)."""
    t, norm = classifier._cut(text, normalize(text))
    lines = norm.splitlines()
    with_gates = classifier._struct(t, norm, lines)
    saved = classifier._MAY
    try:
        classifier._MAY = None
        return with_gates, classifier._struct(t, norm, lines)
    finally:
        classifier._MAY = saved


def test_the_classifier_uses_the_gates() -> None:
    assert classifier._MAY is not None


def repository_prompts() -> list[str]:
    paths = [*sorted((ROOT / "bench" / "data").glob("routing_holdout_*.jsonl")),
             ROOT / "bench" / "classifier" / "train_ja.jsonl"]
    return [orjson.loads(line)["text"] for p in paths for line in p.read_bytes().splitlines() if line.strip()]


def test_repository_prompts_get_the_same_features() -> None:
    texts = repository_prompts()
    assert len(texts) > 5000
    skipped = 0
    for t in texts:
        norm = classifier._cut(t, None)[1]
        may = GATES.may(norm)
        assert may == reference(NEEDS, norm), t[:80]
        for f, rx in enumerate(RXS):
            if rx.search(norm) is not None:
                assert may >> f & 1, (classifier._CUE_FAMILIES[f][0], t[:80])  # never skips a match
            elif not may >> f & 1:
                skipped += 1
        with_gates, without = structs(t)
        assert with_gates == without, t[:80]
    assert skipped > len(texts) * 8  # and it does skip: most families are absent from most prompts


pieces = st.one_of(
    st.sampled_from(LITERALS),
    st.sampled_from(LITERALS).map(lambda s: s[: len(s) // 2]),  # a literal cut short
    st.sampled_from(LITERALS).map(lambda s: s[1:]),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=6),  # surrogates, NUL, astral
    st.sampled_from(["。", "\n", " ", "予定", "買収を", "まだ", "出願", "0号機", "?", "what is"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=30).map("".join))
def test_generated_text_gets_what_the_definition_says(text: str) -> None:
    assert GATES.may(text) == reference(NEEDS, text)
    for f, rx in enumerate(RXS):
        if rx.search(text) is not None:
            assert GATES.may(text) >> f & 1


@settings(max_examples=200, deadline=None)
@given(st.lists(pieces, max_size=30).map("".join))
def test_generated_prompts_get_the_same_features(text: str) -> None:
    with_gates, without = structs(text)
    assert with_gates == without


def test_a_small_gates_answers_by_branch() -> None:
    g = gates.Gates([
        [[["ab", "xyz"], ["😀"]]],      # family 0: one branch needing (ab or xyz) and 😀
        [[["b"]], [["q"], ["r"]]],     # family 1: b, or q and r
        [[]],                          # family 2: a branch that needs nothing
        [[["\x00"]], [["ab"]]],        # family 3: shares "ab" with family 0
    ])
    assert g.may("") == 0b0100
    assert g.may("ab") == 0b1110
    assert g.may("xy😀") == 0b0100     # xyz cut short
    assert g.may("q r xyz😀") == 0b0111
    assert g.may("\x00") == 0b1100
    assert g.may("\ud800q\udfffr") == 0b0110  # lone surrogates are characters like any other


@pytest.mark.parametrize(("families", "error"), [
    ([[[[]]]], ValueError),                 # a group of no strings
    ([[[[""]]]], TypeError),                # an empty string
    ([[[[b"ab"]]]], TypeError),
    ([[[["a"]]]] * 65, ValueError),         # more families than bits
    ([[[["a"]] * 257]], ValueError),        # more groups than the scan tracks
    ("abc", TypeError),                     # a str is not a sequence of families
    ([["ab"]], TypeError),                  # nor of groups
])
def test_gates_refuse_what_they_cannot_hold(families: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        gates.Gates(families)  # type: ignore[arg-type]


def test_gates_are_built_once_and_read_only_str() -> None:
    g = gates.Gates([[[["a"]]]])
    with pytest.raises(RuntimeError):
        g.__init__([[[["b"]]]])  # type: ignore[misc]
    with pytest.raises(TypeError):
        g.may(b"a")  # type: ignore[arg-type]
    assert g.may("a") == 1
