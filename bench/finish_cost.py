"""What one request costs from the end of the vendor call to its stored ledger row and audit
entry, in instructions, on the loop and on the SQLite store thread apart.

The app (``cpu_per_request.py``'s defaults: privacy scan, SQLite ledger, hash-chained audit, a real
key) serves a few requests from the mock upstream; the last request's ``Finish`` is kept and its
row-building step (``Finish._row``: price, ledger row, metrics, audit entry) is run again for
``--n`` fresh request ids, then the ledger and audit writers flush those rows in full batches (256)
— exactly the work a finish queues, without the HTTP and routing around it. Counted by callgrind
with ``--separate-threads=yes``; each phase is zeroed and dumped by the thread that does it:

    nice valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file=/tmp/cg/fc \\
        .venv/bin/python bench/finish_cost.py --n 1024 [--stream]
    .venv/bin/python bench/finish_cost.py --report /tmp/cg/fc --n 1024

Phases: ``row`` (loop: ``_row`` for each request), ``flush`` (loop: the writers' batch work and
the executor hops) and ``store`` (the store thread: inserts, the rollup, sealing the chain).
Outside valgrind it prints the same phases in process CPU time (``--profile FILE`` writes a
cProfile of the loop phases).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import glob
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_per_request as cpr
import instructions_per_request as ipr

HOUR = 3600.0


async def main_async(args: argparse.Namespace) -> None:
    from aiohttp import web

    import tenbin
    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.config.loader import build_config
    from tenbin.context import Usage
    from tenbin.gateway.finish import Finish
    from tenbin.gateway.runtime import build_runtime

    cg = ipr.helper()
    print(f"tenbin from {Path(tenbin.__file__).parent}", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="tenbin-fc-"))
    cfg = cpr.config(0, args.mock_port, work / "tenbin.db", True)
    cfg["ledger"] = {"flush_interval_s": HOUR}  # batches of batch_size, as at saturation
    cfg["governance"] = {"flush_interval_s": HOUR}
    runtime = build_runtime(build_config(cfg, env={"MOCK_KEY": "sk-bench-upstream"}))
    app = create_app(runtime)
    runner = AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    key, _ = await runtime.keyring.create("bench", "default")
    kept: list[tuple[Finish, Usage]] = []
    call = Finish.__call__

    async def keep(self: Finish, status: int, error: str | None, usage: Usage | None = None) -> Any:
        kept.append((self, usage or Usage()))
        return await call(self, status, error, usage)

    Finish.__call__ = keep  # type: ignore[method-assign]
    store: Any = runtime.store
    audit = runtime.audit
    assert audit is not None  # governance.audit is on by default
    try:
        r, w = await asyncio.open_connection("127.0.0.1", port)
        client = cpr.Client(r, w, cpr.requests(port, key, cpr.SHORT, args.stream, False))
        for _ in range(20):
            await client.once()
        w.close()
        await runtime.ledger.flush()
        await audit.flush()
        fin, usage = kept[-1]
        ctx = fin.ctx
        prof = cProfile.Profile() if args.profile else None
        t0 = time.process_time()
        cg.cg_zero()
        if prof is not None:
            prof.enable()
        for i in range(args.n):
            ctx.request_id = f"fc-{i:08d}"
            fin._row(usage, 200, None)
        if prof is not None:
            prof.disable()
        cg.cg_dump(b"phase:row")
        t1 = time.process_time()
        await store._run(lambda _c: cg.cg_zero())
        if prof is not None:
            prof.enable()
        await runtime.ledger.flush()
        await audit.flush()
        if prof is not None:
            prof.disable()
        cg.cg_dump(b"phase:flush")
        await store._run(lambda _c: cg.cg_dump(b"phase:store"))
        t2 = time.process_time()
        if prof is not None:
            prof.dump_stats(args.profile)
        rows = await store.query("SELECT count(*) AS n FROM usage WHERE request_id LIKE 'fc-%'")
        assert rows[0]["n"] == args.n, rows
        print(f"process CPU per request: row {1e6 * (t1 - t0) / args.n:.1f} µs, "
              f"flush + store thread {1e6 * (t2 - t1) / args.n:.1f} µs")
    finally:
        await runner.cleanup()


def report(prefix: str, n: int) -> None:
    parts: dict[str, int] = {}
    for path in glob.glob(prefix + ".*"):
        trigger, total = ipr.totals(path)
        if trigger.startswith("phase:"):
            parts[trigger[6:]] = parts.get(trigger[6:], 0) + total
    whole = sum(parts.values())
    print(f"instructions per request, end of vendor call to stored row and entry: {whole / n:,.0f}")
    for name in ("row", "flush", "store"):
        if name in parts:
            print(f"  {name:<6} {parts[name] / n:12,.0f}  {100 * parts[name] / whole:5.1f} %")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--mock-port", type=int, default=9191)
    ap.add_argument("--profile", default="", help="cProfile of the loop phases to this file")
    ap.add_argument("--report", default="", help="print per-phase counts from the dumps PREFIX.* and exit")
    args = ap.parse_args()
    if args.report:
        report(args.report, args.n)
        return
    mock = cpr.start_mock(args.mock_port)
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        asyncio.run(main_async(args))
    finally:
        mock.kill()
        mock.wait()


if __name__ == "__main__":
    main()
