"""Adapter between the pipeline and ``tenbin.privacy``: scan, mask per the routing decision, restore.

Kept separate so the pipeline does not depend on how detection works, and so the gateway runs
(with privacy off) when the Japanese NLP extra is not installed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from tenbin.errors import Forbidden
from tenbin.routing.decision import Decision


@dataclass(slots=True)
class MaskedRequest:
    body: dict[str, Any]
    session: Any  # tenbin.privacy.MaskSession; holds the mapping in memory for this request only

    def restore_response(self, response: dict[str, Any]) -> None:
        for choice in response.get("choices") or []:
            msg = choice.get("message") or {}
            if isinstance(msg.get("content"), str):
                msg["content"] = self.session.restore(msg["content"])
            for tc in msg.get("tool_calls") or []:
                fn = tc.get("function") or {}
                if isinstance(fn.get("arguments"), str):
                    fn["arguments"] = self.session.restore(fn["arguments"])

    def stream_restorer(self) -> StreamRestorer:
        return StreamRestorer(self.session)


class StreamRestorer:
    """Restores placeholders in ``delta.content`` per choice, even when split across chunks."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._by_choice: dict[int, Any] = {}
        self._last: dict[str, Any] | None = None

    def restore_chunk(self, chunk: dict[str, Any]) -> None:
        self._last = chunk
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta")
            if not isinstance(delta, dict):
                # OpenAI's last chunk may carry no delta at all; the tail still goes out in it.
                delta = choice["delta"] = {}
            text = delta.get("content")
            idx = int(choice.get("index", 0))
            r = self._by_choice.get(idx)
            if r is None:
                r = self._by_choice[idx] = self.session.stream_restorer()
            if isinstance(text, str):
                delta["content"] = r.feed(text)
            if choice.get("finish_reason") is not None:
                tail = r.flush()
                if tail:
                    delta["content"] = (delta.get("content") or "") + tail

    def flush_chunk(self, model: str) -> dict[str, Any] | None:
        """A final chunk with any text still held back (a stream that ended without finish_reason)."""
        choices = []
        for idx, r in self._by_choice.items():
            tail = r.flush()
            if tail:
                choices.append({"index": idx, "delta": {"content": tail}, "finish_reason": None})
        if not choices or self._last is None:
            return None
        return {"id": self._last.get("id"), "object": "chat.completion.chunk",
                "created": self._last.get("created"), "model": model, "choices": choices}


class PrivacyStage:
    def __init__(self, detector: Any, mode: Literal["pseudonymize", "redact"] = "pseudonymize",
                 binary: Literal["drop", "keep", "refuse"] = "drop") -> None:
        from tenbin.privacy import Masker

        self.detector = detector
        self.binary = binary
        self.masker = Masker(mode=mode)
        self.redactor = Masker(mode="redact")

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> PrivacyStage | None:
        """Build from the ``privacy:`` config section; None when disabled or not installed."""
        if section.get("enabled", True) is False:
            return None
        try:
            from tenbin.privacy import DataClass, Detector, PrivacyConfig
        except ImportError:
            return None
        allowed = set(PrivacyConfig.__dataclass_fields__)
        opts = {k: v for k, v in section.items() if k not in ("enabled", "mode", "binary")}
        unknown = sorted(set(opts) - allowed)
        if unknown:
            raise ValueError(f"privacy.{unknown[0]}: unknown field (known: {', '.join(sorted(allowed))})")
        if isinstance(opts.get("baseline"), str):
            try:
                opts["baseline"] = DataClass[opts["baseline"].upper()]
            except KeyError:
                raise ValueError(f"privacy.baseline: unknown data class {opts['baseline']!r}") from None
        if opts.get("labels") is not None:
            opts["labels"] = frozenset(opts["labels"])
        mode = section.get("mode", "pseudonymize")
        if mode not in ("pseudonymize", "redact"):
            raise ValueError("privacy.mode: must be 'pseudonymize' or 'redact'")
        binary = section.get("binary", "drop")
        if binary not in ("drop", "keep", "refuse"):
            raise ValueError("privacy.binary: must be 'drop', 'keep' or 'refuse'")
        return cls(Detector(PrivacyConfig(**opts)), mode="redact" if mode == "redact" else "pseudonymize",
                   binary=binary)

    # Above this many bytes of request body the scan runs on a worker thread, so one long document
    # does not stall every other request on the event loop (a 300-char prompt takes ~1 ms inline).
    inline_limit = 8_000

    def scan(self, body: dict[str, Any]) -> Any:
        # Every string the vendor receives, not only message text (privacy/fields.py).
        return self.detector.scan_request(body)

    async def scan_async(self, body: dict[str, Any], size_hint: int) -> Any:
        if size_hint <= self.inline_limit:
            return self.scan(body)
        return await asyncio.to_thread(self.scan, body)

    def apply(self, body: dict[str, Any], scan: Any, decision: Decision) -> MaskedRequest | None:
        if decision.privacy_action == "allow" or not scan.findings:
            return None
        masker = self.redactor if decision.privacy_action == "redact" else self.masker
        from tenbin.privacy.masking import BinaryRefused

        try:
            session = masker.mask_request(body, scan, binary=self.binary)
        except BinaryRefused as e:
            raise Forbidden(f"This request is masked before it leaves for {decision.model.id}, and it carries "
                            f"{e.count} image/audio/file attachment(s) that cannot be masked "
                            "(privacy.binary: refuse).", code="policy_blocked") from None
        return MaskedRequest(session.body, session)
