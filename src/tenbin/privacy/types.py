"""Core value types shared by every recognizer, the detector and the masker.

Kept free of logic so that every other module can import it without cycles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, NamedTuple

PERSON: Final = "PERSON"
ADDRESS: Final = "ADDRESS"
POSTAL_CODE: Final = "POSTAL_CODE"
PHONE: Final = "PHONE"
EMAIL: Final = "EMAIL"
MY_NUMBER: Final = "MY_NUMBER"
CORPORATE_NUMBER: Final = "CORPORATE_NUMBER"
CREDIT_CARD: Final = "CREDIT_CARD"
BANK_ACCOUNT: Final = "BANK_ACCOUNT"
BIRTH_DATE: Final = "BIRTH_DATE"
PASSPORT: Final = "PASSPORT"
DRIVER_LICENSE: Final = "DRIVER_LICENSE"
IP_ADDRESS: Final = "IP_ADDRESS"
CONFIDENTIAL_MARKER: Final = "CONFIDENTIAL_MARKER"
INTERNAL_MARKER: Final = "INTERNAL_MARKER"
CUSTOM_TERM: Final = "CUSTOM_TERM"
SPECIAL_CARE: Final = "SPECIAL_CARE_TERM"

#: The 13 personal-data labels of the evaluation protocol.
PII_LABELS: Final[frozenset[str]] = frozenset(
    {
        PERSON,
        ADDRESS,
        POSTAL_CODE,
        PHONE,
        EMAIL,
        MY_NUMBER,
        CORPORATE_NUMBER,
        CREDIT_CARD,
        BANK_ACCOUNT,
        BIRTH_DATE,
        PASSPORT,
        DRIVER_LICENSE,
        IP_ADDRESS,
    }
)

#: Labels found by deterministic patterns (the fast, Sudachi-free tier).
STRUCTURED_LABELS: Final[frozenset[str]] = PII_LABELS - {PERSON, ADDRESS}


class Span(NamedTuple):
    """A recognizer's raw candidate: offsets index the original text (normalisation keeps length)."""

    label: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected value.

    ``text`` is kept so the masker can build its mapping, but it is left out of ``repr`` so a
    finding that ends up in a log line or an exception never leaks the value itself.
    """

    label: str
    start: int
    end: int
    text: str
    score: float
    message_index: int = 0
    part_index: int = 0
    #: Where the text sits when it is not a message's text content: a path such as
    #: ``messages/2/tool_calls/0/function/arguments/to`` or ``user`` (see ``privacy/fields.py``).
    field: str = ""

    def __repr__(self) -> str:
        return (
            f"Finding(label={self.label!r}, start={self.start}, end={self.end}, "
            f"score={self.score:.2f}, message_index={self.message_index}, part_index={self.part_index}"
            + (f", field={self.field!r})" if self.field else ")")
        )

    __str__ = __repr__
