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
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Final

from tenbin.routing.packed import HALF, Unpacker, pack_all

try:  # the optional C extension (setup.py): n-gram sums without making the n-gram strings
    from tenbin.routing import _grams
except ImportError:  # pragma: no cover - a build without a C compiler
    _grams = None  # type: ignore[assignment]

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
    #: The rows packed as integers (routing/packed.py), but for the ask zone's; None when a weight
    #: is not in hundredths. The ask zone's rows (``t:`` and a bigram) are in ``ask``, keyed by
    #: the bare bigram, so a prompt's are looked up without making the ``t:`` strings. Both are
    #: ``_lookup_table`` dicts (one key is not a string).
    packed: dict[object, int] | None = field(init=False, repr=False, compare=False)
    ask: dict[object, int] = field(init=False, repr=False, compare=False)
    #: The n-gram rows (keys of 2 and 3 characters) and the ask zone's as C tables (``_grams``),
    #: read by ``norm_logits``; None without the extension or the packed rows.
    native: tuple[Any, Any] | None = field(init=False, repr=False, compare=False)
    _lanes: Unpacker = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.bias)
        rows = self.weights.items()
        packed = pack_all(rows) if all(len(r) == n for _, r in rows) else None
        object.__setattr__(self, "_lanes", Unpacker(n))
        object.__setattr__(self, "native", None)
        if packed is None:
            object.__setattr__(self, "packed", None)
            object.__setattr__(self, "ask", {})
            return
        # No n-gram (2 or 3 characters), word ("w:…") or structural feature ("s:…") is 4 characters
        # starting "t:": only the ask zone's bigrams can hit these rows.
        object.__setattr__(self, "packed", _lookup_table((k, v) for k, v in packed.items() if not _asks(k)))
        object.__setattr__(self, "ask", _lookup_table((k[2:], v) for k, v in packed.items() if _asks(k)))
        object.__setattr__(self, "native", self._native_tables(packed))

    def _native_tables(self, packed: dict[str, int]) -> tuple[Any, Any] | None:
        """The C tables, or None when the extension is missing or they cannot hold the model (a
        weight beyond 32 bits, more than ~1M rows): then every prompt takes the Python path, and the
        logits are the same."""
        if _grams is None:
            return None
        try:
            grams = _table([k for k in packed if len(k) in (2, 3)], packed, self._lanes)
            zone = _table([k for k in packed if _asks(k)], packed, self._lanes, strip=2)
        except OverflowError:  # a weight, or the row count (routing/_grams.c)
            return None
        return grams, zone

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
        """The logits of ``classifier.features`` output (its ask-zone features as ``t:`` strings)."""
        if self.packed is None:
            return self._float_logits(feats)
        grams, struct = feats
        return self.text_logits([g for g in grams if not _asks(g)], [g[2:] for g in grams if _asks(g)], struct)

    def text_logits(self, grams: list[str], ask: list[str], struct: list[str]) -> list[float]:
        """``logits((grams + ["t:" + b for b in ask], struct))`` without making the ``t:`` strings:
        ``grams`` holds the n-grams and words, ``ask`` the ask zone's distinct bigrams (bare)."""
        if self.packed is None:
            return self._float_logits(([*grams, *("t:" + b for b in ask)], struct))
        w = self.packed
        # One integer sum per kind of feature; filter(None, ...) drops the misses, in C.
        total = sum(filter(None, map(w.get, grams))) + sum(filter(None, map(self.ask.get, ask)))
        return self._summed(total, len(grams) + len(ask), struct)

    def norm_logits(self, norm: str, zone: str, words: list[str], struct: list[str]) -> list[float]:
        """``text_logits`` with the n-grams of ``norm`` (the normalised text) and the bigrams of
        ``zone`` (the ask zone as one string, ``classifier._zone``) counted and summed by the C
        tables: the same integers, so the same floats. Only when ``native`` is set."""
        assert self.native is not None and self.packed is not None
        grams, ask = self.native
        count, raw = grams.sums(norm, True)
        zcount, zraw = ask.sums(zone, False)
        total = (self._lanes.packed(raw) + self._lanes.packed(zraw)
                 + sum(filter(None, map(self.packed.get, words))))
        return self._summed(total, count + zcount + len(words), struct)

    def _summed(self, total: int, features: int, struct: list[str]) -> list[float]:
        """The logits from the packed sum of a prompt's ``features`` text features and its
        structural ones."""
        assert self.packed is not None
        out = self.bias
        if total:
            scale = 1.0 / math.sqrt(features)
            out = tuple(b + scale * ((k - HALF) / 100) for b, k in zip(out, self._lanes.biased(total), strict=True))
        total = sum(filter(None, map(self.packed.get, struct)))
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


def _table(keys: list[str], packed: dict[str, int], lanes: Unpacker, strip: int = 0) -> Any:
    """A C table of ``keys``' rows (each key without its first ``strip`` characters): the weights
    in one ``array('i')``, a row's lanes made and dropped one row at a time."""
    weights = array("i")
    for k in keys:
        weights.extend(lanes.lanes(packed[k]))  # OverflowError: a weight beyond 32 bits
    return _grams.Table([k[strip:] for k in keys] if strip else keys, weights, lanes.n)


def _asks(key: str) -> bool:
    """An ask-zone feature: ``t:`` and a bigram."""
    return len(key) == 4 and key.startswith("t:")


def _lookup_table(rows: Iterable[tuple[str, int]]) -> dict[object, int]:
    """A dict of ``rows`` made to be probed with strings it mostly does not hold (a prompt's
    n-grams: about half miss). Its first key is not a string, so CPython keeps the hash of every
    key in its entry table: a probe then compares hashes there, and only reads a key object (a
    cache miss in a served request, where the rest of the work has evicted the 36k keys) when the
    hashes agree. A dict of string keys only reads the key object on every probe to get its hash.
    Measured with callgrind's cache simulation (1 MB last level) over whole requests: ~8 % fewer
    last-level read misses (bench/gateway_overhead/README.md, "The classifier's tables")."""
    table: dict[object, int] = {_NOT_A_STRING: 0}
    table.update(rows)
    return table


#: The non-string key of every ``_lookup_table``; no feature equals it.
_NOT_A_STRING: Final = object()


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
