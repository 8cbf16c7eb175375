"""The detector facade the gateway calls: build once, scan every request."""

from __future__ import annotations

import hashlib
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
from tenbin.privacy.fields import walk
from tenbin.privacy.inert import inert
from tenbin.privacy.names import PersonRecognizer
from tenbin.privacy.normalize import clean, digit_breaks, join_breaks
from tenbin.privacy.recognizers import ConfidentialMarkerRecognizer, CustomTermRecognizer, Recognizer
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.recognizers.special_care import SpecialCareRecognizer
from tenbin.privacy.registry import Registry, default_structured
from tenbin.privacy.types import PII_LABELS, Finding, Span

# Characters either side of a joined line break that the second look scans (then widened to the
# surrounding whitespace so no number is cut).
_JOIN_WINDOW = 40

log = logging.getLogger("tenbin.privacy")

#: How many clean texts the detector remembers (16-byte digests: about 1 MB at most).
CLEAN_MEMO = 8192


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


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
        self._custom: CustomTermRecognizer | None = None
        if self.config.custom_terms:
            self._custom = CustomTermRecognizer(self.config.custom_terms)
            recs.append(self._custom)
        if self.config.labels is not None:
            keep = self.config.labels
            recs = [r for r in recs if r.label in keep or not _is_pii_recognizer(r)]
        self._registry = Registry(recs)
        # Digests of texts already scanned and found clean: a system prompt, a few-shot example
        # or a conversation's earlier turns come back on every request and hold nothing new, and
        # their scan (Sudachi above all) was most of the scan's cost. Only clean texts, and only
        # as digests, so no personal data is held in memory; the scan is a pure function of the
        # text and this detector's config (a reload builds a new detector).
        self._clean: dict[bytes, None] = {}
        # The second look at numbers broken over lines needs only the digit recognizers.
        self._digit_registry = Registry([r for r in recs if isinstance(r, DigitRecognizer)])

    @property
    def full_tier(self) -> bool:
        """True when names and addresses are detected too."""
        return self.config.ner

    def scan_text(self, text: str, *, message_index: int = 0, part_index: int = 0,
                  field: str = "") -> list[Finding]:
        """Findings for one string, sorted by position; offsets index ``text`` itself.

        The text is cleaned first (``normalize.clean``: invisible characters removed, exotic
        spaces and non-ASCII digits mapped) and spans are mapped back, so a finding covers the
        user's own characters, zero-width ones inside the value included. Numbers broken over
        lines (``090-1234-\\n5678``) are found by a second look at the joined text around each
        break; only spans that cross a break and overlap nothing found already are added, so a
        table whose rows end and start with digits keeps its per-row findings.
        """
        if not text or self._inert(text):
            return []
        digest = _digest(text)
        if digest in self._clean:
            return []
        min_score = self.config.min_score
        cleaned, omap = clean(text)
        spans = [sp for sp in self._registry.analyze(cleaned) if sp.score >= min_score]
        if "\n" in cleaned:
            spans = self._joined(cleaned, spans, min_score)
        out: list[Finding] = []
        for sp in spans:
            s, e = (sp.start, sp.end) if omap is None else (omap[sp.start], omap[sp.end - 1] + 1)
            out.append(Finding(sp.label, s, e, text[s:e], sp.score, message_index, part_index, field))
        if not out:
            if len(self._clean) >= CLEAN_MEMO:
                self._clean.clear()  # one atomic step (scans may run on threads); refilled by use
            self._clean[digest] = None
        return out

    def _inert(self, text: str) -> bool:
        """A tiny identifier-like string (``inert.inert``) holding no custom term: nothing to find,
        and a full analysis would cost tens of microseconds for it (50,000 metadata keys: seconds)."""
        if not inert(text):
            return False
        return self._custom is None or not self._custom.find(text, text)

    def _joined(self, text: str, spans: list[Span], min_score: float) -> list[Span]:
        cuts = digit_breaks(text)
        if not cuts:
            return spans
        taken = [(sp.start, sp.end) for sp in spans if sp.label in PII_LABELS]
        extra: list[Span] = []
        k = 0
        while k < len(cuts):
            # One window per group of nearby breaks: ±_JOIN_WINDOW characters, widened to whitespace
            # so no number is cut (line breaks inside the window that are not cuts stay).
            lo = max(0, cuts[k][0] - _JOIN_WINDOW)
            j = k
            while j + 1 < len(cuts) and cuts[j + 1][0] - cuts[j][1] < 2 * _JOIN_WINDOW:
                j += 1
            hi = min(len(text), cuts[j][1] + _JOIN_WINDOW)
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
            while hi < len(text) and not text[hi].isspace():
                hi += 1
            window, wmap, joins = join_breaks(text[lo:hi], [(a - lo, b - lo) for a, b in cuts[k : j + 1]])
            k = j + 1
            for sp in self._digit_registry.analyze(window):
                if sp.score < min_score or sp.label not in PII_LABELS:
                    continue
                if not any(sp.start < q < sp.end for q in joins):
                    continue
                s, e = wmap[sp.start] + lo, wmap[sp.end - 1] + lo + 1
                # A piece of the number found on one line (``090-1234`` read as a postal code)
                # gives way to the whole number; a span reaching outside this one wins.
                if any(s < te and ts < e and not (s <= ts and te <= e) for ts, te in taken):
                    continue
                inside = {(ts, te) for ts, te in taken if s <= ts and te <= e}
                if inside:
                    spans = [x for x in spans if x.label not in PII_LABELS or (x.start, x.end) not in inside]
                    taken = [t for t in taken if t not in inside]
                taken.append((s, e))
                extra.append(Span(sp.label, s, e, sp.score))
        if not extra:
            return spans
        return sorted(spans + extra, key=lambda x: (x.start, x.end))

    def scan_messages(self, messages: Sequence[Mapping[str, Any]]) -> PrivacyScan:
        """Scan every string of OpenAI chat messages and classify the request as a whole."""
        return self.scan_request({"messages": list(messages)})

    def scan_request(self, body: Mapping[str, Any]) -> PrivacyScan:
        """Scan every string of a chat request a vendor would receive (``fields.walk``).

        Message text, names, tool calls and their JSON arguments, tool and schema descriptions,
        ``user``/``metadata``/``stop``/``prediction`` and unknown fields, URLs (decoded) and the
        text inside ``data:`` payloads; the data class considers all of them. A string that
        occurs in several places is scanned once.
        """
        findings: list[Finding] = []
        seen: dict[str, list[Finding]] = {}
        for slot in walk(dict(body)).slots:
            mi, pi, fld = slot.key
            cached = seen.get(slot.text)
            if cached is None:
                cached = seen[slot.text] = self.scan_text(slot.text)
            findings.extend(
                Finding(f.label, f.start, f.end, f.text, f.score, mi, pi, fld) for f in cached
            )
        classes = classify(findings, self.config.baseline)
        return PrivacyScan(max(classes), classes, findings)


def _is_pii_recognizer(rec: Recognizer) -> bool:
    return rec.label in PII_LABELS
