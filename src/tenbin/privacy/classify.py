"""Map findings to data classes."""

from __future__ import annotations

from collections.abc import Iterable

from tenbin.privacy.classes import DataClass
from tenbin.privacy.types import (
    CONFIDENTIAL_MARKER,
    CUSTOM_TERM,
    INTERNAL_MARKER,
    PERSON,
    PII_LABELS,
    SPECIAL_CARE,
    Finding,
)


def classify(findings: Iterable[Finding], baseline: DataClass = DataClass.PUBLIC) -> frozenset[DataClass]:
    """The set of classes the findings justify (``baseline`` when nothing else applies).

    SPECIAL_CARE needs a special-care term *and* a PERSON in the same message part: health or
    crime vocabulary on its own is not about anybody.
    """
    classes = {baseline}
    person_parts: set[tuple[int, int, str]] = set()
    care_parts: set[tuple[int, int, str]] = set()
    for f in findings:
        part = (f.message_index, f.part_index, f.field)
        if f.label in PII_LABELS:
            classes.add(DataClass.PERSONAL)
            if f.label == PERSON:
                person_parts.add(part)
        elif f.label in (CONFIDENTIAL_MARKER, CUSTOM_TERM):
            classes.add(DataClass.CONFIDENTIAL)
        elif f.label == INTERNAL_MARKER:
            classes.add(DataClass.INTERNAL)
        elif f.label == SPECIAL_CARE:
            care_parts.add(part)
    if person_parts & care_parts:
        classes.add(DataClass.SPECIAL_CARE)
    if len(classes) > 1:
        classes.discard(DataClass.PUBLIC)  # "public" only describes a request with nothing else in it
    return frozenset(classes)
