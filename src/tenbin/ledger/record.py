"""The usage ledger's row: one per request, success or failure.

Money is integer nano-units (1e-9 of the currency) so SQL sums are exact and fast on millions of
rows; convert with ``to_nanos``/``from_nanos`` at the edges where ``Decimal`` is used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

NANO = Decimal(1_000_000_000)


def to_nanos(amount: Decimal) -> int:
    return int((amount * NANO).to_integral_value(rounding=ROUND_HALF_EVEN))


def from_nanos(n: int | None) -> Decimal:
    return Decimal(n or 0) / NANO


@dataclass(slots=True)
class UsageRecord:
    request_id: str
    ts_start: float
    ts_end: float
    key_id: str
    team: str
    project: str
    use_case: str | None
    requested_model: str
    served_model: str | None
    provider: str | None
    region: str | None
    prompt_tokens: int = 0
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    completion_tokens: int = 0
    tokens_reported: bool = False
    latency_ms: float = 0.0
    ttft_ms: float | None = None
    status: int = 200
    error_class: str | None = None
    cost_nanos: int = 0
    currency: str | None = None
    cost_jpy_nanos: int = 0
    fx_rate: str | None = None
    data_class: str | None = None
    stream: bool = False
    attempts: int = 1
    route: dict[str, Any] | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


COLUMNS: tuple[str, ...] = tuple(UsageRecord.__dataclass_fields__)
