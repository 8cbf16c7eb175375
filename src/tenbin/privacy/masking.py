"""Reversible pseudonymisation and irreversible redaction of chat messages."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from tenbin.privacy.detector import PrivacyScan
from tenbin.privacy.fields import walk
from tenbin.privacy.normalize import fold
from tenbin.privacy.placeholders import CLOSE, NAMES, OPEN, PLACEHOLDER_RE
from tenbin.privacy.stream import StreamRestorer
from tenbin.privacy.types import PII_LABELS, Finding

Mode = Literal["pseudonymize", "redact"]


BinaryPolicy = Literal["drop", "keep", "refuse"]


class BinaryRefused(Exception):
    """A masked request carries images, audio or files, and ``privacy.binary`` is ``refuse``."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} binary attachment(s) cannot be masked")
        self.count = count


def _key(label: str, text: str) -> tuple[str, str]:
    # "坂本　和也" and "坂本 和也" are the same person: fold width and drop spaces for identity
    # (zero-width characters, exotic spaces and non-ASCII digits too: ``fold``).
    return label, fold(text).replace(" ", "").replace("\n", "")


class MaskSession:
    """The masked request plus the in-memory mapping needed to restore the answer.

    The mapping lives only in this object (one per request) and is never serialised; drop the
    session and the originals are gone. In redact mode there is no mapping and ``restore`` is the
    identity.
    """

    def __init__(self, messages: list[dict[str, Any]], mapping: dict[str, str], mode: Mode,
                 body: dict[str, Any] | None = None) -> None:
        self.messages = messages
        self.body = body if body is not None else {"messages": messages}
        self.mode: Mode = mode
        self._mapping = mapping

    @property
    def placeholder_count(self) -> int:
        """How many distinct values were replaced (no raw text)."""
        return len(self._mapping)

    def restore(self, text: str) -> str:
        """Put the original values back in a complete (non-streamed) answer."""
        if not self._mapping or OPEN not in text:
            return text
        return PLACEHOLDER_RE.sub(lambda m: self._mapping.get(m.group(), m.group()), text)

    def stream_restorer(self) -> StreamRestorer:
        """A restorer for streamed deltas: ``feed(chunk)`` per delta, ``flush()`` at the end."""
        return StreamRestorer(self.restore)

    def __repr__(self) -> str:
        return f"MaskSession(mode={self.mode!r}, placeholders={len(self._mapping)})"


class Masker:
    """Replaces findings with typed placeholders (〔氏名1〕) or generic ones (〔氏名〕).

    Every verbatim re-occurrence of a found value (≥ 2 characters) elsewhere in the request is
    replaced too: a name detected once in the signature must not leak from the body, and the same
    string must get the same placeholder in every message.
    """

    def __init__(self, mode: Mode = "pseudonymize", labels: Iterable[str] | None = None) -> None:
        if mode not in ("pseudonymize", "redact"):
            raise ValueError(f"unknown mask mode: {mode!r}")
        self.mode: Mode = mode
        self.labels = frozenset(labels) if labels is not None else PII_LABELS

    def mask_messages(self, messages: Sequence[Mapping[str, Any]], scan: PrivacyScan) -> MaskSession:
        """Return a session whose ``messages`` is a masked deep copy of ``messages``."""
        return self.mask_request({"messages": [dict(m) for m in messages]}, scan, binary="keep")

    def mask_request(self, body: Mapping[str, Any], scan: PrivacyScan, *, binary: BinaryPolicy = "drop") -> MaskSession:
        """Mask a deep copy of a whole chat request: every slot ``fields.walk`` finds.

        ``binary`` decides what happens to payloads that cannot be masked (images, audio, PDFs):
        ``drop`` replaces each with a text note, ``keep`` drops only those whose embedded text held
        PII, ``refuse`` raises ``BinaryRefused`` when there is any.
        """
        out: dict[str, Any] = copy.deepcopy(dict(body))
        w = walk(out)
        by_slot: dict[tuple[int, int, str], list[Finding]] = defaultdict(list)
        for f in scan.findings:
            if f.label in self.labels:
                by_slot[(f.message_index, f.part_index, f.field)].append(f)
        binaries = [s for s in w.slots if s.binary]
        if binaries and binary == "refuse":
            raise BinaryRefused(len(binaries))

        # Assign placeholders in reading order so 〔氏名1〕 is the first name the model sees.
        placeholder_of: dict[tuple[str, str], str] = {}
        mapping: dict[str, str] = {}
        counters: dict[str, int] = defaultdict(int)
        order = {s.key: i for i, s in enumerate(w.slots)}
        ordered = sorted(
            (f for fs in by_slot.values() for f in fs),
            key=lambda f: (order.get((f.message_index, f.part_index, f.field), len(order)), f.start),
        )
        for f in ordered:
            k = _key(f.label, f.text)
            if k in placeholder_of:
                continue
            name = NAMES.get(f.label, f.label)
            if self.mode == "redact":
                ph = f"{OPEN}{name}{CLOSE}"
            else:
                counters[name] += 1
                ph = f"{OPEN}{name}{counters[name]}{CLOSE}"
                mapping[ph] = f.text
            placeholder_of[k] = ph

        # Propagation pattern over all found values of length ≥ 2, longest first.
        variants: dict[str, str] = {}
        for f in ordered:
            if len(f.text) >= 2:
                variants.setdefault(f.text, placeholder_of[_key(f.label, f.text)])
        prop = (
            re.compile("|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True)))
            if variants
            else None
        )

        for slot in w.slots:
            if slot.binary:
                if slot.drop is not None and (binary == "drop" or by_slot.get(slot.key)):
                    slot.drop()
                continue
            text = slot.text
            fs = sorted(by_slot.get(slot.key, []), key=lambda f: f.start)
            pieces: list[str] = []
            pos = 0
            for f in fs:
                if f.start < pos or text[f.start : f.end] != f.text:
                    continue
                pieces.append(self._propagate(text[pos : f.start], prop, variants))
                pieces.append(placeholder_of[_key(f.label, f.text)])
                pos = f.end
            pieces.append(self._propagate(text[pos:], prop, variants))
            masked = "".join(pieces)
            if masked != text:
                slot.set(masked)
        w.commit()
        return MaskSession(out.get("messages") or [], mapping, self.mode, body=out)

    @staticmethod
    def _propagate(segment: str, prop: re.Pattern[str] | None, variants: dict[str, str]) -> str:
        if prop is None or not segment:
            return segment
        return prop.sub(lambda m: variants[m.group()], segment)
