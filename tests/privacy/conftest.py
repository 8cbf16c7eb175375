"""Shared fixtures: detectors are expensive-ish to build, so build them once per session."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector, PrivacyConfig
from tenbin.privacy.normalize import normalize
from tenbin.privacy.recognizers import Recognizer


@pytest.fixture(scope="session")
def full() -> Detector:
    return Detector(PrivacyConfig(ner=True, custom_terms=["Project Falcon", "ACME商事"]))


@pytest.fixture(scope="session")
def structured() -> Detector:
    return Detector(PrivacyConfig(ner=False))


def spans(rec: Recognizer, text: str) -> list[tuple[str, str]]:
    """(label, surface) pairs found by one recognizer."""
    return [(s.label, text[s.start : s.end]) for s in rec.find(text, normalize(text))]


def surfaces(rec: Recognizer, text: str) -> list[str]:
    return [t for _, t in spans(rec, text)]
