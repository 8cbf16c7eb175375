"""Render every failure in OpenAI's error JSON shape, with the right status."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web
from aiohttp.abc import AbstractStreamWriter

from tenbin.errors import GatewayError
from tenbin.faces.registry import error_body

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(err: GatewayError, request_id: str | None = None, path: str = "") -> web.Response:
    """``path`` picks the error shape of the face the request came through (``faces.registry``)."""
    headers = dict(err.headers)
    if request_id:
        headers["x-tenbin-request-id"] = request_id
    cls = ClosingResponse if getattr(err, "close_connection", False) else web.Response
    return cls(
        body=orjson.dumps(error_body(path, err)), status=err.status, content_type="application/json",
        headers=headers,
    )


class ClosingResponse(web.Response):
    """A response after which the connection is closed at once, for errors marked
    ``close_connection`` (api/body.py): the rest of a body that came too slowly or cannot be
    decoded is not read — aiohttp would otherwise linger up to 10 s draining it."""

    _transport: object = None

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        self.force_close()
        self._transport = request.transport
        return await super().prepare(request)

    async def write_eof(self, data: bytes = b"") -> None:
        await super().write_eof(data)
        transport, self._transport = self._transport, None
        if isinstance(transport, asyncio.Transport):
            transport.close()  # after the buffered response is flushed


HTTP_MAP = {
    404: ("Unknown endpoint.", "invalid_request_error", "not_found"),
    405: ("Method not allowed.", "invalid_request_error", "method_not_allowed"),
    413: ("Request body too large.", "invalid_request_error", "request_too_large"),
}
