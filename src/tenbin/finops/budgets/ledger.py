"""Reserve / settle / release counters, the part of budgets that must be atomic.

A request reserves its *maximum* cost in every budget bucket it falls in before it calls a model,
and settles the real cost after (or releases on failure). A bucket refuses a reservation that
would take ``spent + reserved`` past its limit, so even with many requests in flight a budget is
never exceeded by more than one request's maximum (and not at all while estimates hold).

The in-process ledger is enough for one replica. For several, implement :class:`BudgetLedger` on
Redis: ``reserve`` is one Lua script over the claims' keys (check all, then HINCRBY all), ``settle``
and ``release`` are HINCRBY pairs; buckets are plain strings, amounts integer nano-yen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Claim:
    bucket: str  # "<budget>|<subject>|<period key>", e.g. "sales-monthly|sales|2026-11"
    amount: int  # nano-yen reserved
    limit: int | None  # refuse past this (nano-yen); None = count only (alert budgets)


@dataclass(frozen=True, slots=True)
class Settled:
    bucket: str
    before: int  # spent before this settlement, nano-yen
    after: int


class BudgetLedger(Protocol):
    async def reserve(self, claims: Sequence[Claim]) -> int | None:
        """All or nothing: reserve every claim, or none and return the index of the first refusal."""
        ...

    async def settle(self, claims: Sequence[Claim], actual: int) -> list[Settled]:
        """Replace each claim's reservation by the actual cost (which may exceed the reservation)."""
        ...

    async def release(self, claims: Sequence[Claim]) -> None: ...

    async def seed(self, spent: Mapping[str, int]) -> None:
        """Set settled spend for buckets (from the usage table at start-up)."""
        ...

    async def snapshot(self) -> dict[str, tuple[int, int]]:
        """bucket → (spent, reserved), nano-yen."""
        ...


class MemoryBudgetLedger:
    """Single-process ledger: each method runs without awaiting, so it is atomic on the event loop."""

    def __init__(self) -> None:
        self._spent: dict[str, int] = {}
        self._reserved: dict[str, int] = {}

    async def reserve(self, claims: Sequence[Claim]) -> int | None:
        for i, c in enumerate(claims):
            if c.limit is not None:
                used = self._spent.get(c.bucket, 0) + self._reserved.get(c.bucket, 0)
                if used + c.amount > c.limit:
                    return i
        for c in claims:
            self._reserved[c.bucket] = self._reserved.get(c.bucket, 0) + c.amount
        return None

    async def settle(self, claims: Sequence[Claim], actual: int) -> list[Settled]:
        out = []
        for c in claims:
            self._reserved[c.bucket] = max(0, self._reserved.get(c.bucket, 0) - c.amount)
            before = self._spent.get(c.bucket, 0)
            self._spent[c.bucket] = before + actual
            out.append(Settled(c.bucket, before, before + actual))
        return out

    async def release(self, claims: Sequence[Claim]) -> None:
        for c in claims:
            self._reserved[c.bucket] = max(0, self._reserved.get(c.bucket, 0) - c.amount)

    async def seed(self, spent: Mapping[str, int]) -> None:
        self._spent.update(spent)

    async def snapshot(self) -> dict[str, tuple[int, int]]:
        keys = set(self._spent) | set(self._reserved)
        return {k: (self._spent.get(k, 0), self._reserved.get(k, 0)) for k in keys}
