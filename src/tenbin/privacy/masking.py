"""Reversible pseudonymisation and irreversible redaction of chat messages."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import orjson

from tenbin.privacy.detector import PrivacyScan
from tenbin.privacy.fields import walk
from tenbin.privacy.normalize import fold
from tenbin.privacy.placeholders import CLOSE, NAMES, OPEN, TOKEN_RE, escape, literal_numbers, unescaped
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
                 body: dict[str, Any] | None = None, like: Callable[[str], str] | None = None,
                 values: Callable[[str], str] | None = None) -> None:
        self.messages = messages
        self.body = body if body is not None else {"messages": messages}
        self.mode: Mode = mode
        self._mapping = mapping
        self._like = like or (lambda t: t)
        self._values = values or (lambda t: t)

    def mask_like(self, text: str) -> str:
        """Mask another copy of this request's text the way its body was masked: every value
        found (two characters or more) becomes its placeholder, and the client's own
        placeholder-looking text is escaped. For the face's own request sent natively beside the
        chat body the scan read (faces.md "Native pass-through")."""
        return self._like(text)

    def mask_values(self, text: str) -> str:
        """``mask_like`` without escaping: for text a vendor's signature covers (thinking), which
        must stay byte for byte unless it holds a found value."""
        return self._values(text)

    @property
    def placeholder_count(self) -> int:
        """How many distinct values were replaced (no raw text)."""
        return len(self._mapping)

    def restore(self, text: str) -> str:
        """Put the original values back in a complete (non-streamed) answer, and the client's own
        placeholder-looking text back as typed (placeholders.py, escaping)."""
        return self._sub(text, values=True, json_string=False)

    def restore_json(self, text: str) -> str:
        """``restore`` for JSON text (tool-call arguments): a value goes in JSON-escaped, so a quote,
        backslash or line break in it cannot break the string it lands in."""
        return self._sub(text, values=True, json_string=True)

    def unescape(self, text: str) -> str:
        """Only the client's own placeholder-looking text back as typed; real placeholders stay.
        For places real values must not go (arguments of a tool that is not internal)."""
        return self._sub(text, values=False, json_string=False)

    def stream_restorer(self, restore: Callable[[str], str] | None = None) -> StreamRestorer:
        """A restorer for streamed deltas: ``feed(chunk)`` per delta, ``flush()`` at the end;
        ``restore`` is one of this session's ``restore`` (default), ``restore_json``, ``unescape``."""
        return StreamRestorer(restore or self.restore)

    def _sub(self, text: str, *, values: bool, json_string: bool) -> str:
        if OPEN not in text:
            return text
        mapping = self._mapping if values else {}

        def one(m: re.Match[str]) -> str:
            literal = unescaped(m)
            if literal is not None:
                return literal
            v = mapping.get(m.group())
            if v is None:
                return m.group()
            return orjson.dumps(v).decode()[1:-1] if json_string else v

        return TOKEN_RE.sub(one, text)

    def __repr__(self) -> str:
        return f"MaskSession(mode={self.mode!r}, placeholders={len(self._mapping)})"


class Masker:
    """Replaces findings with typed placeholders (〔氏名1〕) or generic ones (〔氏名〕).

    Every verbatim re-occurrence of a found value (≥ 2 characters) elsewhere in the request is
    replaced too: a name detected once in the signature must not leak from the body, and the same
    string must get the same placeholder in every message. Text the client wrote that looks like
    a placeholder is escaped (〔氏名1〕 → 〔原文:氏名1〕), and real placeholders are numbered around
    the numbers it uses, so neither the vendor nor the restorer can take one for the other.
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
        taken: set[tuple[str, int]] = set()
        for slot in w.slots:
            if not slot.binary:
                taken |= literal_numbers(slot.text)
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
                while (name, counters[name]) in taken:
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
        return MaskSession(out.get("messages") or [], mapping, self.mode, body=out,
                           like=lambda t: self._propagate(t, prop, variants),
                           values=lambda t: self._values(t, prop, variants))

    @classmethod
    def _propagate(cls, segment: str, prop: re.Pattern[str] | None, variants: dict[str, str]) -> str:
        """Text between findings: the client's placeholder-looking tokens escaped, found values
        replaced everywhere else."""
        if OPEN in segment and TOKEN_RE.search(segment):
            out: list[str] = []
            pos = 0
            for m in TOKEN_RE.finditer(segment):
                out.append(cls._values(segment[pos : m.start()], prop, variants))
                out.append(escape(m.group()))
                pos = m.end()
            out.append(cls._values(segment[pos:], prop, variants))
            return "".join(out)
        return cls._values(segment, prop, variants)

    @staticmethod
    def _values(segment: str, prop: re.Pattern[str] | None, variants: dict[str, str]) -> str:
        if prop is None or not segment:
            return segment
        return prop.sub(lambda m: variants[m.group()], segment)
