"""The response every Server-Sent Events stream is written with, whatever the face (framing is the
face's: ``faces/chat.py`` for OpenAI's ``data:`` lines, ``faces.sse_event`` for named events)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

SSE_HEADERS = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
}


class SSEResponse(web.StreamResponse):
    """A 200 stream response with the SSE headers (and the request's own: ``headers``), whose
    headers go out with its first write, not alone at ``prepare``.

    The pipeline hands a stream over only once the vendor's first content chunk is in hand
    (``gateway/streaming.py``), so the first write follows ``prepare`` at once: sending the
    headers separately costs a syscall (and a loopback segment) per stream and brings the client
    nothing. aiohttp's ``web.Response`` buffers its headers the same way; ``StreamResponse``
    defaults to sending them at once (aiohttp ≥ 3.11; before, the attribute is unused). A client
    that left before the first byte is then seen at that write, not at ``prepare``: the request
    ends as a client disconnect either way."""

    _send_headers_immediately = False

    def __init__(self, headers: Mapping[str, str]) -> None:
        super().__init__(status=200, headers={**SSE_HEADERS, **headers})
