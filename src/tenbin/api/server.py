"""Serving the app, so that even a request aiohttp cannot parse is answered in OpenAI's error shape.

aiohttp 3 answers a request it cannot parse — a bad request line or method, a malformed or
oversized header, a conflicting or non-numeric ``Content-Length``, broken chunked framing seen by
the parser — itself, as ``text/plain``, before any middleware runs (aio-libs/aiohttp#3287,
#9882; aiohttp 4 routes them through the middlewares, #12925). Its one hook for them is
``RequestHandler.handle_error``, which also renders a handler exception that escaped every
middleware (500) or a handler timeout (504). So :class:`ProtocolErrors` overrides it, and
:class:`AppRunner` — a ``web.AppRunner`` whose server builds that handler for each connection —
is what ``tenbin serve`` (:func:`run`) and the test harness serve with.

The message names the kind of fault, not the bytes that caused it: aiohttp's own text quotes the
offending line, which may be an ``Authorization`` header. The log gets the same, at warning level
(a client's fault), or the traceback for a 500 (ours).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import http_exceptions, web
from aiohttp.web_protocol import RequestHandler

log = logging.getLogger("tenbin.api")

# aiohttp's exception class → what the client is told (most specific first)
_FAULTS: tuple[tuple[type[Exception], str, str], ...] = (
    (http_exceptions.LineTooLong, "A request line or header is too long.", "request_line_too_long"),
    (http_exceptions.BadHttpMethod, "The request method is not valid HTTP.", "invalid_http_method"),
    (http_exceptions.BadStatusLine, "The request line is not valid HTTP.", "invalid_request_line"),
    (http_exceptions.InvalidHeader, "A request header is not valid HTTP.", "invalid_header"),
    (http_exceptions.ContentLengthError, "The request body does not match its Content-Length.",
     "invalid_content_length"),
    (http_exceptions.TransferEncodingError, "The request body's chunked encoding is broken.",
     "invalid_transfer_encoding"),
    (http_exceptions.ContentEncodingError, "The request body could not be decoded with its Content-Encoding.",
     "invalid_content_encoding"),
    (http_exceptions.BadHttpMessage, "The request is not valid HTTP.", "invalid_http"),
)


def fault(exc: BaseException | None, status: int) -> tuple[str, str, str]:
    """(message, type, code) for what aiohttp hands ``handle_error``."""
    if status >= 500:
        if status == 504:
            return "The gateway timed out handling the request.", "server_error", "timeout"
        return "The gateway hit an internal error.", "server_error", "internal_error"
    for cls, message, code in _FAULTS:
        if isinstance(exc, cls):
            return message, "invalid_request_error", code
    return "The request is not valid HTTP.", "invalid_request_error", "invalid_http"


class ProtocolErrors(RequestHandler):
    """aiohttp's connection handler, with its error page replaced by an OpenAI-shaped JSON body."""

    def handle_error(self, request: web.BaseRequest, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if request.writer.output_size > 0:  # as aiohttp: a response is under way, the connection is broken
            raise ConnectionError("Response is sent already, cannot send another response with the error message")
        text, typ, code = fault(exc, status)
        if status >= 500 and status != 504:
            log.error("unhandled error on a request", exc_info=exc)
        else:
            log.warning("refused a request aiohttp could not handle: %s %s (%s)", status, code,
                        type(exc).__name__ if exc is not None else "-")
        body = {"error": {"message": text, "type": typ, "param": None, "code": code}}
        resp = web.Response(body=orjson.dumps(body), status=status, content_type="application/json")
        resp.force_close()  # as aiohttp: after a protocol error the stream cannot be trusted
        return resp


class _Server(web.Server):
    def __call__(self) -> RequestHandler:
        return ProtocolErrors(self, loop=self._loop, **self._kwargs)


class AppRunner(web.AppRunner):
    """``web.AppRunner`` whose connections answer protocol errors in OpenAI's error shape."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _Server  # the same server; only its connection factory differs
        return server


def run(app: web.Application, host: str, port: int, print: Callable[[str], None] | None = None,
        *, sock: socket.socket | None = None, reuse_port: bool = False, **kwargs: Any) -> None:
    """``web.run_app`` with :class:`AppRunner`: serve until SIGINT/SIGTERM, then clean up — the
    app's shutdown and cleanup (last refusal summary, ledger and audit flush) run before any other
    task is cancelled, as ``run_app`` orders it. ``sock``: an already listening socket (a
    ``tenbin serve --workers`` worker inherits its supervisor's) instead of binding host:port;
    ``reuse_port``: bind with SO_REUSEPORT beside the other workers."""

    async def serve() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        runner = AppRunner(app, handle_signals=False, **kwargs)
        await runner.setup()
        try:
            site: web.BaseSite = (web.SockSite(runner, sock) if sock is not None
                                  else web.TCPSite(runner, host, port, reuse_port=reuse_port or None))
            await site.start()
            if print is not None:
                names = ", ".join(sorted(str(s.name) for s in runner.sites))
                print(f"======== Running on {names} ========\n(Press CTRL+C to quit)")
            await stop.wait()
        finally:
            await runner.cleanup()

    asyncio.run(serve())
