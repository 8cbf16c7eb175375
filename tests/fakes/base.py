"""The vendor-neutral scripted upstream the fake vendors are built on: records every request
verbatim and replays scripted replies (answers, HTTP errors, delays, drips, truncations, resets),
one per request."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Self

import orjson
from aiohttp import web


@dataclass
class Recorded:
    """One request exactly as the fake received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


@dataclass
class Reply:
    """What to answer one request with.

    ``json``/``raw`` give a plain body, ``events`` pre-encoded SSE frames. Faults: ``delay`` before
    the status line, ``drip`` seconds between frames, ``truncate_after`` N frames then a clean end
    of body, ``reset_after`` N frames (or N bytes of a plain body) then a TCP reset.
    """

    status: int = 200
    json: Any = None
    raw: bytes | None = None
    events: Sequence[bytes] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    truncate_after: int | None = None
    reset_after: int | None = None


class FakeUpstream:
    """An aiohttp server on an ephemeral loopback port that records and replays ``Reply``s."""

    sse_content_type = "text/event-stream"

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: deque[Reply] = deque()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def enqueue(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def routes(self) -> list[web.RouteDef]:
        raise NotImplementedError

    async def start(self) -> Self:
        """Listen on an ephemeral loopback port (``start``/``stop`` suit a fixture on another loop)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes(self.routes())
        # handler_cancellation: a client that gave up (timeout tests) must not keep a handler alive.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def record(self, request: web.Request) -> Recorded:
        rec = Recorded(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.read(),
        )
        self.requests.append(rec)
        return rec

    async def send(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        """Play one reply, faults included."""
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.events is not None:
            return await self._send_events(request, reply)
        body = reply.raw if reply.raw is not None else orjson.dumps(reply.json)
        headers = {"content-type": "application/json", **reply.headers}
        if reply.reset_after is None:
            return web.Response(status=reply.status, body=body, headers=headers)
        resp = web.StreamResponse(status=reply.status, headers=headers)
        resp.content_length = len(body)
        await resp.prepare(request)
        await resp.write(body[: reply.reset_after])
        return self._reset(request, resp)

    async def _send_events(self, request: web.Request, reply: Reply) -> web.StreamResponse:
        headers = {"content-type": self.sse_content_type, "cache-control": "no-cache", **reply.headers}
        resp = web.StreamResponse(status=reply.status, headers=headers)
        await resp.prepare(request)
        for n, frame in enumerate(reply.events or ()):
            if n == reply.reset_after:
                return self._reset(request, resp)
            if n == reply.truncate_after:
                break
            if reply.drip and n:
                await asyncio.sleep(reply.drip)
            await resp.write(frame)
        await resp.write_eof()
        return resp

    @staticmethod
    def _reset(request: web.Request, resp: web.StreamResponse) -> web.StreamResponse:
        resp.force_close()
        if request.transport is not None:
            request.transport.abort()
        return resp


# ---- Anthropic wire format ------------------------------------------------------------------
