"""Order a pool of models by the rule's objective: cheapest, fastest, weighted (A/B) or as written.

Costs are compared in integer nano-yen per token pair, precomputed from the catalog price and FX
rate in force at start-up, so ranking does no Decimal arithmetic per request. Weighted splits hash
the request id, so a retried request (same id) lands on the same arm.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Mapping, Sequence

from tenbin.catalog.catalog import ModelSpec
from tenbin.clock import tokyo_now
from tenbin.fx import FxTable
from tenbin.ledger.record import to_nanos
from tenbin.routing.schema import ModelHint, Objective

# Rough time to a full answer when the policy gives no latency hint for a model.
_TIER_LATENCY_MS = {"light": 600, "standard": 1500, "frontier": 4000}
_UNKNOWN_FX = 10**15  # a model we cannot price in JPY sorts last for "cheapest"


class Ranker:
    def __init__(self, models: Sequence[ModelSpec], hints: Mapping[str, ModelHint],
                 fx: FxTable | None = None, today: dt.date | None = None) -> None:
        fx = fx or FxTable()
        today = today or tokyo_now().date()  # prices take effect on Tokyo days
        self.price: dict[str, tuple[int, int]] = {}
        self.latency: dict[str, int] = {}
        for m in models:
            p = m.price_at(today)
            rate = fx.rate(p.currency, today)
            # nano-yen per 1M tokens: integers keep the comparison exact and fast.
            self.price[m.id] = ((to_nanos(p.input * rate), to_nanos(p.output * rate)) if rate is not None
                                else (_UNKNOWN_FX, _UNKNOWN_FX))
            hint = hints.get(m.id)
            self.latency[m.id] = hint.latency_ms if hint and hint.latency_ms else _TIER_LATENCY_MS[m.tier]

    def cost(self, model_id: str, prompt_tokens: int, output_tokens: int) -> int:
        """Estimated nano-yen × 1M for a request of this size (only ever compared, never billed)."""
        pin, pout = self.price[model_id]
        return prompt_tokens * pin + output_tokens * pout

    def order(self, ids: list[str], objective: Objective, *, prompt_tokens: int, output_tokens: int,
              weights: Mapping[str, int] | None, request_id: str) -> list[str]:
        if objective == "cheapest":
            return sorted(ids, key=lambda i: self.cost(i, prompt_tokens, output_tokens))
        if objective == "fastest":
            return sorted(ids, key=lambda i: self.latency[i])
        if objective == "weighted" and weights:
            return weighted_first(ids, weights, request_id)
        return ids


def weighted_first(ids: list[str], weights: Mapping[str, int], request_id: str) -> list[str]:
    """The arm picked by ``crc32(request_id)`` over the cumulative weights, then the rest in order."""
    arms = [(i, weights.get(i, 0)) for i in ids]
    total = sum(w for _, w in arms)
    if total <= 0:
        return ids
    point = zlib.crc32(request_id.encode()) % total
    acc = 0
    for model_id, w in arms:
        acc += w
        if point < acc:
            return [model_id, *(i for i in ids if i != model_id)]
    return ids
