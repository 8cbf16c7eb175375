"""A linear model's weight rows as one integer each, so a prompt's logits are one integer sum.

A logit is the sum, over the features a prompt has, of their weights: ~300 rows of seven floats
for a 300-character prompt. Transposing them (``zip(*rows)``) and summing each column costs
~0.4 M instructions there, more than looking the rows up. The shipped weights are hundredths
(``bench/classifier/train.py`` rounds them to two decimals), so each row is stored instead as
one integer holding its seven weights in hundredths, 64 bits apart: the sum of a prompt's rows
is one ``sum`` over integers, and each column's total is read back from it exactly.

Exact where the float sums were not: a column's float sum depended on the order of the
features, which is a set's order and changes with the hash seed from one process to the next
(238 of the 240 dev prompts got other last bits of their probabilities under another seed;
none another label, score or rounded probability). The integer total is the exact sum of the
decimal weights in any order, and ``total / 100`` its nearest float.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Sequence
from typing import Final

_LANE: Final = 64  # bits per weight
HALF: Final = 1 << (_LANE - 1)  # a lane's sums lie within ±HALF
#: The largest weight packed, in hundredths (~1.1e10): a lane then holds the sum of 2**23 rows,
#: and a prompt has at most ~8,000 features (HEAD + TAIL characters' bigrams and trigrams).
_MAX: Final = 1 << 40


def pack(row: Sequence[float]) -> int | None:
    """``row``'s weights in hundredths, lane i holding weight i; None when one of them is not
    a number of hundredths (the float nearest k/100), so it cannot be summed exactly, or is too
    large for a lane (or not finite)."""
    total = 0
    for i, w in enumerate(row):
        if not math.isfinite(w):
            return None
        k = round(w * 100)
        if k / 100 != w or abs(k) >= _MAX:
            return None
        total += k << (_LANE * i)
    return total


def pack_all(rows: Iterable[tuple[str, Sequence[float]]]) -> dict[str, int] | None:
    """Every row packed, or None when one cannot be."""
    out: dict[str, int] = {}
    for key, row in rows:
        p = pack(row)
        if p is None:
            return None
        out[key] = p
    return out


class Unpacker:
    """The lane sums of a sum of packed rows, as written in ``total.to_bytes``: adding half a
    lane to every lane first makes each a digit of base 2**64 (no borrow between lanes), which
    ``struct`` reads in one call; the caller subtracts ``HALF`` from each (``lanes`` does)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.bias = sum(HALF << (_LANE * i) for i in range(n))
        self.read = struct.Struct(f"<{n}Q").unpack

    def biased(self, total: int) -> tuple[int, ...]:
        """Each lane's sum plus ``HALF``."""
        return self.read((total + self.bias).to_bytes(8 * self.n, "little"))

    def packed(self, biased: bytes) -> int:
        """The packed sum whose biased lanes are ``biased`` (what ``biased`` gives, as bytes):
        how the C n-gram tables (routing/_grams.c) hand their sums back."""
        return int.from_bytes(biased, "little") - self.bias

    def lanes(self, total: int) -> list[int]:
        """Each lane's sum (in hundredths, signed)."""
        return [k - HALF for k in self.biased(total)]
