"""The OpenAI Chat Completions face: the pipeline's own shape, so nothing is translated; it is a
face like the others so every API goes through the same handler (``api/faces.py``)."""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import GatewayError

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


class ChatFace:
    name = "chat"

    def to_chat(self, body: dict[str, Any]) -> dict[str, Any]:
        return body  # validated by the handler, as every face's output is

    def render(self, completion: dict[str, Any], request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return completion

    def writer(self, request_id: str, model: str, body: dict[str, Any], created: int) -> ChatWriter:
        return ChatWriter()

    def error_body(self, err: GatewayError) -> dict[str, Any]:
        return err.to_body()


CHAT = ChatFace()
