"""What a request's provider chain came to: the model that answered (``Served``, with the headers
the client is told) and each model that did not (``Attempt``). A module of its own because both
the pipeline and its one finish (``finish.py``, which the pipeline imports) build them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tenbin.catalog.catalog import ModelSpec
from tenbin.routing.decision import Decision


@dataclass(slots=True)
class Attempt:
    """A model of the chain that did not answer. ``sent`` counts the calls (retries included) that
    reached its vendor: the audit records a transfer for those only (governance/transfers.py)."""

    model: str
    error: str
    message: str
    retry_after: float | None = None
    sent: int = 0
    status: int | None = None
    masked: bool = False  # what it was sent was the masked body, not the client's


@dataclass(slots=True)
class Served:
    """Which model answered, and what the client should be told about it (response headers)."""

    model: ModelSpec
    decision: Decision
    attempts: list[Attempt] = field(default_factory=list)
    sent: int = 0  # calls that reached the serving vendor (0: answered from the cache)
    masked: bool = False  # it received the masked body

    def headers(self, request_id: str) -> dict[str, str]:
        out = {
            "x-tenbin-request-id": request_id,
            "x-tenbin-model": self.model.id,
            "x-tenbin-provider": self.model.provider,
            "x-tenbin-route": self.decision.header(),
        }
        budget = self.decision.budget_header()
        if budget is not None:
            out["x-tenbin-budget"] = budget
        return out
