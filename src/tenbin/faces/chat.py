"""The OpenAI Chat Completions face: the pipeline's own shape, so nothing is translated; it is a
face like the others so every API goes through the same handler (``api/faces.py``)."""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import GatewayError
from tenbin.faces import Face

DONE = b"data: [DONE]\n\n"


def frame(obj: dict[str, Any]) -> bytes:
    """Server-Sent Events exactly as OpenAI sends them: ``data: {json}\\n\\n`` … ``data: [DONE]``."""
    return b"data: " + orjson.dumps(obj) + b"\n\n"


class ChatWriter:
    def start(self) -> bytes:
        return b""

    def feed(self, chunk: dict[str, Any]) -> bytes:
        return frame(chunk)

    def end(self) -> bytes:
        return DONE


def _identity(completion: dict[str, Any], request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return completion


# The body is validated by the handler, as every face's output is.
CHAT = Face("chat", lambda body: body, _identity, lambda *_: ChatWriter(), GatewayError.to_body)
