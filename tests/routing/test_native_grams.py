"""The C n-gram tables (routing/_grams.c) give the logits the Python path gives, bit for bit:
``classifier.read`` with ``LinearModel.native`` against ``text_logits`` over ``parts``, on every
repository prompt and on generated text (astral characters, NUL, lone surrogates, line breaks of
every kind, long prompts cut to their head and tail); and the tables refuse what they cannot hold.

In CI the extension must be built (``CI=true``): a build that silently fell back to Python would
pass every other test and serve at the old cost."""

from __future__ import annotations

import os
from array import array
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenbin.routing.classifier import HEAD, TAIL, _ask_lines, parts, read
from tenbin.routing.linear import LinearModel

ROOT = Path(__file__).resolve().parents[2]

if os.environ.get("CI") == "true":
    from tenbin.routing import _grams as grams  # CI: a missing build is a failure, not a skip
else:
    grams = pytest.importorskip("tenbin.routing._grams")


def python_path(m: LinearModel, text: str) -> list[float]:
    return m.text_logits(*parts(text))


def test_the_shipped_model_has_its_c_tables() -> None:
    m = LinearModel.shipped()
    assert m.native is not None
    g, zone = m.native
    assert g.rows() == sum(1 for k in m.weights if len(k) in (2, 3))
    assert zone.rows() == len(m.ask) - 1  # the ask table also holds its one non-string key


def test_repository_prompts_give_the_same_logits() -> None:
    m = LinearModel.shipped()
    paths = [*sorted((ROOT / "bench" / "data").glob("routing_holdout_*.jsonl")),
             ROOT / "bench" / "classifier" / "train_ja.jsonl"]
    texts = [orjson.loads(line)["text"] for p in paths for line in p.read_bytes().splitlines() if line.strip()]
    assert len(texts) > 5000
    for t in texts:
        assert read(m, t)[0] == python_path(m, t), t[:80]


line_breaks = st.sampled_from(["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\u2028", "\x85"])
pieces = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=()), max_size=12),  # lone surrogates, NUL, astral
    st.sampled_from(["社外秘", "稟議書", "要約して", "売上", "です。", "ABC", "abc def", "０１２", "  ", "\t"]),
    line_breaks,
)


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=40).map("".join))
def test_generated_text_gives_the_same_logits(text: str) -> None:
    m = LinearModel.shipped()
    assert read(m, text)[0] == python_path(m, text)


@settings(max_examples=20, deadline=None)
@given(st.integers(min_value=HEAD + TAIL - 3, max_value=HEAD + TAIL + 3000), st.integers(0, 2**16))
def test_long_prompts_cut_to_head_and_tail_give_the_same_logits(n: int, seed: int) -> None:
    """More n-grams than the C set's stack buffer holds: its heap path."""
    m = LinearModel.shipped()
    kanji = "".join(chr(0x4E00 + (seed + i * 7919) % 20000) for i in range(400))
    base = "稟議書の要約。売上は前年比12%増、社外秘の計画について\n" * 5 + kanji
    text = (base * (n // len(base) + 1))[:n]
    assert read(m, text)[0] == python_path(m, text)


def test_the_zone_string_has_the_ask_zones_bigrams() -> None:
    m = LinearModel.shipped()
    assert m.native is not None
    _, zone = m.native
    for text in ["一行だけ", "最初の行\n材料\n最後の行", "a\nb", "x", ""]:
        lines = text.splitlines()
        z = _ask_lines(lines)
        want = set()
        if z is not None:
            first, last = z
            want = {first[i:i + 2] for i in range(len(first) - 1)}
            if last is not None:
                want |= {last[i:i + 2] for i in range(len(last) - 1)} | {first[-1] + "\n", "\n" + last[0]}
        s = "" if z is None else z[0] if z[1] is None else z[0] + "\n" + z[1]
        assert zone.sums(s, False)[0] == len(want)


def test_a_table_counts_distinct_grams_and_sums_their_rows() -> None:
    t = grams.Table(["ab", "abc", "\x00\x00", "😀😀"], array("i", [1, -2, 10, 20, 5, 5, -7, 0]), 2)
    text = "abcab\x00\x00😀😀"
    count, raw = t.sums(text, True)  # "ab" twice, counted and summed once; unlisted n-grams weigh 0
    distinct = {text[i:i + 2] for i in range(len(text) - 1)} | {text[i:i + 3] for i in range(len(text) - 2)}
    assert count == len(distinct)
    lanes = [int.from_bytes(raw[i * 8:(i + 1) * 8], "little") - 2**63 for i in range(2)]
    assert lanes == [1 + 10 + 5 - 7, -2 + 20 + 5 + 0]
    assert t.sums("", True)[0] == 0 and t.sums("a", True)[0] == 0
    assert t.sums("ab", False)[0] == 1


@pytest.mark.parametrize(("keys", "weights", "error"), [
    (["abcd"], [1], ValueError),          # only 2- and 3-character keys
    (["ab", "ab"], [1, 2], ValueError),   # a key listed twice
    (["ab"], [1, 2], ValueError),         # one weight per lane
    ([b"ab"], [1], TypeError),
])
def test_a_table_refuses_what_it_cannot_hold(keys: list[object], weights: list[int], error: type[Exception]) -> None:
    with pytest.raises(error):
        grams.Table(keys, array("i", weights), 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):  # 32-bit ints, not doubles
        grams.Table(["ab"], array("d", [1.0]), 1)


def test_a_table_of_more_rows_than_its_slots_index_is_refused_as_an_overflow() -> None:
    keys = [chr(0x100 + a) + chr(0x100 + b) for a in range(1024) for b in range(1024)]  # 2**20 rows
    with pytest.raises(OverflowError):  # LinearModel then takes the Python path, as for a wide weight
        grams.Table(keys, array("i", bytes(4 * len(keys))), 1)
    t = grams.Table(keys[: 2**20 - 2], array("i", range(2**20 - 2)), 1)  # the most it holds
    count, raw = t.sums(keys[-3] + "\n" + keys[0], False)  # 4 distinct bigrams, 2 of them rows
    assert t.rows() == 2**20 - 2 and count == 4
    assert int.from_bytes(raw, "little") - 2**63 == (2**20 - 3) + 0  # the last row's weight and the first's


def test_a_model_whose_weights_overflow_32_bits_takes_the_python_path() -> None:
    m = LinearModel({"ab": (2**31 / 100,), "s:bias": (0.5,)}, (0.0,), {})
    assert m.packed is not None and m.native is None
    assert read(m, "abab")[0] == python_path(m, "abab")
