"""Price a request: tokens × the catalog price in force × the FX rate in force.

The money is ``Decimal`` arithmetic (``Price.cost``, then ``to_nanos`` of the cost and of cost ×
rate), which is exact while every intermediate fits the context's 28 digits. Every request's
price is computed here, on the event loop, so a model's price on a day is kept once as integers
over one power of ten (``_Scaled``) and the same numbers are computed with integers: a sum of
tokens × integer rates, scaled and rounded half-even to nanos, exactly what the Decimal steps give
when nothing is rounded on the way. Inputs large enough that Decimal could round an intermediate
(bounded below with margin) take the Decimal steps themselves; tests/finops/test_pricing_fast.py
compares both on random prices, rates, token counts and half-way cases.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from tenbin.catalog.catalog import ModelSpec, Price
from tenbin.context import Usage
from tenbin.fx import FxTable
from tenbin.ledger.record import to_nanos

# |Σ tokens × rate coefficients| × |FX coefficient| below this keeps every Decimal intermediate
# (the coefficient times 10^9 in to_nanos) within 28 digits, so the integer path is exact.
_EXACT_BELOW = 10**18
_MEMO_MAX = 4096  # (model, day) pairs kept; cleared whole when full (a day has a few per model)
_POW10: tuple[int, ...] = tuple(10**k for k in range(40))


def _p10(k: int) -> int:
    """10**k for k >= 0, as an int."""
    return _POW10[k] if k < len(_POW10) else int(10**k)


class Priced(NamedTuple):
    """Immutable; a NamedTuple because one is built per request (a frozen dataclass's
    ``object.__setattr__`` per field cost ~7 k instructions)."""

    cost_nanos: int
    currency: str
    cost_jpy_nanos: int
    fx_rate: str | None


class _Scaled(NamedTuple):
    """A price's four per-1M-token rates as integers × 10^exp (exp the smallest exponent)."""

    model: ModelSpec
    price: Price
    input: int
    cached: int
    write: int
    output: int
    exp: int


def _coefficient(d: Decimal) -> tuple[int, int] | None:
    """(n, e) with d == n × 10^e; None for a NaN or an infinity."""
    sign, digits, exp = d.as_tuple()
    if not isinstance(exp, int):
        return None
    n = int("".join(map(str, digits)) or "0")
    return (-n if sign else n), exp


def _scale(model: ModelSpec, p: Price) -> _Scaled | None:
    rates = (p.input, p.cached_input if p.cached_input is not None else p.input,
             p.cache_write if p.cache_write is not None else p.input, p.output)
    parts = [_coefficient(r) for r in rates]
    if any(x is None for x in parts):
        return None
    coeffs = [x for x in parts if x is not None]
    e = min(x[1] for x in coeffs)
    i, c, w, o = (n * _p10(x - e) for n, x in coeffs)
    return _Scaled(model, p, i, c, w, o, e)


def _half_even(n: int, exp: int) -> int:
    """n × 10^exp rounded to an integer, half to even (``ROUND_HALF_EVEN``)."""
    if exp >= 0:
        return n * _p10(exp)
    d = _p10(-exp)
    q, r = divmod(n, d)  # floor: 0 <= r < d, for negative n too
    twice = 2 * r
    if twice > d or (twice == d and q & 1):
        return q + 1
    return q


class Pricer:
    def __init__(self, fx: FxTable | None = None) -> None:
        self.fx = fx or FxTable()
        self._scaled: dict[tuple[str, dt.date], _Scaled | None] = {}
        self._fx: dict[str, tuple[int, int] | None] = {}  # an FX rate's text → its (n, e)

    def price(self, model: ModelSpec, usage: Usage, when: dt.date) -> Priced:
        key = (model.id, when)
        s = self._scaled.get(key)
        if s is None or s.model is not model:  # first time, or a reloaded catalog's model
            if len(self._scaled) >= _MEMO_MAX:
                self._scaled.clear()
            s = self._scaled[key] = _scale(model, model.price_at(when))
            if s is None:
                return self._price_decimal(model, usage, when)
        p = s.price
        prompt, cached, written = usage.prompt_tokens, usage.cached_tokens, usage.cache_write_tokens
        if cached > prompt:  # Price.cost's min()s, without two builtin calls
            cached = prompt
        if written > prompt - cached:
            written = prompt - cached
        terms = ((prompt - cached - written) * s.input, cached * s.cached, written * s.write,
                 usage.completion_tokens * s.output)
        rate = self.fx.rate(p.currency, when)
        text = fx = None
        if isinstance(rate, Decimal):
            text = str(rate)  # the column's text, and a faithful key: equal text, equal coefficient
            fx = self._fx.get(text)
            if fx is None:
                if len(self._fx) >= _MEMO_MAX:
                    self._fx.clear()
                fx = self._fx[text] = _coefficient(rate)
        bound = abs(terms[0]) + abs(terms[1]) + abs(terms[2]) + abs(terms[3])
        if (rate is not None and fx is None) or bound * max(abs(fx[0]) if fx else 1, 1) >= _EXACT_BELOW:
            return self._price_decimal(model, usage, when)
        total = terms[0] + terms[1] + terms[2] + terms[3]
        # cost = total × 10^exp / 10^6 currency units; in nanos: × 10^9
        cost = _half_even(total, s.exp + 3)
        if fx is None:
            return Priced(cost, p.currency, 0, None)
        return Priced(cost, p.currency, _half_even(total * fx[0], s.exp + fx[1] + 3), text)

    def _price_decimal(self, model: ModelSpec, usage: Usage, when: dt.date) -> Priced:
        """The reference computation, for what the integer path does not cover."""
        p = model.price_at(when)
        cost = p.cost(usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens, usage.cache_write_tokens)
        rate = self.fx.rate(p.currency, when)
        jpy = to_nanos(cost * rate) if rate is not None else 0
        return Priced(to_nanos(cost), p.currency, jpy, str(rate) if rate is not None else None)

    def max_cost_jpy_nanos(self, model: ModelSpec, prompt_tokens: int, max_output: int, when: dt.date) -> int:
        """Upper bound of a request's JPY cost: every prompt token at the uncached input price,
        ``max_output`` tokens of output. Unknown FX counts as free (nothing else can be reserved)."""
        p = model.price_at(when)
        rate = self.fx.rate(p.currency, when)
        if rate is None:
            return 0
        cost = (prompt_tokens * p.input + max_output * p.output) / 1_000_000
        return to_nanos(cost * rate)
