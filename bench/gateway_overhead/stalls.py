"""Where tenbin's requests stall: the gateway served in this process, the mock upstream in a child
process, wrk (post.lua) driving it from outside, and probes in the gateway's process:

- **loop lag**: a task sleeps 5 ms again and again and records how late each wake-up is; a late
  wake-up is time the loop spent on something else (a long callback, a collection, the GIL held
  by another thread) while every request in flight waited;
- **GC**: ``gc.callbacks`` times every collection, by generation;
- **store thread**: every call run on the SQLite store's one thread (``SQLiteStore._run``): how
  long it waited in the thread's queue and how long it ran, by the function it ran;
- **requests**: each chat request's time in the handler, and the part of it spent in the vendor
  call (``HTTPAdapter.post_json``), so what is left is tenbin's own;
- ``--watchdog``: a thread that, when the loop has not woken for ``--watchdog-ms``, records the
  loop thread's stack (what held it).

The slowest 1 % of requests are then matched against what overlapped them. It builds the app from
the same configuration ``targets.tenbin`` gives ``tenbin serve``, and serves it as ``tenbin serve``
does (``api.server.AppRunner``, handler cancellation, uvloop, ``tenbin.gc_tuning`` once started;
``--gc default`` leaves CPython's collector as it is, ``--gc-freeze`` etc. try other settings).
Run it in a loopback-only namespace:

    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/stalls.py \\
        --conc 64 --model bench-delay-200-jitter-100 --seconds 20'
    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/stalls.py --conc 16'
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import gc
import os
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
import targets  # noqa: E402

PORT = 9391


class Probes:
    def __init__(self) -> None:
        # (when the sleep began, seconds late, of the sleep's wall time: seconds the loop thread was on
        # a CPU, seconds it was runnable but waiting for one — the rest it slept: idle, or the GIL)
        self.lag: list[tuple[float, float, float, float]] = []
        self.gc: list[tuple[float, float, int, float, bool]] = []  # (start, end, gen, CPU s, on the loop thread)
        self._gc_start = (0.0, 0.0)
        self.store: list[tuple[float, float, float, str]] = []  # (submitted, started, ended, what)
        self.requests: list[tuple[float, float, float]] = []  # (start, end, seconds in the vendor call)
        self.key_waits: list[tuple[float, float]] = []  # a request waiting for a key read: (start, end)
        self.held: list[tuple[float, float, str]] = []  # watchdog: (since, seen at, loop thread's stack)
        self.tick = time.perf_counter()
        self.loop_thread = threading.get_ident()
        self.running = True

    # ---- loop lag ---------------------------------------------------------------------------
    async def lag_probe(self, period: float = 0.005) -> None:
        fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY)  # this (the loop's) thread: ns on CPU, ns waiting
        try:
            while self.running:
                t0 = time.perf_counter()
                cpu0, wait0 = (int(x) for x in os.pread(fd, 100, 0).split()[:2])
                await asyncio.sleep(period)
                self.tick = t1 = time.perf_counter()
                cpu1, wait1 = (int(x) for x in os.pread(fd, 100, 0).split()[:2])
                self.lag.append((t0, t1 - t0 - period, (cpu1 - cpu0) / 1e9, (wait1 - wait0) / 1e9))
        finally:
            os.close(fd)

    def watchdog(self, threshold: float) -> None:
        since_seen = 0.0
        while self.running:
            time.sleep(0.002)
            now = time.perf_counter()
            tick = self.tick
            if now - tick > threshold and tick != since_seen:
                since_seen = tick
                frame = sys._current_frames().get(self.loop_thread)
                stack = "".join(traceback.format_stack(frame, limit=12)) if frame is not None else "?"
                self.held.append((tick, now, stack))

    # ---- GC ---------------------------------------------------------------------------------
    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = (time.perf_counter(), time.thread_time())
        else:
            self.gc.append((self._gc_start[0], time.perf_counter(), info["generation"],
                            time.thread_time() - self._gc_start[1], threading.get_ident() == self.loop_thread))

    # ---- wrapping -----------------------------------------------------------------------------
    def install(self) -> None:
        import tenbin.api.app as app_mod
        from tenbin.providers.http import HTTPAdapter
        from tenbin.store.sqlite import SQLiteStore

        pr = self
        run = SQLiteStore._run

        async def timed_run(store: Any, fn: Callable[[Any], Any]) -> Any:
            submitted = time.perf_counter()
            span: list[float] = []

            def go(c: Any) -> Any:
                span.append(time.perf_counter())
                try:
                    return fn(c)
                finally:
                    span.append(time.perf_counter())

            try:
                return await run(store, go)
            finally:
                if len(span) == 2:
                    pr.store.append((submitted, span[0], span[1], getattr(fn, "__qualname__", "?")))

        SQLiteStore._run = timed_run  # type: ignore[method-assign,assignment]
        serve = app_mod.serve  # type: ignore[attr-defined]
        vendor: dict[int, float] = {}

        async def timed_serve(request: Any, face: Any, *a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            task = id(asyncio.current_task())
            try:
                return await serve(request, face, *a, **k)
            finally:
                pr.requests.append((t0, time.perf_counter(), vendor.pop(task, 0.0)))

        app_mod.serve = timed_serve  # type: ignore[attr-defined]
        post_json = HTTPAdapter.post_json

        async def timed_post_json(self: Any, *a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await post_json(self, *a, **k)
            finally:
                task = id(asyncio.current_task())
                vendor[task] = vendor.get(task, 0.0) + time.perf_counter() - t0

        HTTPAdapter.post_json = timed_post_json  # type: ignore[method-assign]
        from tenbin.auth.keys import KeyRing

        refresh = KeyRing._refresh

        async def timed_refresh(ring: Any, *a: Any, **k: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return await refresh(ring, *a, **k)
            finally:
                pr.key_waits.append((t0, time.perf_counter()))

        KeyRing._refresh = timed_refresh  # type: ignore[method-assign,assignment]
        gc.callbacks.append(self.on_gc)


def tune(args: argparse.Namespace) -> str:
    said = []
    if args.gc == "serve":  # what `tenbin serve` does once started (absent from older trees)
        try:
            from tenbin.gc_tuning import settle
        except ImportError:
            said.append("this tree's serve has no gc tuning")
        else:
            said.append(f"serve's gc tuning ({settle()} objects frozen, threshold {gc.get_threshold()})")
    if args.gc_threshold:
        gc.set_threshold(*(int(x) for x in args.gc_threshold.split(",")))
        said.append(f"gc threshold {gc.get_threshold()}")
    if args.gc_freeze:
        gc.collect()
        gc.freeze()
        said.append(f"gc.freeze ({gc.get_freeze_count()} objects)")
    if args.switch_ms:
        sys.setswitchinterval(args.switch_ms / 1000)
        said.append(f"switch interval {args.switch_ms} ms")
    return ", ".join(said) or "none"


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, int(len(s) * q))]


def report(pr: Probes, t0: float, t1: float, w: measure.WrkResult) -> None:
    ms = 1000.0
    lags = [x for x in pr.lag if t0 <= x[0] <= t1]
    lag = [x[1] for x in lags]
    print(f"\nwrk: {w.requests} requests, {w.rps:.1f} req/s, p50 {w.p50_ms:.1f} p90 {w.p90_ms:.1f} "
          f"p99 {w.p99_ms:.1f} p99.9 {w.p999_ms:.1f} max {w.max_ms:.1f} mean {w.mean_ms:.2f} ms, "
          f"{w.errors} errors")
    print(f"loop lag over {len(lag)} 5 ms sleeps: p50 {pct(lag, .5) * ms:.2f} p99 {pct(lag, .99) * ms:.2f} "
          f"max {max(lag, default=0) * ms:.1f} ms; late > 5 ms: {sum(d > .005 for d in lag)}, > 10 ms: "
          f"{sum(d > .010 for d in lag)}, > 20 ms: {sum(d > .020 for d in lag)}, > 50 ms: {sum(d > .050 for d in lag)}")
    late = [x for x in lags if x[1] > .005]
    if late:
        wall = sum(x[1] + .005 for x in late)
        print(f"  of the sleeps > 5 ms late ({wall * ms:.0f} ms in all), the loop thread was on a CPU "
              f"{sum(x[2] for x in late) * ms:.0f} ms, runnable but waiting for a CPU (other processes) "
              f"{sum(x[3] for x in late) * ms:.0f} ms, asleep (the GIL, or idle) the rest")
    gcs = [(s, e, g) for s, e, g, _, _ in pr.gc if t0 <= s <= t1]
    for g in (0, 1, 2):
        gv = [x for x in pr.gc if t0 <= x[0] <= t1 and x[2] == g]
        d, cpu = [x[1] - x[0] for x in gv], [x[3] for x in gv]
        if d:
            print(f"gc gen{g}: {len(d)} collections ({sum(x[4] for x in gv)} on the loop thread), "
                  f"{len(d) / (t1 - t0):.1f}/s, wall p50 {pct(d, .5) * ms:.2f} max {max(d) * ms:.2f} ms, "
                  f"CPU p50 {pct(cpu, .5) * ms:.2f} max {max(cpu) * ms:.2f} total {sum(cpu) * ms:.0f} ms")
    by: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for sub, st, en, what in pr.store:
        if t0 <= sub <= t1:
            by[what.replace(".<locals>", "")].append((st - sub, en - st))
    for what, v in sorted(by.items(), key=lambda kv: -len(kv[1])):
        wait, run = [a for a, _ in v], [b for _, b in v]
        print(f"store {what}: {len(v)} calls, queued p50 {pct(wait, .5) * ms:.2f} max {max(wait) * ms:.1f} ms, "
              f"ran p50 {pct(run, .5) * ms:.2f} p99 {pct(run, .99) * ms:.1f} max {max(run) * ms:.1f} ms")
    kw = [e - s for s, e in pr.key_waits if t0 <= s <= t1]
    print(f"requests that waited for a key read: {len(kw)}, p50 {pct(kw, .5) * ms:.2f} max "
          f"{max(kw, default=0) * ms:.1f} ms, {sum(kw) * ms:.0f} ms in all")
    reqs = [(s, e, v) for s, e, v in pr.requests if t0 <= s and e <= t1]
    if not reqs:
        return
    own = [(e - s - v, s, e) for s, e, v in reqs]
    own_ms = [o * ms for o, _, _ in own]
    print(f"handler time minus vendor call, {len(own)} requests: p50 {pct(own_ms, .5):.2f} p90 {pct(own_ms, .9):.2f} "
          f"p99 {pct(own_ms, .99):.2f} max {max(own_ms):.1f} ms")
    # What overlapped the slowest 1 %?
    worst = sorted(own, reverse=True)[:max(1, len(own) // 100)]
    lag_starts = [x[0] for x in pr.lag]
    tally: Counter[str] = Counter()
    for _, s, e in worst:
        tally["requests"] += 1
        if any(g == 2 and gs < e and ge > s for gs, ge, g in gcs):
            tally["a gen2 collection"] += 1
        if any(g == 1 and gs < e and ge > s for gs, ge, g in gcs):
            tally["a gen1 collection"] += 1
        i = bisect.bisect_left(lag_starts, s)
        if any(x[1] > .010 for x in pr.lag[i:bisect.bisect_right(lag_starts, e)]):
            tally["a loop lag > 10 ms"] += 1
        for sub, _, en, what in pr.store:
            if sub < e and en > s and "get_key" in what:
                tally["a key read on the store thread"] += 1
                break
    print("the slowest 1 % (tenbin's own time) overlapped: " + ", ".join(f"{k} {v}" for k, v in tally.items()))
    print("  their own times (ms): " + ", ".join(f"{o * ms:.0f}" for o, _, _ in worst[:20]))
    if pr.held:
        stacks = Counter(st.strip().splitlines()[-2].strip() if st.strip() else "?" for _, _, st in pr.held)
        print(f"watchdog: loop held > threshold {len(pr.held)} times; innermost lines:")
        for line, n in stacks.most_common(8):
            print(f"  {n:4d}  {line}")
        longest = max(pr.held, key=lambda h: h[1] - h[0])
        print(f"  longest seen ({(longest[1] - longest[0]) * ms:.0f} ms+):\n{longest[2]}")


async def serve_and_measure(args: argparse.Namespace, work: Path) -> None:
    from aiohttp import web

    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.cli.common import load
    from tenbin.gateway.runtime import build_runtime

    t = targets.tenbin(PORT, work, privacy=not args.no_privacy,
                       extra="" if not args.extra else args.extra + "\n")
    os.environ.update(t.env)
    cfg_path = Path(t.cmd[t.cmd.index("--config") + 1])
    runtime = build_runtime(load(cfg_path))
    app = create_app(runtime)
    pr = Probes()
    runner = AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", PORT)
    await site.start()
    said = tune(args)
    pr.install()
    lag_task = asyncio.get_running_loop().create_task(pr.lag_probe())
    if args.watchdog_ms:
        threading.Thread(target=pr.watchdog, args=(args.watchdog_ms / 1000,), daemon=True).start()
    try:
        await asyncio.to_thread(measure.wrk, t.url, args.conc, 3, model=args.model, key=t.key,
                                stagger_ms=args.stagger_ms)  # warm: pools, caches, the key
        print(f"tuning: {said}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
              f"c={args.conc} model {args.model} {args.seconds} s, stagger {args.stagger_ms} ms")
        t0 = time.perf_counter()
        w = await asyncio.to_thread(measure.wrk, t.url, args.conc, args.seconds, model=args.model, key=t.key,
                                    stagger_ms=args.stagger_ms)
        t1 = time.perf_counter()
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        pr.running = False
        lag_task.cancel()
        await runner.cleanup()
    report(pr, t0, t1, w)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--conc", type=int, default=64)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--model", default="bench", help="bench (zero latency), bench-delay-200-jitter-100, …")
    ap.add_argument("--stagger-ms", type=int, default=-1,
                    help="post.lua's start stagger (default: 200 for a delay-* model, else 0)")
    ap.add_argument("--no-privacy", action="store_true")
    ap.add_argument("--extra", default="", help="YAML lines appended to the target's config")
    ap.add_argument("--gc", choices=["serve", "default"], default="serve",
                    help="serve: tenbin.gc_tuning.settle() as `tenbin serve` runs it; default: CPython's")
    ap.add_argument("--gc-freeze", action="store_true", help="gc.collect(); gc.freeze() once serving")
    ap.add_argument("--gc-threshold", default="", help="gc.set_threshold(a,b,c), e.g. 10000,50,100")
    ap.add_argument("--switch-ms", type=float, default=0, help="sys.setswitchinterval (default 5 ms)")
    ap.add_argument("--watchdog-ms", type=float, default=0, help="record the loop's stack when held this long")
    ap.add_argument("--no-uvloop", dest="uvloop", action="store_false")
    args = ap.parse_args()
    if args.stagger_ms < 0:
        args.stagger_ms = 200 if "delay-" in args.model else 0
    work = Path(tempfile.mkdtemp(prefix="tenbin-stalls-"))
    mock = targets.mock()
    mock.start(work)
    try:
        if args.uvloop:
            import uvloop

            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        asyncio.run(serve_and_measure(args, work))
    finally:
        mock.stop()
    print(f"(logs and config in {work})")


if __name__ == "__main__":
    main()
