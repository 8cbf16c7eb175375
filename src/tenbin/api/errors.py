"""Render every failure in OpenAI's error JSON shape, with the right status."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import StreamReader, web
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
    """A response after which the connection is closed, for errors marked ``close_connection``
    (api/body.py): the rest of a body that came too slowly or cannot be decoded is not waited for
    — aiohttp would otherwise linger up to 10 s draining it.

    The close is in stages (RFC 9112 §9.6): the write side is shut first, so the client reads the
    error and then EOF, and what it still sends is read and dropped for up to :data:`LINGER_S`
    before the socket closes. Closing at once with the client's bytes unread, or arriving after,
    makes the kernel answer with a reset, and a reset can reach the client before it has read the
    error (the slow-drip test saw that under load: the 408 lost, ``ECONNRESET`` instead)."""

    _request: web.BaseRequest | None = None

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        self.force_close()
        self._request = request
        return await super().prepare(request)

    async def write_eof(self, data: bytes = b"") -> None:
        await super().write_eof(data)
        request, self._request = self._request, None
        if request is None:
            return
        transport = request.transport
        if not isinstance(transport, asyncio.Transport) or transport.is_closing():
            return
        if not transport.can_write_eof():  # TLS: no half-close; closed once the error is flushed
            transport.close()
            return
        transport.write_eof()
        await _drain_briefly(request.content)
        transport.close()


LINGER_S = 2.0  # long enough for the error to cross a slow link and be read; short for a slow-drip


async def _drain_briefly(content: StreamReader) -> None:
    """Read and drop what the client still sends, until it stops (EOF) or :data:`LINGER_S` pass;
    a payload already broken (a decoding error) ends it at once."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(LINGER_S):
            while not content.is_eof():
                await content.readany()


HTTP_MAP = {
    404: ("Unknown endpoint.", "invalid_request_error", "not_found"),
    405: ("Method not allowed.", "invalid_request_error", "method_not_allowed"),
    413: ("Request body too large.", "invalid_request_error", "request_too_large"),
}
