"""Bare Starlette + httpx pass-through under uvicorn: the common "FastAPI-style" proxy shape
(LiteLLM's proxy is FastAPI on uvicorn). httpx's default pool (100 connections) is left as a
naive proxy would leave it, so queueing behind the pool shows up at high concurrency.

    python bench/passthrough/starlette_proxy.py --port 9202 --upstream http://127.0.0.1:9100
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

_client: httpx.AsyncClient | None = None
_upstream = "http://127.0.0.1:9100"


async def chat(request: Request) -> Response:
    assert _client is not None
    body = await request.body()
    headers = {"content-type": "application/json", "authorization": "Bearer sk-bench-upstream"}
    req = _client.build_request("POST", _upstream + "/v1/chat/completions", content=body, headers=headers)
    up = await _client.send(req, stream=True)
    ctype = up.headers.get("content-type", "application/json")
    if not ctype.startswith("text/event-stream"):
        data = await up.aread()
        await up.aclose()
        return Response(data, status_code=up.status_code, media_type="application/json")

    async def relay() -> AsyncIterator[bytes]:
        try:
            async for chunk in up.aiter_raw():
                yield chunk
        finally:
            await up.aclose()

    return StreamingResponse(relay(), status_code=up.status_code, media_type=ctype)


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global _client
    _client = httpx.AsyncClient(timeout=120)
    yield
    await _client.aclose()


app = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"])], lifespan=lifespan)


def main() -> None:
    global _upstream
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9202)
    ap.add_argument("--upstream", default="http://127.0.0.1:9100")
    args = ap.parse_args()
    _upstream = args.upstream.rstrip("/")
    uvicorn.run(app, host=args.host, port=args.port, workers=1, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
