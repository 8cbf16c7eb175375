"""Which face a path belongs to, so an error raised anywhere (auth, body limits, the pipeline) is
rendered in the shape that request's SDK parses: OpenAI's by default, Anthropic's on ``/v1/messages``."""

from __future__ import annotations

from typing import Any

from tenbin.errors import GatewayError
from tenbin.faces import messages_answer


def error_body(path: str, err: GatewayError) -> dict[str, Any]:
    if path == "/v1/messages" or path.startswith("/v1/messages/"):
        return messages_answer.error_body(err)
    return err.to_body()
