"""The recognizer contract: one small class per entity type, patterns compiled once."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from tenbin.privacy.types import Span


class Recognizer(ABC):
    """Finds candidate spans of one label.

    ``find`` receives both the original and the normalised text (same length, see
    :mod:`tenbin.privacy.normalize`); patterns run on the normalised text so full-width digits
    and dash variants need no special cases. Subclasses compile their regexes at class or
    construction time: ``find`` is on the request hot path.
    """

    label: ClassVar[str]
    #: Structured recognizers run in the fast tier; NER-like ones only in the full tier.
    structured: ClassVar[bool] = True

    @abstractmethod
    def find(self, raw: str, norm: str) -> list[Span]:
        """Return candidate spans (may overlap other recognizers' spans; the registry resolves)."""
