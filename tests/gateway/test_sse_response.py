"""The SSE response sends its headers with its first write, not alone at ``prepare``
(``api/sse.py``): a stream handed over by the pipeline already holds its first chunk, so headers
in a write of their own are a syscall per stream that brings the client nothing. A real aiohttp
server answers a raw-socket client; the writer's ``output_size`` (bytes handed to the socket)
says what ``prepare`` sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web

from tenbin.api.sse import SSE_HEADERS, SSEResponse


async def sent_at_prepare(response: Callable[[], web.StreamResponse]) -> tuple[int, bytes]:
    seen: list[int] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        resp = response()
        writer = await resp.prepare(request)
        assert writer is not None
        seen.append(writer.output_size)
        await resp.write(b"data: {}\n\n")
        await resp.write_eof(b"data: [DONE]\n\n")
        return resp

    app = web.Application()
    app.router.add_get("/", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        raw = await reader.read()
        writer.close()
    finally:
        await runner.cleanup()
    return seen[0], raw


async def test_headers_wait_for_the_first_write() -> None:
    sent, raw = await sent_at_prepare(lambda: SSEResponse({}))
    assert sent == 0
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head
    assert body == b"a\r\ndata: {}\n\n\r\ne\r\ndata: [DONE]\n\n\r\n0\r\n\r\n"


async def test_aiohttps_stream_response_sends_them_at_prepare() -> None:
    """The reference: what the class changes (if aiohttp ever buffers by default, this says so)."""
    sent, raw = await sent_at_prepare(lambda: web.StreamResponse(status=200, headers=SSE_HEADERS))
    assert sent > 0 and raw.startswith(b"HTTP/1.1 200")
