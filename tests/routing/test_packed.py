"""Weight rows packed as one integer each (routing/packed.py) sum to the exact column totals, and
the classifier's logits from them equal the float sums they replace (``LinearModel._float_logits``,
kept as the path for weights that are not hundredths)."""

from __future__ import annotations

import math
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenbin.routing.classifier import features, parts
from tenbin.routing.linear import LinearModel
from tenbin.routing.packed import HALF, Unpacker, pack, pack_all

ROOT = Path(__file__).resolve().parents[2]

hundredths = st.integers(min_value=-10**9, max_value=10**9)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=8).flatmap(
    lambda n: st.lists(st.lists(hundredths, min_size=n, max_size=n), min_size=1, max_size=60)))
def test_lanes_of_a_sum_of_packed_rows_are_the_exact_column_sums(rows: list[list[int]]) -> None:
    n = len(rows[0])
    packed = [pack([k / 100 for k in r]) for r in rows]
    assert all(p is not None for p in packed)
    lanes = Unpacker(n)
    total = sum(p for p in packed if p is not None)
    assert lanes.lanes(total) == [sum(col) for col in zip(*rows, strict=True)]
    assert [k - HALF for k in lanes.biased(total)] == lanes.lanes(total)
    for r, p in zip(rows, packed, strict=True):  # one row unpacks to itself, negative weights too
        assert p is not None and lanes.lanes(p) == r


def test_negative_and_extreme_weights() -> None:
    lanes = Unpacker(3)
    row = [-0.01, 0.0, -123456.78]
    p = pack(row)
    assert p is not None and lanes.lanes(p) == [-1, 0, -12345678]
    q = pack([0.01, -0.01, 12345678.9])
    assert q is not None and lanes.lanes(p + q) == [0, -1, 1234567890 - 12345678]
    assert lanes.lanes(0) == [0, 0, 0]
    assert lanes.lanes(p - p) == [0, 0, 0]


@pytest.mark.parametrize("w", [0.123, 1e-3, 0.005, math.pi, float("nan"), float("inf"), -float("inf"), 1e12])
def test_weights_not_in_hundredths_are_not_packed(w: float) -> None:
    assert pack([0.5, w]) is None
    assert pack_all([("a", (0.5, 0.25)), ("b", (w, 0.0))]) is None
    assert pack_all([("a", (0.5, 0.25))]) == {"a": pack([0.5, 0.25])}


def _model(weights: dict[str, tuple[float, ...]], bias: tuple[float, ...]) -> LinearModel:
    return LinearModel(weights, bias, {})


def test_a_model_not_in_hundredths_keeps_the_float_sums() -> None:
    feats = (["ab", "bc", "zz"], ["s:bias", "s:code"])
    m = _model({"ab": (0.123, -1.5), "bc": (0.25, 0.001), "s:bias": (1.0, -0.3), "s:code": (0.5, 0.5)}, (0.1, -0.2))
    assert m.packed is None
    assert m.logits(feats) == m._float_logits(feats)


def test_a_model_in_hundredths_is_packed_and_sums_as_before() -> None:
    feats = (["ab", "bc", "zz"], ["s:bias", "s:code", "s:none"])
    m = _model({"ab": (0.12, -1.5), "bc": (-0.25, 0.07), "s:bias": (1.0, -0.3), "s:code": (0.5, 0.5)}, (0.1, -0.2))
    assert m.packed is not None
    assert m.logits(feats) == pytest.approx(m._float_logits(feats), rel=0, abs=1e-12)
    assert m.logits((["zz"], ["s:none"])) == [0.1, -0.2]  # nothing known: the bias alone
    assert m.logits(([], [])) == m._float_logits(([], []))


def test_rows_of_unequal_length_fall_back_to_the_float_path() -> None:
    m = _model({"ab": (0.12, -1.5), "bc": (0.25,)}, (0.1, -0.2))
    assert m.packed is None


def test_the_shipped_model_is_packed_and_gives_the_float_logits() -> None:
    """On the in-repo routing and training prompts: the packed sums are the float sums to the
    last few bits (a float sum's own last bits follow the order of a set, i.e. the hash seed)."""
    m = LinearModel.shipped()
    assert m is LinearModel.shipped()  # loaded once per process
    # every row in one of the two tables (each also holds its one non-string key)
    assert m.packed is not None and len(m.packed) - 1 + len(m.ask) - 1 == len(m.weights)
    assert all(len(k) == 2 for k in m.ask if isinstance(k, str)) and len(m.ask) > 1000
    paths = [*sorted((ROOT / "bench" / "data").glob("routing_holdout_*.jsonl")),
             ROOT / "bench" / "classifier" / "train_ja.jsonl"]
    texts = [orjson.loads(line)["text"] for p in paths for line in p.read_bytes().splitlines() if line.strip()]
    assert len(texts) > 5000
    worst = 0.0
    for t in texts[::3]:
        f = features(t)
        new, old = m.logits(f), m._float_logits(f)
        assert m.text_logits(*parts(t)) == new  # the classifier's path: the same integer sums
        worst = max(worst, *(abs(a - b) for a, b in zip(new, old, strict=True)))
        assert [round(x, 9) for x in new] == pytest.approx([round(x, 9) for x in old], abs=2e-9)
    assert worst < 1e-12
