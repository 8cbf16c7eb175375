"""Small typed values that flow down the pipeline (API → privacy → routing → provider → ledger)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from tenbin.observe.tracing import RequestTrace

#: What the request asks a model for: a chat answer (chat completions, responses, messages) or
#: vectors (embeddings). The one pipeline runs both; routing only picks models of the same kind.
Operation = Literal["chat", "embed"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling. Team and project come from the API key, never from request headers."""

    key_id: str
    team: str
    project: str
    role: str = "app"
    allowed_models: tuple[str, ...] | None = None

    def may_use(self, model_id: str) -> bool:
        return self.allowed_models is None or model_id in self.allowed_models


@dataclass(slots=True)
class Usage:
    """Token counts as the vendor (or llama.cpp) reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    reported: bool = False
    cache_write_tokens: int = 0  # prompt tokens written to the vendor's prompt cache (Anthropic)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def to_openai(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.total_tokens,
        }
        if self.cached_tokens or self.cache_write_tokens:
            details: dict[str, int] = {"cached_tokens": self.cached_tokens}
            if self.cache_write_tokens:  # beyond OpenAI's shape; /v1/messages reports it back
                details["cache_write_tokens"] = self.cache_write_tokens
            out["prompt_tokens_details"] = details
        return out


class NativeCodec(Protocol):
    """What the pipeline needs to know of a face's own format to send it natively (a face module
    implements it: the format is the face's, so the knowledge stays there, pure).

    ``mask(body, text, signed, drop_binary)``: a copy of the face's request with every text part
    passed through ``text`` (``signed`` for text a vendor signature covers: thinking), binary
    parts replaced by a note when ``drop_binary``; ``restore(answer, restorer)``: the placeholders
    of a complete answer back (``privacy.restore.AnswerRestorer``'s rules), in place;
    ``relay(restorer, request_id, model)``: a ``NativeRelay`` for one stream; ``render(answer,
    request_id, model)``: the answer as the client gets it; ``texts(answer)``: its text, for the
    audit's digest."""

    format: str

    def mask(self, body: dict[str, Any], text: Callable[[str], str], signed: Callable[[str], str],
             drop_binary: bool) -> dict[str, Any]: ...

    def restore(self, answer: dict[str, Any], restorer: Any) -> None: ...

    def relay(self, restorer: Any, request_id: str, model: str) -> NativeRelay: ...

    def render(self, answer: dict[str, Any], request_id: str, model: str) -> dict[str, Any]: ...

    def texts(self, answer: dict[str, Any]) -> Iterable[str]: ...


class NativeRelay(Protocol):
    """One native stream on its way to the client: ``feed(event, data)`` the vendor's event → the
    events to send (placeholders restored, a held-back tail released before its block ends, ids
    and sequence numbers the client's); ``text(data)``: the answer text an outgoing event carries
    (for the audit digest and a cut stream's estimate)."""

    def feed(self, event: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]: ...

    def text(self, data: dict[str, Any]) -> str: ...


@dataclass(frozen=True, slots=True)
class NativeRequest:
    """The face's own request beside its chat translation (``RequestContext.body``): sent as it
    is (masked where the policy says) to a vendor that speaks ``codec.format``; every other stage
    reads the translation."""

    codec: NativeCodec
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class RequestContext:
    """Everything known about one request before a model is chosen."""

    request_id: str
    principal: Principal
    body: dict[str, Any]
    requested_model: str
    stream: bool
    use_case: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    body_size: int = 0
    operation: Operation = "chat"
    native: NativeRequest | None = None  # set by faces with a native format (docs/faces.md)
    started: float = field(default_factory=time.time)
    started_mono: float = field(default_factory=time.perf_counter)
    # W3C trace context (observe/tracing.py): the client's request headers, read for their
    # ``traceparent`` only when tracing is on, and the request's open trace once it began.
    trace_headers: Mapping[str, str] | None = None
    trace: RequestTrace | None = None
