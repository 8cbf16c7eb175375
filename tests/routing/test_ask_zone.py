"""The ask zone's bigrams, as the classifier reads them (``_ask_bigrams``: slices of the prompt's
own bigram list, plus the two around the joining line break), are exactly the bigrams of the zone
as it is defined (``_ask_zone``: the first and the last non-empty line, stripped, 80 characters
each) — on every prompt in the repository and on strings made of line breaks of every kind,
whitespace and repeated lines, where a line's first occurrence in the text is not its own."""

from __future__ import annotations

from operator import add
from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from tenbin.routing.classifier import _ask_bigrams, _ask_lines

ROOT = Path(__file__).resolve().parents[2]
PATHS = [*sorted((ROOT / "bench" / "data").glob("*.jsonl")), ROOT / "bench" / "classifier" / "train_ja.jsonl"]


def defined(norm: str) -> set[str]:
    lines = _ask_lines(norm.splitlines())
    zone = "" if lines is None else lines[0] if lines[1] is None else lines[0] + "\n" + lines[1]
    return set(map(add, zone, zone[1:]))


def read(norm: str) -> list[str]:
    return _ask_bigrams(norm, [norm[i:i + 2] for i in range(len(norm) - 1)], norm.splitlines())


def test_every_prompt_in_the_repository() -> None:
    texts = [orjson.loads(line)["text"] for p in PATHS for line in p.read_bytes().splitlines() if line.strip()]
    assert len(texts) > 5000
    for t in texts:
        got = read(t)
        assert len(got) == len(set(got)) and set(got) == defined(t), t[:200]


_piece = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b", "\x85", " ", "\u3000", "\t", "a", "あ", "ab",
                          "報告", "x" * 81, "長" * 90, "同じ行", "。"])


@settings(max_examples=2000, deadline=None)
@given(st.lists(_piece, max_size=30).map("".join))
def test_line_breaks_whitespace_and_repeated_lines(text: str) -> None:
    got = read(text)
    assert len(got) == len(set(got)) and set(got) == defined(text)
