"""API faces: the wire formats applications speak, translated into the one chat pipeline.

A face turns its request into the pipeline's chat-completions body, and the pipeline's neutral
answer (a ``chat.completion`` or a stream of ``chat.completion.chunk`` dicts) back into its own
shape. Privacy, routing, budgets, providers, restore, ledger and audit never see which face a
request came through, so none of them can be skipped by choosing another API.

A face with a format of its own (Messages, Responses) also gives its request as written and a
``NativeCodec`` (``context.py``): where the chosen vendor speaks that format the request goes there
natively, masked like its chat translation, and the vendor's answer or events come back as they
came, placeholders restored (docs/faces.md "Native pass-through").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from tenbin.context import NativeCodec
from tenbin.errors import GatewayError

#: Keys whose strings are opaque to a vendor's own checks (ids, signatures, encrypted or base64
#: payloads): a native request's masking never rewrites them, whatever the format.
OPAQUE = frozenset({"id", "call_id", "tool_use_id", "signature", "data", "encrypted_content",
                    "encrypted_index", "file_id", "type", "role", "status", "media_type", "authorization_token"})
#: Blocks whose text a vendor signs or encrypts beside (thinking, reasoning): rewritten only when
#: they hold a found value, never for escaping (``MaskSession.mask_values``).
SIGNED = frozenset({"thinking", "reasoning"})


def map_strings(value: Any, text: Callable[[str], str], signed: Callable[[str], str],
                binary: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None,
                *, sign: bool = False) -> Any:
    """A copy of ``value`` with every string passed through ``text`` (``signed`` inside a signed
    block), except those under ``OPAQUE`` keys and ``data:`` URLs; each object is first shown to
    ``binary``, which may return its replacement (a binary part dropped for a note)."""
    if isinstance(value, str):
        return value if value.startswith("data:") else (signed if sign else text)(value)
    if isinstance(value, list):
        return [map_strings(v, text, signed, binary, sign=sign) for v in value]
    if not isinstance(value, dict):
        return value
    if binary is not None:
        replaced = binary(value)
        if replaced is not None:
            return replaced
    inner = sign or value.get("type") in SIGNED
    return {k: v if k in OPAQUE else map_strings(v, text, signed, binary, sign=inner) for k, v in value.items()}


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
    ``error_body(err)``: an error in the face's shape; ``native``/``native_writer``: the codec and
    stream renderer of the face's own format, when it has one a vendor speaks."""

    name: str
    to_chat: Callable[[dict[str, Any]], dict[str, Any]]
    render: Callable[[dict[str, Any], str, dict[str, Any]], dict[str, Any]]
    writer: Callable[[str, str, dict[str, Any], int], StreamWriter]
    error_body: Callable[[GatewayError], dict[str, Any]]
    native: NativeCodec | None = None  # the face's own format, for vendors that speak it
    native_writer: Callable[[str, str, dict[str, Any], int], StreamWriter] | None = None
