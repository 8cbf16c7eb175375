"""tenbin's own instructions per request, counted by callgrind: a number that does not move with
the machine's load, for A/B comparisons of the hot path on a shared box (where wall time and even
``process_time`` are inflated and noisy).

The app is the one ``cpu_per_request.py`` serves (defaults: privacy scan on, SQLite ledger,
hash-chained audit, a real API key), in this process, driven by its raw-socket client; the mock
upstream is a child process that valgrind does not follow. A tiny C helper (compiled on first
use from valgrind's ``callgrind.h``) zeroes callgrind's counters after the warm-up and dumps them
after the measured requests, so start-up, imports and the dictionary load are not counted;
the count covers every thread (the SQLite store thread too) and the client, whose cost is
measured the same way against the mock alone (``--client``) and can be subtracted.

    nice valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.%p \\
        .venv/bin/python bench/instructions_per_request.py --n 200 --conc 16
    # prints "instructions per request: N" (read from the dump's totals)

``--spool interval|always|never`` sets ``ledger.spool_dir`` (with that ``spool_fsync``), to count
what the write-ahead spool costs per request (its thread included).

``--stages`` (use ``--conc 1``) dumps at each stage boundary of every request as well and prints
the instructions per request between them (privacy scan, routing, vendor call, ...); at c=1 the
loop serves one request at a time, so a window holds that stage's work plus whatever the store
thread did meanwhile; the first window ("HTTP in") also holds the loop's idle wake-ups (batch
flush timers), which depend on wall time, so it moves between runs. Not meaningful outside
valgrind (the counters are no-ops there).
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import glob
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cpu_per_request as cpr

C_SOURCE = r"""
#include <valgrind/callgrind.h>
void cg_zero(void) { CALLGRIND_ZERO_STATS; }
void cg_dump(const char *s) { CALLGRIND_DUMP_STATS_AT(s); }
int cg_on(void) { return RUNNING_ON_VALGRIND; }
"""


def helper() -> ctypes.CDLL:
    out = Path(tempfile.gettempdir()) / "tenbin_cg_helper.so"
    if not out.exists():
        src = out.with_suffix(".c")
        src.write_text(C_SOURCE)
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(out), str(src)], check=True)
    lib = ctypes.CDLL(str(out))
    lib.cg_dump.argtypes = [ctypes.c_char_p]
    return lib


class Windows:
    """Dumps callgrind's counters at each stage boundary (``--stages``): the dump named
    ``stage:<name>`` holds the instructions since the boundary before it."""

    def __init__(self, cg: ctypes.CDLL) -> None:
        self.cg = cg
        self.enabled = False

    def cut(self, name: str) -> None:
        if self.enabled:
            self.cg.cg_dump(f"stage:{name}".encode())

    def install(self) -> None:
        import tenbin.api.app as app_mod
        from tenbin.gateway.finish import Finish
        from tenbin.gateway.privacy_stage import PrivacyStage
        from tenbin.providers.http import HTTPAdapter
        from tenbin.routing.router import Router

        w = self
        serve = vars(app_mod)["serve"]  # re-exported by tenbin.api.app from api/faces.py

        async def cut_serve(request: Any, face: Any, *a: Any, **k: Any) -> Any:
            w.cut("HTTP in (client send, aiohttp server parse)")
            return await serve(request, face, *a, **k)

        vars(app_mod)["serve"] = cut_serve
        scan = PrivacyStage.scan_async

        async def cut_scan(self: Any, *a: Any, **k: Any) -> Any:
            w.cut("auth, body read, parse, checks")
            try:
                return await scan(self, *a, **k)
            finally:
                w.cut("privacy scan")

        PrivacyStage.scan_async = cut_scan  # type: ignore[method-assign]
        decide = Router.decide

        def cut_decide(self: Any, *a: Any, **k: Any) -> Any:
            try:
                return decide(self, *a, **k)
            finally:
                w.cut("routing")

        Router.decide = cut_decide  # type: ignore[method-assign]
        post_json = HTTPAdapter.post_json

        async def cut_post_json(self: Any, *a: Any, **k: Any) -> Any:
            w.cut("budget, privacy plan, adapter body")
            try:
                return await post_json(self, *a, **k)
            finally:
                w.cut("vendor call (aiohttp client, answer parse)")

        HTTPAdapter.post_json = cut_post_json  # type: ignore[method-assign]
        post_stream = HTTPAdapter.post_stream

        async def cut_post_stream(self: Any, *a: Any, **k: Any) -> Any:
            w.cut("budget, privacy plan, adapter body")
            first = True
            async for chunk in post_stream(self, *a, **k):
                if first:
                    w.cut("vendor call to first bytes")
                    first = False
                yield chunk

        HTTPAdapter.post_stream = cut_post_stream  # type: ignore[method-assign]
        finish = Finish.__call__

        async def cut_finish(self: Any, *a: Any, **k: Any) -> Any:
            w.cut("answer handling, render (stream: relay)")
            try:
                return await finish(self, *a, **k)
            finally:
                w.cut("finish (ledger row, audit entry, settle)")

        Finish.__call__ = cut_finish  # type: ignore[method-assign]


async def drive(port: int, request: Callable[[], bytes], n: int, conc: int, cg: ctypes.CDLL,
                windows: Windows | None) -> None:
    clients = []
    for _ in range(conc):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        clients.append(cpr.Client(r, w, request))
    for c in clients:  # warm: pools, caches, lazy imports
        for _ in range(20):
            await c.once()
    per = n // conc

    async def run(c: cpr.Client) -> None:
        for _ in range(per):
            await c.once()
            if windows is not None:
                windows.cut("response write, client read")

    if windows is not None:
        windows.enabled = True
    cg.cg_zero()
    await asyncio.gather(*(run(c) for c in clients))
    if windows is not None:
        windows.enabled = False
    cg.cg_dump(b"measured")
    for c in clients:
        c.writer.close()


async def main_async(args: argparse.Namespace, cg: ctypes.CDLL) -> None:
    from aiohttp import web

    import tenbin
    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.config.loader import build_config
    from tenbin.gateway.runtime import build_runtime

    print(f"tenbin from {Path(tenbin.__file__).parent}", file=sys.stderr)
    prompt = cpr.LONG if args.prompt == "long" else cpr.SHORT
    if args.client:
        await drive(args.mock_port, cpr.requests(args.mock_port, "sk-bench-upstream", prompt, args.stream,
                                                 args.unique), args.n, args.conc, cg, None)
        return
    work = Path(tempfile.mkdtemp(prefix="tenbin-cg-"))
    cfg = cpr.config(0, args.mock_port, work / "tenbin.db", args.privacy)
    if args.spool:  # the ledger's write-ahead spool (docs/durability.md), to count what it costs
        cfg["ledger"] = {"spool_dir": str(work / "spool"), "spool_fsync": args.spool}
    runtime = build_runtime(build_config(cfg, env={"MOCK_KEY": "sk-bench-upstream"}))
    app = create_app(runtime)
    runner = AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    key, _ = await runtime.keyring.create("bench", "default")
    windows = None
    if args.stages:
        windows = Windows(cg)
        windows.install()
    try:
        await drive(port, cpr.requests(port, key, prompt, args.stream, args.unique), args.n, args.conc, cg,
                    windows)
        await runtime.ledger.flush()
    finally:
        await runner.cleanup()


def totals(path: str) -> tuple[str, int]:
    """(the dump's trigger, its instruction total) from a callgrind output file."""
    trigger, total = "", 0
    with open(path) as f:
        for line in f:
            if line.startswith("desc: Trigger:"):
                trigger = line.split("Client Request:", 1)[-1].strip()
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    return trigger, total


def report(prefix: str, n: int) -> None:
    """Per-request instructions from the dumps named ``prefix``.N (run outside valgrind, after it)."""
    stage: dict[str, int] = defaultdict(int)
    measured = 0
    def serial(p: str) -> int:
        tail = p.rsplit(".", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    for path in sorted(glob.glob(prefix + ".*"), key=serial):
        trigger, total = totals(path)
        if trigger.startswith("stage:"):
            stage[trigger[6:]] += total
        elif trigger == "measured":
            measured += total
    whole = measured + sum(stage.values())
    print(f"instructions per request: {whole / n:,.0f}")
    for name, total in stage.items():
        print(f"  {name:<46} {total / n:12,.0f}  {100 * total / whole:5.1f} %")
    if stage:
        print(f"  {'(between the last cut and the end)':<46} {measured / n:12,.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--conc", type=int, default=16)
    ap.add_argument("--prompt", choices=["short", "long"], default="short")
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--unique", action="store_true")
    ap.add_argument("--stages", action="store_true")
    ap.add_argument("--client", action="store_true", help="the client against the mock alone")
    ap.add_argument("--no-privacy", dest="privacy", action="store_false")
    ap.add_argument("--mock-port", type=int, default=9191)
    ap.add_argument("--spool", choices=["never", "interval", "always"], default="",
                    help="ledger.spool_dir set (in the work directory) with this spool_fsync")
    ap.add_argument("--report", default="", help="print per-request counts from the dumps PREFIX.* and exit")
    args = ap.parse_args()
    if args.report:
        report(args.report, args.n)
        return
    cg = helper()
    if not cg.cg_on():
        print("not under valgrind: run it as valgrind --tool=callgrind ... (see --help)", file=sys.stderr)
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
