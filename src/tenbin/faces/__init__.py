"""API faces: the wire formats applications speak, translated into the one chat pipeline.

A face turns its request into the pipeline's chat-completions body, and the pipeline's neutral
answer (a ``chat.completion`` or a stream of ``chat.completion.chunk`` dicts) back into its own
shape. Privacy, routing, budgets, providers, restore, ledger and audit never see which face a
request came through, so none of them can be skipped by choosing another API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from tenbin.errors import GatewayError


class StreamWriter(Protocol):
    """Renders one streamed answer: bytes to send before, for each pipeline chunk, and after."""

    def start(self) -> bytes: ...

    def feed(self, chunk: dict[str, Any]) -> bytes: ...

    def end(self) -> bytes: ...


def sse_event(name: str, data: dict[str, Any]) -> bytes:
    """A named SSE event (``event:`` line first), as Anthropic and the Responses API send them."""
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def join(frames: Iterable[bytes]) -> bytes:
    return b"".join(frames)


def first_choice(chunk: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str | None]]:
    """The delta and finish reason of choice 0 in a pipeline chunk: the faces that translate speak
    for one answer (``n`` = 1), so other choices never reach their clients."""
    for choice in chunk.get("choices") or []:
        if choice.get("index", 0) == 0:
            yield choice.get("delta") or {}, choice.get("finish_reason")


@dataclass(frozen=True, slots=True)
class Face:
    """One API face, made of its module's functions.

    ``to_chat(body)``: the face's request as a chat-completions body (``BadRequest`` naming the
    face's own param); ``render(completion, request_id, body)``: a ``chat.completion`` in the face's
    shape (``body`` is the face's request, for the fields its answer echoes); ``writer(request_id,
    model, body, created)``: a stream renderer (``created`` is the request's start, Unix seconds);
    ``error_body(err)``: an error in the face's shape."""

    name: str
    to_chat: Callable[[dict[str, Any]], dict[str, Any]]
    render: Callable[[dict[str, Any], str, dict[str, Any]], dict[str, Any]]
    writer: Callable[[str, str, dict[str, Any], int], StreamWriter]
    error_body: Callable[[GatewayError], dict[str, Any]]
