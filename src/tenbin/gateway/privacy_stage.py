"""Adapter between the pipeline and ``tenbin.privacy``: scan, mask per the routing decision, restore.

Kept separate so the pipeline does not depend on how detection works, and so the gateway runs
(with privacy off) when the Japanese NLP extra is not installed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import NativeRequest
from tenbin.errors import Forbidden
from tenbin.routing.decision import Decision


@dataclass(slots=True)
class MaskedRequest:
    body: dict[str, Any]
    session: Any  # tenbin.privacy.MaskSession; holds the mapping in memory for this request only
    answers: Any  # tenbin.privacy.restore.AnswerRestorer: where real values may go back (privacy.restore)

    def restore_response(self, response: dict[str, Any]) -> None:
        self.answers.response(response)

    def stream_restorer(self) -> Any:
        """A ``ChunkRestorer``: ``restore_chunk(chunk)`` per chunk, ``flush_chunk(model)`` at the end."""
        return self.answers.stream()


class PrivacyPlan:
    """What each destination of one request receives. The routing decision says per model whether
    the request goes masked (``Decision.privacy_for``): a fallback abroad after a domestic first
    choice gets it masked, the domestic one as written. The masked body is built once, on first
    need, and shared by every model that needs it."""

    def __init__(self, stage: PrivacyStage, body: dict[str, Any], scan: Any, decision: Decision) -> None:
        self.stage, self.body, self.scan, self.decision = stage, body, scan, decision
        self._masked: dict[str, MaskedRequest] = {}
        self._native: dict[int, dict[str, Any]] = {}  # id(MaskedRequest) → the masked native body

    def action_for(self, model: ModelSpec) -> str:
        return "allow" if not self.scan.findings else self.decision.privacy_for(model)

    def masked_for(self, model: ModelSpec) -> MaskedRequest | None:
        """The masked request ``model`` gets, or None when it gets the client's body. Raises
        ``Forbidden`` when attachments cannot be masked and ``privacy.binary`` is ``refuse``."""
        action = self.action_for(model)
        if action == "allow":
            return None
        got = self._masked.get(action)
        if got is None:
            got = self._masked[action] = self.stage.mask(self.body, self.scan, action, model)
        return got

    def body_for(self, model: ModelSpec) -> dict[str, Any] | None:
        """The body to send ``model``; None when it may not be sent there at all (refused
        attachments: the pipeline skips that model)."""
        try:
            m = self.masked_for(model)
        except Forbidden:
            return None
        return m.body if m is not None else self.body

    def native_for(self, model: ModelSpec, native: NativeRequest) -> dict[str, Any] | None:
        """The face's own request for ``model`` (a vendor that speaks its format): as written
        when the chat body goes as written, else masked like it (``MaskSession.mask_like`` on
        every text part, binary parts dropped as ``privacy.binary: drop`` drops them); None when
        it may not be sent there at all."""
        try:
            m = self.masked_for(model)
        except Forbidden:
            return None
        if m is None:
            return native.body
        got = self._native.get(id(m))
        if got is None:
            s = m.session
            got = self._native[id(m)] = native.codec.mask(native.body, s.mask_like, s.mask_values,
                                                          self.stage.binary == "drop")
        return got

    def uniform(self, models: list[ModelSpec]) -> bool:
        """Do all of ``models`` receive the same body (so one cached answer fits them all)?"""
        return len({self.action_for(m) for m in models}) <= 1


class PrivacyStage:
    def __init__(self, detector: Any, mode: Literal["pseudonymize", "redact"] = "pseudonymize",
                 binary: Literal["drop", "keep", "refuse"] = "drop", restore: Any = None) -> None:
        from tenbin.privacy import Masker
        from tenbin.privacy.restore import RestoreRules

        self.detector = detector
        self.binary = binary
        self.masker = Masker(mode=mode)
        self.redactor = Masker(mode="redact")
        self.restore: RestoreRules = restore if restore is not None else RestoreRules()

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> PrivacyStage | None:
        """Build from the ``privacy:`` config section; None when disabled or not installed."""
        if section.get("enabled", True) is False:
            return None
        try:
            from tenbin.privacy import DataClass, Detector, PrivacyConfig
        except ImportError:
            return None
        from tenbin.privacy.restore import RestoreRules

        allowed = set(PrivacyConfig.__dataclass_fields__)
        opts = {k: v for k, v in section.items() if k not in ("enabled", "mode", "binary", "restore")}
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
                   binary=binary, restore=RestoreRules.from_section(section.get("restore")))

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

    def plan(self, body: dict[str, Any], scan: Any, decision: Decision) -> PrivacyPlan:
        return PrivacyPlan(self, body, scan, decision)

    def apply(self, body: dict[str, Any], scan: Any, decision: Decision) -> MaskedRequest | None:
        """The masked request for the decision's first choice (None: it gets the body as is)."""
        return self.plan(body, scan, decision).masked_for(decision.model)

    def mask(self, body: dict[str, Any], scan: Any, action: str, model: ModelSpec) -> MaskedRequest:
        from tenbin.privacy.masking import BinaryRefused
        from tenbin.privacy.restore import AnswerRestorer, declared_tools

        masker = self.redactor if action == "redact" else self.masker
        try:
            session = masker.mask_request(body, scan, binary=self.binary)
        except BinaryRefused as e:
            raise Forbidden(f"This request is masked before it leaves for {model.id}, and it carries "
                            f"{e.count} image/audio/file attachment(s) that cannot be masked "
                            "(privacy.binary: refuse).", code="policy_blocked") from None
        return MaskedRequest(session.body, session, AnswerRestorer(session, self.restore, declared_tools(body)))
