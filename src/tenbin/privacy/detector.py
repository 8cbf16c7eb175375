"""The detector facade the gateway calls: build once, scan every request."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tenbin.privacy import sudachi
from tenbin.privacy.address import AddressRecognizer
from tenbin.privacy.classes import DataClass
from tenbin.privacy.classify import classify
from tenbin.privacy.config import PrivacyConfig
from tenbin.privacy.messages import iter_text_parts
from tenbin.privacy.names import PersonRecognizer
from tenbin.privacy.recognizers import ConfidentialMarkerRecognizer, CustomTermRecognizer, Recognizer
from tenbin.privacy.recognizers.special_care import SpecialCareRecognizer
from tenbin.privacy.registry import Registry, default_structured
from tenbin.privacy.types import Finding

log = logging.getLogger("tenbin.privacy")


@dataclass(frozen=True, slots=True)
class PrivacyScan:
    """Result of scanning one request: the primary class, all classes, and the findings."""

    data_class: DataClass
    classes: frozenset[DataClass]
    findings: list[Finding]

    def counts(self) -> dict[str, int]:
        """Findings per label: safe to log or store, it carries no raw text."""
        return dict(Counter(f.label for f in self.findings))


class Detector:
    """Finds personal data and confidentiality cues in text and chat messages.

    Construction compiles every pattern and (full tier) loads the Sudachi dictionary, so it belongs
    at startup; ``scan_*`` methods are thread-safe and allocate no regexes.
    """

    def __init__(self, config: PrivacyConfig | None = None) -> None:
        self.config = config or PrivacyConfig()
        recs: list[Recognizer] = default_structured()
        if self.config.ner:
            use_sudachi = sudachi.available()  # loads the dictionary now, logs once if missing
            recs += [PersonRecognizer(use_sudachi=use_sudachi), AddressRecognizer()]
        if self.config.markers:
            recs.append(ConfidentialMarkerRecognizer())
        if self.config.special_care:
            recs.append(SpecialCareRecognizer())
        if self.config.custom_terms:
            recs.append(CustomTermRecognizer(self.config.custom_terms))
        if self.config.labels is not None:
            keep = self.config.labels
            recs = [r for r in recs if r.label in keep or not _is_pii_recognizer(r)]
        self._registry = Registry(recs)

    @property
    def full_tier(self) -> bool:
        """True when names and addresses are detected too."""
        return self.config.ner

    def scan_text(self, text: str, *, message_index: int = 0, part_index: int = 0) -> list[Finding]:
        """Findings for one string, sorted by position; offsets index ``text`` itself."""
        if not text:
            return []
        min_score = self.config.min_score
        return [
            Finding(sp.label, sp.start, sp.end, text[sp.start : sp.end], sp.score, message_index, part_index)
            for sp in self._registry.analyze(text)
            if sp.score >= min_score
        ]

    def scan_messages(self, messages: Sequence[Mapping[str, Any]]) -> PrivacyScan:
        """Scan every text part of OpenAI chat messages and classify the request as a whole."""
        findings: list[Finding] = []
        for mi, pi, text in iter_text_parts(messages):
            findings.extend(self.scan_text(text, message_index=mi, part_index=pi))
        classes = classify(findings, self.config.baseline)
        return PrivacyScan(max(classes), classes, findings)


def _is_pii_recognizer(rec: Recognizer) -> bool:
    from tenbin.privacy.types import PII_LABELS

    return rec.label in PII_LABELS
