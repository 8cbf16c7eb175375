"""The API side alone: what tenbin's aiohttp app costs per request around the pipeline — the
middlewares, auth, body read and checks, the request context, the face's rendering and the
response write — with ``Gateway.chat`` replaced by a stub that hands back a canned answer at once.

The pipeline's stages (scan, routing, vendor call, finish) have their own counts
(``instructions_per_request.py --stages``); this isolates the part they share with none, and sets
it beside a bare aiohttp handler (``--floor``) that reads the body, parses it, and answers the
same bytes, so the difference is tenbin's own work on the server side and not aiohttp's:

    nice valgrind --tool=callgrind --callgrind-out-file=/tmp/side \\
        .venv/bin/python bench/api_side.py --n 2000 --conc 16 [--stream] [--floor]
    .venv/bin/python bench/instructions_per_request.py --report /tmp/side --n 2000

Outside valgrind it prints CPU per request (``process_time``, client included), or with
``--profile PATH`` writes a cProfile of the loop. The counts include the raw-socket client
(``cpu_per_request.Client``), the same for both targets.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_per_request as cpr
import instructions_per_request as ipr
from mock_upstream import completion_body, stream_events


def canned() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The mock's answer, as the pipeline hands it over: a ``chat.completion`` and its chunks."""
    chunks = [orjson.loads(e[6:]) for e in stream_events("bench")[:-1]]
    return orjson.loads(completion_body("bench")), chunks


def floor_app() -> Any:
    from aiohttp import web

    response, chunks = canned()
    frames = [b"data: " + orjson.dumps(c) + b"\n\n" for c in chunks]

    async def chat(request: web.Request) -> web.StreamResponse:
        body = orjson.loads(await request.read())
        if not body.get("stream"):
            return web.Response(body=orjson.dumps(response), content_type="application/json")
        resp = web.StreamResponse(headers={"content-type": "text/event-stream; charset=utf-8",
                                           "cache-control": "no-cache"})
        await resp.prepare(request)
        for f in frames:
            await resp.write(f)
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp

    app = web.Application()
    app.router.add_post("/v1/chat/completions", chat)
    return app


def stub(runtime: Any) -> None:
    """``Gateway.chat`` answers at once with the canned answer, served by the bench model."""
    from tenbin.gateway.pipeline import Completion
    from tenbin.gateway.served import Served
    from tenbin.gateway.streaming import Stream
    from tenbin.routing.decision import Decision

    response, chunks = canned()
    model = runtime.catalog.get("bench")
    served = Served(model, Decision(model=model, trace={"data_class": "PUBLIC"}), sent=1)

    async def relay() -> AsyncIterator[dict[str, Any]]:
        for c in chunks:
            yield c

    async def chat(ctx: Any) -> Any:
        if ctx.stream:
            return Stream(relay(), served)
        return Completion(response, served)

    runtime.gateway.chat = chat


async def run(args: argparse.Namespace) -> None:
    from aiohttp import web

    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.config.loader import build_config
    from tenbin.gateway.runtime import build_runtime

    cg = ipr.helper()
    key = "tb-none-none"
    runtime = None
    if args.floor:
        runner: web.AppRunner = web.AppRunner(floor_app(), access_log=None, handler_cancellation=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="tenbin-side-"))
        cfg = cpr.config(0, 9, work / "tenbin.db", args.privacy)  # no upstream is ever called
        runtime = build_runtime(build_config(cfg, env={"MOCK_KEY": "unused"}))
        app = create_app(runtime)
        stub(runtime)
        runner = AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    if runtime is not None:
        key, _ = await runtime.keyring.create("bench", "default")
        # Served at valgrind's speed, the 2 s key cache would go stale every ~100 requests instead
        # of every ~2,000, and each refresh (a store read on its thread) would count against them.
        runtime.keyring.ttl_s = 3600.0
    request = cpr.requests(port, key, cpr.SHORT, args.stream, False)
    clients = []
    for _ in range(args.conc):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        clients.append(cpr.Client(r, w, request))
    for c in clients:  # warm: caches, lazy imports
        for _ in range(20):
            await c.once()

    async def go(c: cpr.Client) -> None:
        for _ in range(args.n // args.conc):
            await c.once()

    prof = cProfile.Profile() if args.profile else None
    t0 = time.process_time()
    cg.cg_zero()
    if prof is not None:
        prof.enable()
    await asyncio.gather(*(go(c) for c in clients))
    if prof is not None:
        prof.disable()
        prof.dump_stats(args.profile)
    cg.cg_dump(b"measured")
    cpu = time.process_time() - t0
    print(f"{'floor' if args.floor else 'tenbin'} {'stream' if args.stream else 'json'}: "
          f"{1e6 * cpu / args.n:.1f} µs CPU per request (client included)", file=sys.stderr)
    for c in clients:
        c.writer.close()
    await runner.cleanup()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--conc", type=int, default=16)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--floor", action="store_true", help="a bare aiohttp handler instead of tenbin's app")
    ap.add_argument("--no-privacy", dest="privacy", action="store_false")
    ap.add_argument("--profile", default="", help="write a cProfile of the measured requests here")
    args = ap.parse_args()
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
