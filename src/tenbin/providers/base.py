"""The one interface every vendor adapter implements: complete, stream, usage out; for
adapters whose vendor serves embedding models, ``embed`` (:class:`Embedder`); and, for adapters
whose vendor speaks an API face's own format (Anthropic Messages, OpenAI Responses), ``native``
and ``native_stream`` (:class:`NativeSpeaker`), which send the face's request as it is.

Adapters translate OpenAI-shaped request bodies to their wire format and back, and raise
``ProviderError`` with a ``kind`` that the resilience layer understands (retry? fall back?).
"""

from __future__ import annotations

import base64
import struct
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Usage

ErrorKind = Literal[
    "rate_limit",  # 429: retry after Retry-After, then fall back
    "server",  # 5xx: retry, then fall back
    "timeout",  # connect/read timeout: retry, then fall back
    "connection",  # refused / reset: retry, then fall back
    "bad_response",  # malformed JSON or a truncated stream: fall back
    "bad_request",  # the request itself is malformed (or cannot be encoded): no retry, no fallback
    "auth",  # 401/403 from the vendor: our key is wrong, fall back
    "not_found",  # the vendor does not serve this model (retired, renamed, not for our key): fall back
    "billing",  # our credit or quota with the vendor is exhausted: fall back
    "region",  # the vendor refuses our location for this model: fall back
    "unavailable",  # not configured (no key) or overloaded queue: fall back
    "engine_crashed",  # the embedded model's worker process died: fall back (it is respawned)
    "engine_hung",  # the embedded model's worker went silent and was killed: fall back
]

RETRYABLE: frozenset[str] = frozenset({"rate_limit", "server", "timeout", "connection"})


class ProviderError(Exception):
    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        body: Any = None,
        sent: bool = True,
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.body = body
        self.sent = sent  # False when the request provably never left (no connection was made)

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    @property
    def reached(self) -> bool:
        """Did the request reach the vendor? An HTTP answer proves it did; no key, a full local
        queue, a body that could not be encoded or a refused connection prove it did not; anything
        else (a timeout, a reset) may have delivered it, so it counts as reached — the audit's
        transfer record must never miss data that left."""
        if self.status is not None:
            return True
        return self.sent and self.kind not in ("unavailable", "bad_request")


@dataclass(frozen=True, slots=True)
class NativeBody:
    """A face's own request for a vendor that speaks its format: ``format`` names it
    (``anthropic.messages``, ``openai.responses``), ``body`` is the request (masked for this
    destination when the policy says so), ``headers`` what the client sent that the vendor reads
    (``anthropic-beta``, ``anthropic-version``)."""

    format: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ChatCall:
    """What an adapter needs: the model, the OpenAI-shaped body and the request id for tracing;
    ``native`` when the pipeline sends this model the face's own request (``NativeSpeaker``)."""

    model: ModelSpec
    body: dict[str, Any]
    request_id: str
    native: NativeBody | None = None


@dataclass(slots=True)
class ChatResult:
    """A complete answer in OpenAI's chat.completion shape plus the usage it reports."""

    response: dict[str, Any]
    usage: Usage


@dataclass(slots=True)
class StreamChunk:
    """One OpenAI ``chat.completion.chunk`` dict; ``usage`` is set on the chunk that carries it.

    From ``native_stream``: one vendor event as it came, ``event`` its SSE name and ``chunk`` its
    data; ``content`` says whether it carries any of the answer (the stream commits to its model
    there, as a chat stream does at its first content chunk).

    ``more``: the next item is already here (decoded from the same network read), or the answer
    is over (the vendor's end marker came in that read: only the end of its body follows), so a
    consumer may write this one together with what comes next; False when the next may take the
    vendor's time, and whatever the consumer holds must go out now (gateway/streaming.py)."""

    chunk: dict[str, Any]
    usage: Usage | None = None
    event: str | None = None
    content: bool = False
    more: bool = False


def in_one_read(chunks: Iterable[StreamChunk]) -> tuple[list[StreamChunk], ProviderError | None]:
    """The chunks one network read makes, all made before any is yielded (an event may make
    none, so only the whole read tells which chunk is its last), marked ``more`` but the last;
    and the ``ProviderError`` that stopped them, if one did, for the caller to raise once it
    has yielded what came before it."""
    made: list[StreamChunk] = []
    failed: ProviderError | None = None
    try:
        made.extend(chunks)
    except ProviderError as e:
        failed = e
    for c in made[:-1]:
        c.more = True
    return made, failed


@dataclass(slots=True)
class NativeResult:
    """A complete answer in the face's own format (an Anthropic ``message``, an OpenAI
    ``response``) as the vendor sent it, plus the usage it reports."""

    response: dict[str, Any]
    usage: Usage


@dataclass(slots=True)
class EmbedResult:
    """One vector per input, in input order, as floats (the face encodes base64 itself, so every
    vendor answers the same way); ``usage.prompt_tokens`` is what the vendor counted."""

    vectors: list[list[float]]
    usage: Usage


def float32_base64(vec: Sequence[float]) -> str:
    """A vector as OpenAI's ``encoding_format: base64`` sends it: little-endian float32, base64."""
    return base64.b64encode(struct.pack(f"<{len(vec)}f", *vec)).decode("ascii")


@dataclass(slots=True)
class Availability:
    ok: bool
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    name: str

    def availability(self) -> Availability: ...

    async def complete(self, call: ChatCall) -> ChatResult: ...

    def stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class Embedder(Protocol):
    """A provider that serves ``kind: embedding`` models. ``call.body`` is the embeddings request
    as OpenAI defines it (``input`` a string, strings or token arrays; ``dimensions``; ``user``),
    without ``encoding_format``."""

    async def embed(self, call: ChatCall) -> EmbedResult: ...


@runtime_checkable
class NativeSpeaker(Protocol):
    """A provider whose vendor speaks some faces' own formats (``speaks``): the pipeline sends it
    ``call.native`` instead of translating, so what the translation does not model (cache marks,
    signed thinking, citations, server tools) survives both ways."""

    def speaks(self, fmt: str) -> bool: ...

    async def native(self, call: ChatCall) -> NativeResult: ...

    def native_stream(self, call: ChatCall) -> AsyncIterator[StreamChunk]: ...
