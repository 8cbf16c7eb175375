"""Bare aiohttp pass-through: the floor for "an asyncio proxy in Python".

No parsing beyond what forwarding needs: the body goes upstream as bytes, the answer comes back
as bytes (streamed through for SSE). One pooled ClientSession, like tenbin's adapters.

    python bench/passthrough/aiohttp_proxy.py --port 9201 --upstream http://127.0.0.1:9100
"""

from __future__ import annotations

import argparse

import aiohttp
from aiohttp import web

UPSTREAM = web.AppKey("upstream", str)
SESSION = web.AppKey("session", aiohttp.ClientSession)


async def chat(request: web.Request) -> web.StreamResponse:
    body = await request.read()
    session = request.app[SESSION]
    headers = {"content-type": "application/json", "authorization": "Bearer sk-bench-upstream"}
    async with session.post(request.app[UPSTREAM] + "/v1/chat/completions", data=body, headers=headers) as up:
        ctype = up.headers.get("content-type", "application/json")
        if not ctype.startswith("text/event-stream"):
            return web.Response(body=await up.read(), status=up.status, content_type="application/json")
        resp = web.StreamResponse(status=up.status, headers={"content-type": ctype, "cache-control": "no-cache"})
        await resp.prepare(request)
        async for chunk in up.content.iter_any():
            await resp.write(chunk)
        await resp.write_eof()
        return resp


def make_app(upstream: str) -> web.Application:
    app = web.Application()
    app[UPSTREAM] = upstream.rstrip("/")

    async def on_startup(app: web.Application) -> None:
        app[SESSION] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))

    async def on_cleanup(app: web.Application) -> None:
        await app[SESSION].close()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    app.router.add_post("/v1/chat/completions", chat)
    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9201)
    ap.add_argument("--upstream", default="http://127.0.0.1:9100")
    ap.add_argument("--uvloop", action="store_true", help="run on uvloop (as `tenbin serve` does)")
    args = ap.parse_args()
    loop = None
    if args.uvloop:
        import asyncio

        import uvloop

        loop = uvloop.new_event_loop()
        asyncio.set_event_loop(loop)
    web.run_app(make_app(args.upstream), host=args.host, port=args.port, access_log=None, print=None, loop=loop)


if __name__ == "__main__":
    main()
