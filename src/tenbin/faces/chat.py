"""The OpenAI Chat Completions face: the pipeline's own shape, so nothing is translated (but for
usage fields OpenAI has no name for); it is a face like the others so every API goes through the
same handler (``api/faces.py``)."""

from __future__ import annotations

from typing import Any

import orjson

from tenbin.errors import GatewayError
from tenbin.faces import Face

DONE = b"data: [DONE]\n\n"


def frame(obj: dict[str, Any]) -> bytes:
    """Server-Sent Events exactly as OpenAI sends them: ``data: {json}\\n\\n`` … ``data: [DONE]``."""
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def openai_usage(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with its usage in OpenAI's own shape: the pipeline's usage may also count prompt
    tokens written to a vendor's cache (``cache_write_tokens``, for /v1/messages), which OpenAI's
    schema has no field for."""
    details = (obj.get("usage") or {}).get("prompt_tokens_details")
    if isinstance(details, dict) and "cache_write_tokens" in details:
        usage = {**obj["usage"], "prompt_tokens_details": {k: v for k, v in details.items()
                                                          if k != "cache_write_tokens"}}
        return {**obj, "usage": usage}
    return obj


class ChatWriter:
    def start(self) -> bytes:
        return b""

    def feed(self, chunk: dict[str, Any]) -> bytes:
        return frame(openai_usage(chunk) if "usage" in chunk else chunk)

    def end(self) -> bytes:
        return DONE


def _identity(completion: dict[str, Any], request_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return openai_usage(completion)


# The body is validated by the handler, as every face's output is.
CHAT = Face("chat", lambda body: body, _identity, lambda *_: ChatWriter(), GatewayError.to_body)
