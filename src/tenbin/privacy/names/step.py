"""The contract of one name step (the registry's recognizer style, one concern per class)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import Span


class NameStep(ABC):
    """One way of finding person names.

    Steps run in order (:class:`tenbin.privacy.names.PersonRecognizer`); each sees the names the
    steps before it found, so layout rules (a reading after a name, a re-mention) can build on them.
    """

    def applies(self, text: NameText) -> bool:
        """Cheap whole-text gate (a character the step's shapes need); True by default."""
        return True

    @abstractmethod
    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        """PERSON candidates in ``text`` (may overlap ``found``; the registry resolves)."""
