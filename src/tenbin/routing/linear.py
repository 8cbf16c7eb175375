"""The request classifier's linear model: weights per feature, shipped with the package.

``bench/classifier/train.py`` trains it over ``classifier.features`` and writes
``classifier_weights.json.gz`` next to this module; inference is a sum of the weight rows of the
features a prompt has (as packed integers, routing/packed.py) and a softmax. Apart from the
classifier so that the features and rules it applies are one module and the numbers another.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from tenbin.routing.packed import HALF, Unpacker, pack_all

WEIGHTS_FILE: Final = "classifier_weights.json.gz"

#: Value of a structural or cue feature; an n-gram's is 1/sqrt(number of n-grams), so a cue
#: family weighs about as much as a few dozen n-grams whatever the prompt's length.
STRUCT_VALUE: Final = 0.25


@dataclass(frozen=True, slots=True)
class LinearModel:
    """Weights per feature: 4 class logits then 3 tier logits."""

    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]
    meta: dict[str, Any]
    #: The rows packed as integers (routing/packed.py); None when a weight is not in hundredths.
    packed: dict[str, int] | None = field(init=False, repr=False, compare=False)
    _lanes: Unpacker = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.bias)
        rows = self.weights.items()
        object.__setattr__(self, "packed", pack_all(rows) if all(len(r) == n for _, r in rows) else None)
        object.__setattr__(self, "_lanes", Unpacker(n))

    @classmethod
    def load(cls, data: bytes | None = None) -> LinearModel:
        if data is None:
            data = resources.files("tenbin.routing").joinpath(WEIGHTS_FILE).read_bytes()
        # The stdlib parser with one float object per distinct number: ~256k weights are only ~530
        # distinct hundredths, and orjson made an object of each (~6 MB per process, and its pages
        # stayed with the process after they were freed). Every HTTP worker loads the model, so
        # this is per worker PSS (bench/gateway_overhead/worker_memory.py); ~25 ms more at start.
        raw = json.loads(gzip.decompress(data), parse_float=_Floats().__getitem__)
        return cls({k: tuple(v) for k, v in raw["w"].items()}, tuple(raw["bias"]), raw.get("meta", {}))

    @classmethod
    def shipped(cls) -> LinearModel:
        """The model shipped with the package, loaded once per process: every router (each
        config reload builds one) reads the same file, and parsing and packing it costs ~0.3 s."""
        return _shipped()

    def logits(self, feats: tuple[list[str], list[str]]) -> list[float]:
        if self.packed is None:
            return self._float_logits(feats)
        w = self.packed
        grams, struct = feats
        out = self.bias
        # One integer sum per kind of feature; filter(None, ...) drops the misses, in C.
        total = sum(filter(None, map(w.get, grams)))
        if total:
            scale = 1.0 / math.sqrt(len(grams))
            out = tuple(b + scale * ((k - HALF) / 100) for b, k in zip(out, self._lanes.biased(total), strict=True))
        total = sum(filter(None, map(w.get, struct)))
        if total:
            out = tuple(b + STRUCT_VALUE * ((k - HALF) / 100)
                        for b, k in zip(out, self._lanes.biased(total), strict=True))
        return list(out)

    def _float_logits(self, feats: tuple[list[str], list[str]]) -> list[float]:
        """The same sums in floats, for weights that are not hundredths."""
        w = self.weights
        grams, struct = feats
        out = list(self.bias)
        # filter(None, ...) drops only the misses (a row is a non-empty tuple), in C.
        rows = list(filter(None, map(w.get, grams)))
        if rows:
            scale = 1.0 / math.sqrt(len(grams))
            out = [b + scale * sum(col) for b, col in zip(out, zip(*rows, strict=True), strict=True)]
        rows = list(filter(None, map(w.get, struct)))
        if rows:
            out = [b + STRUCT_VALUE * sum(col) for b, col in zip(out, zip(*rows, strict=True), strict=True)]
        return out


class _Floats(dict[str, float]):
    """Each number's float, made once: ``__getitem__`` is C-level for the numbers seen before."""

    def __missing__(self, text: str) -> float:
        value = self[text] = float(text)
        return value


@functools.cache
def _shipped() -> LinearModel:
    return LinearModel.load()


def softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    es = [math.exp(x - m) for x in xs]
    t = sum(es)
    return [e / t for e in es]
