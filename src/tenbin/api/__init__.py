"""HTTP API: OpenAI-compatible endpoints, SSE framing, error mapping and auth."""

from tenbin.api.app import create_app

__all__ = ["create_app"]
