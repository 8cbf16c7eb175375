"""API faces: the wire formats applications speak, translated into the one chat pipeline.

A face turns its request into the pipeline's chat-completions body, and the pipeline's neutral
answer (a ``chat.completion`` or a stream of ``chat.completion.chunk`` dicts) back into its own
shape. Privacy, routing, budgets, providers, restore, ledger and audit never see which face a
request came through, so none of them can be skipped by choosing another API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import orjson

from tenbin.errors import GatewayError


class StreamWriter(Protocol):
    """Renders one streamed answer: bytes to send before, for each pipeline chunk, and after."""

    def start(self) -> bytes: ...

    def feed(self, chunk: dict[str, Any]) -> bytes: ...

    def end(self) -> bytes: ...


class Face(Protocol):
    name: str

    def to_chat(self, body: dict[str, Any]) -> dict[str, Any]:
        """The face's request as a chat-completions body; raises ``BadRequest`` naming the face's param."""
        ...

    def render(self, completion: dict[str, Any], request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """``body`` is the face's own request, for the fields its answer echoes."""
        ...

    def writer(self, request_id: str, model: str, body: dict[str, Any], created: int) -> StreamWriter:
        """``created``: the request's start (Unix seconds), for faces whose events carry it."""
        ...

    def error_body(self, err: GatewayError) -> dict[str, Any]: ...


def sse_event(name: str, data: dict[str, Any]) -> bytes:
    """A named SSE event (``event:`` line first), as Anthropic and the Responses API send them."""
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def join(frames: Iterable[bytes]) -> bytes:
    return b"".join(frames)
