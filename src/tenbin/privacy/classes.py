"""Data classes ordered by severity, so ``max()`` gives the class that governs routing."""

from __future__ import annotations

from enum import IntEnum


class DataClass(IntEnum):
    """PUBLIC < INTERNAL < CONFIDENTIAL < PERSONAL < SPECIAL_CARE.

    A request can be several at once (a confidential memo naming a customer): the scan exposes the
    full set *and* the maximum as the primary class. PERSONAL outranks CONFIDENTIAL because the
    APPI attaches legal duties (cross-border transfer consent, breach reporting) to personal data.
    """

    PUBLIC = 0
    INTERNAL = 1
    CONFIDENTIAL = 2
    PERSONAL = 3
    SPECIAL_CARE = 4

    def __str__(self) -> str:
        return self.name.lower()
