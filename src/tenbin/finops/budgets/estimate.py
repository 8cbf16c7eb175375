"""How many output tokens a budget reservation assumes for a request.

A request that sets ``max_completion_tokens``/``max_tokens`` says so itself (× its ``n`` choices).
One that does not is estimated from what its use case really produced: the 95th percentile of
``completion_tokens`` over the use case's recent successful requests in the ledger, else over all
recent traffic, else ``finops.default_max_output_tokens``. A fixed 4,096 made a ¥3/day budget
downgrade the first request of the day at ¥0 spent; the p95 keeps a typical request's reservation
near what it will cost while a long answer still settles at its real price (a budget can then be
passed by at most that one request's excess).

The percentiles are learned off the request path (at start and every ``estimate_refresh_s``) from
a bounded sample: the most recent ``SAMPLE_ROWS`` answered requests of the last ``WINDOW_DAYS``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from tenbin.store.base import Store

WINDOW_DAYS = 14
SAMPLE_ROWS = 20_000
MIN_SAMPLES = 20  # fewer answered requests than this say too little for a p95
ALL = "*"  # the key of the all-traffic percentile


def p95(values: list[int]) -> int:
    """Nearest-rank 95th percentile (an actual observed value, never interpolated)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


@dataclass(frozen=True, slots=True)
class OutputEstimate:
    tokens: int
    basis: str  # "max_tokens", "p95 use case <name> (<n> requests)", "p95 all traffic (…)", "default"


@dataclass(slots=True)
class OutputEstimator:
    default: int
    learned: dict[str, tuple[int, int]] = field(default_factory=dict)  # use case | ALL → (p95, samples)

    def estimate(self, use_case: str | None) -> OutputEstimate:
        if use_case and use_case in self.learned:
            v, n = self.learned[use_case]
            return OutputEstimate(v, f"p95 of use case {use_case} ({n} requests)")
        if ALL in self.learned:
            v, n = self.learned[ALL]
            return OutputEstimate(v, f"p95 of all traffic ({n} requests)")
        return OutputEstimate(self.default, "finops.default_max_output_tokens")

    def learn(self, rows: Iterable[tuple[str | None, int]]) -> None:
        """Replace the percentiles with those of ``rows`` (use case, completion tokens)."""
        by: dict[str, list[int]] = {}
        everything: list[int] = []
        for use_case, tokens in rows:
            everything.append(tokens)
            if use_case:
                by.setdefault(use_case, []).append(tokens)
        learned = {uc: (p95(v), len(v)) for uc, v in by.items() if len(v) >= MIN_SAMPLES}
        if len(everything) >= MIN_SAMPLES:
            learned[ALL] = (p95(everything), len(everything))
        self.learned = learned  # one assignment: a reservation never sees half a refresh


async def recent_outputs(store: Store, now: float) -> list[tuple[str | None, int]]:
    """The sample the estimator learns from (the ``usage_ts`` index makes it a bounded read)."""
    rows = await store.query(
        "SELECT use_case, completion_tokens FROM usage WHERE ts_start >= ? AND status = 200"
        " AND completion_tokens > 0 ORDER BY ts_start DESC LIMIT ?",
        (now - WINDOW_DAYS * 86400, SAMPLE_ROWS))
    return [(r["use_case"] or None, int(r["completion_tokens"])) for r in rows]
