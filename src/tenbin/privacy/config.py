"""Detector configuration (built once at gateway startup)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tenbin.privacy.classes import DataClass


@dataclass(frozen=True, slots=True)
class PrivacyConfig:
    """What to detect and how strict to be.

    ``ner`` enables the full tier (names and addresses via SudachiPy + rules); without it only the
    structured identifiers run, which is ~10x faster. ``baseline`` is the class a request gets when
    nothing is found: organisations that treat all prompts as internal set it to INTERNAL.
    """

    ner: bool = True
    custom_terms: Iterable[str] = ()
    markers: bool = True
    special_care: bool = True
    min_score: float = 0.5
    baseline: DataClass = DataClass.PUBLIC
    labels: frozenset[str] | None = field(default=None)

    def __post_init__(self) -> None:
        # Accept any iterable (a list from YAML) but store an immutable, hashable tuple.
        object.__setattr__(self, "custom_terms", tuple(self.custom_terms))
