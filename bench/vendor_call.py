"""Instructions per vendor call, one at a time, counted by callgrind: the OpenAI-compatible adapter
(``complete`` / ``stream``, the deadlines of its provider in ``ATTEMPT``, as the pipeline sets
them) against the floor, one pooled aiohttp session sending bytes and reading bytes (what
``bench/passthrough/aiohttp_proxy.py`` does per request), both against the mock upstream.

The end-to-end stage windows (``instructions_per_request.py --stages``) hold whatever the store
and spool threads did meanwhile, so they move by ~100 k between requests; this holds only the
call, so an A/B of the vendor call reads to a few hundred instructions:

    PYTHONPATH=<tree>/src nice valgrind --tool=callgrind --callgrind-out-file=/tmp/vc/x.%p \\
        .venv/bin/python bench/vendor_call.py adapter --stream
    .venv/bin/python bench/vendor_call.py --report /tmp/vc/x --n 300

``floor`` instead of ``adapter`` for the floor. The mock is a child process valgrind does not follow.
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_per_request as cpr
from instructions_per_request import helper, totals

BODY = {"model": "bench", "messages": [{"role": "user", "content": cpr.SHORT}], "max_tokens": 32}


def floor(url: str, stream: bool) -> Callable[[], Awaitable[None]]:
    import aiohttp
    import orjson

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=256))
    data = orjson.dumps({**BODY, "stream": True} if stream else BODY)

    async def once() -> None:
        headers = {"content-type": "application/json", "authorization": "Bearer sk-bench-upstream"}
        async with session.post(url + "/chat/completions", data=data, headers=headers) as up:
            if stream:
                async for _ in up.content.iter_any():
                    pass
            else:
                await up.read()

    return once


def adapter(url: str, stream: bool) -> Callable[[], Awaitable[None]]:
    from pydantic import SecretStr

    from tenbin.catalog.catalog import ModelSpec
    from tenbin.config.schema import ProviderConfig
    from tenbin.providers.base import ChatCall
    from tenbin.providers.deadlines import ATTEMPT, Deadlines
    from tenbin.providers.openai_compat import OpenAICompatProvider

    model = ModelSpec.model_validate(cpr._model_yaml("bench"))
    p = OpenAICompatProvider("mock", ProviderConfig(kind="openai", base_url=url,
                                                    api_key=SecretStr("sk-bench-upstream")))
    call = ChatCall(model=model, body=BODY, request_id="r")
    ATTEMPT.set(Deadlines.of(p.cfg))

    async def once() -> None:
        if stream:
            async for _ in p.stream(call):
                pass
        else:
            await p.complete(call)

    return once


async def run(args: argparse.Namespace) -> None:
    cg = helper()
    url = f"http://127.0.0.1:{args.mock_port}/v1"
    once = (floor if args.side == "floor" else adapter)(url, args.stream)
    for _ in range(100):  # warm: the pooled connection, lazy imports
        await once()
    cg.cg_zero()
    for _ in range(args.n):
        await once()
    cg.cg_dump(b"measured")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("side", nargs="?", choices=["adapter", "floor"], default="adapter")
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--mock-port", type=int, default=9193)
    ap.add_argument("--report", default="", help="print instructions per call from the dumps PREFIX.* and exit")
    args = ap.parse_args()
    if args.report:
        for path in glob.glob(args.report + ".*"):
            trigger, total = totals(path)
            if trigger == "measured":
                print(f"instructions per call: {total / args.n:,.0f}")
        return
    mock = cpr.start_mock(args.mock_port)
    try:
        import uvloop

        uvloop.run(run(args))
    finally:
        mock.kill()
        mock.wait()


if __name__ == "__main__":
    main()
