"""Instructions per request on the event loop and on the SQLite store thread, counted apart, with
the ledger and audit batches either as small as they are under valgrind or as large as at
saturation.

``instructions_per_request.py`` counts every thread together, and under valgrind the gateway
serves a few requests a second, so the 0.2 s flush timer writes batches of one or two rows: the
per-batch costs (a transaction, the chain head read, the executor hop) land on every request,
which they do not on a real box at c=16 (~1,500 requests a second fill a 256-row batch before the
timer fires). ``--full-batches`` sets both writers' flush interval to an hour, so batches are
written when ``batch_size`` rows are buffered, as at saturation, and flushes what is left inside
the measured window (n a multiple of 256 keeps every batch full).

Run under ``--separate-threads=yes``: the counters of the loop thread (the client included, as
in ``instructions_per_request.py``) and of the store thread are zeroed after the warm-up and
dumped after the measured requests and the final flush, each by its own thread:

    nice valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=/tmp/cg/f \\
        .venv/bin/python bench/finish_instructions.py --n 512 --conc 16 --full-batches [--stream]
    .venv/bin/python bench/finish_instructions.py --report /tmp/cg/f --n 512
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import glob
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_per_request as cpr
import instructions_per_request as ipr

HOUR = 3600.0


async def main_async(args: argparse.Namespace, cg: ctypes.CDLL) -> None:
    from aiohttp import web

    import tenbin
    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.config.loader import build_config
    from tenbin.gateway.runtime import build_runtime

    print(f"tenbin from {Path(tenbin.__file__).parent}", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="tenbin-cg-"))
    cfg = cpr.config(0, args.mock_port, work / "tenbin.db", True)
    if args.full_batches:
        cfg["ledger"] = {"flush_interval_s": HOUR}
        cfg["governance"] = {"flush_interval_s": HOUR}
    runtime = build_runtime(build_config(cfg, env={"MOCK_KEY": "sk-bench-upstream"}))
    app = create_app(runtime)
    runner = AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    key, _ = await runtime.keyring.create("bench", "default")
    store: Any = runtime.store
    audit = runtime.audit
    assert audit is not None  # governance.audit is on by default
    request = cpr.requests(port, key, cpr.SHORT, args.stream, False)
    try:
        clients = []
        for _ in range(args.conc):
            r, w = await asyncio.open_connection("127.0.0.1", port)
            clients.append(cpr.Client(r, w, request))
        for c in clients:  # warm: pools, caches, lazy imports
            for _ in range(20):
                await c.once()
        await runtime.ledger.flush()
        await audit.flush()
        per = args.n // args.conc

        async def run(c: cpr.Client) -> None:
            for _ in range(per):
                await c.once()

        await store._run(lambda _c: cg.cg_zero())
        cg.cg_zero()
        await asyncio.gather(*(run(c) for c in clients))
        await runtime.ledger.flush()
        await audit.flush()
        cg.cg_dump(b"measured:loop")
        await store._run(lambda _c: cg.cg_dump(b"measured:store"))
        for c in clients:
            c.writer.close()
    finally:
        await runner.cleanup()


def report(prefix: str, n: int) -> None:
    parts: dict[str, int] = {}
    for path in glob.glob(prefix + ".*"):
        trigger, total = ipr.totals(path)
        if trigger.startswith("measured:"):
            parts[trigger[9:]] = parts.get(trigger[9:], 0) + total
    whole = sum(parts.values())
    print(f"instructions per request: {whole / n:,.0f}")
    for name, total in sorted(parts.items()):
        print(f"  {name:<6} thread {total / n:12,.0f}  {100 * total / whole:5.1f} %")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--conc", type=int, default=16)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--full-batches", action="store_true", help="flush on batch_size only, as at saturation")
    ap.add_argument("--mock-port", type=int, default=9191)
    ap.add_argument("--report", default="", help="print per-thread counts from the dumps PREFIX.* and exit")
    args = ap.parse_args()
    if args.report:
        report(args.report, args.n)
        return
    cg = ipr.helper()
    if not cg.cg_on():
        print("not under valgrind: run it as valgrind --tool=callgrind --separate-threads=yes ...",
              file=sys.stderr)
    mock = cpr.start_mock(args.mock_port)
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        asyncio.run(main_async(args, cg))
    finally:
        mock.kill()
        mock.wait()


if __name__ == "__main__":
    main()
