"""tenbin's own CPU per request, in process: the gateway app (defaults: privacy scan on, SQLite
ledger, hash-chained audit, a real API key) served on loopback in this process and driven by a
raw-socket client in the same loop, against the mock upstream in a child process.

``time.process_time`` over N requests counts every thread of this process — the event loop, the
SQLite store thread, a scan sent off the loop — and the client, whose own cost is measured the
same way against the mock alone (``client`` line) and subtracted. The mock runs in its own
process, so it is not counted. Compare two trees with the same interpreter:

    git worktree add /tmp/perf_base <commit>
    PYTHONPATH=/tmp/perf_base/src .venv/bin/python bench/cpu_per_request.py
    .venv/bin/python bench/cpu_per_request.py
    .venv/bin/python bench/cpu_per_request.py --profile /tmp/tenbin.pstats  # cProfile

It measures CPU, which a shared machine inflates less than wall time; ``--repeat`` runs take
the median. Wall-clock latency at c=1 (and time to the first token for ``--stream``) is printed
too, but on a loaded machine read it as indicative only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHORT = "稟議書を三行で要約してください。"  # post.lua's prompt
# ~290 characters of ordinary business Japanese with no personal data: the common case the
# privacy scan must pass cheaply (the issue's reference body is 1,076 bytes, 292 characters).
LONG = ("来期の販売計画について、次の三点を整理してください。第一に、既存顧客向けの更新提案を四月中に"
        "まとめ、見積りの前提となる単価と数量を部門ごとに確認すること。第二に、新規開拓の対象となる業種を"
        "製造業と物流業に絞り、展示会で得た名刺情報の扱いは社内規程に従うこと。第三に、予算の執行状況を"
        "毎月の定例会議で報告し、差異が一割を超えた場合は原因と対策を文書で示すこと。以上を踏まえて、"
        "経営会議に提出する資料の構成案を箇条書きで作成し、各項目に必要なデータの出所と担当部署を添えて"
        "ください。なお、資料は十頁以内とし、図表は三つまでとします。提出期限は来週の金曜日です。よろしく"
        "お願いします。")


def _model_yaml(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "provider": "mock", "upstream": model_id, "region": "JP", "jurisdiction": "JP",
            "retention_days": 0, "context_window": 8192, "tier": "light",
            "prices": [{"effective": "2025-01-01", "currency": "JPY", "input": "15", "output": "60"}]}


def config(port: int, mock_port: int, db: Path, privacy: bool, metrics: bool = True) -> dict[str, Any]:
    """What bench/gateway_overhead/targets.py gives ``tenbin serve``."""
    cfg: dict[str, Any] = {
        "server": {"host": "127.0.0.1", "port": port},
        "store": f"sqlite:///{db}",
        "providers": {"mock": {"kind": "openai", "base_url": f"http://127.0.0.1:{mock_port}/v1",
                               "api_key": "${MOCK_KEY}", "max_retries": 0}},
        "models": [_model_yaml("bench")],
        "default_model": "bench",
    }
    if not privacy:
        cfg["privacy"] = {"enabled": False}
    if not metrics:
        cfg["metrics"] = {"enabled": False}
    return cfg


class Client:
    """One keep-alive HTTP/1.1 connection that sends a fixed request and reads the answer with
    as little work as possible (its cost is measured and subtracted)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 request: Callable[[], bytes]) -> None:
        self.reader, self.writer, self.request = reader, writer, request

    async def once(self) -> tuple[float, float | None]:
        """(seconds to the whole answer, seconds to the first text-bearing event or None)."""
        t0 = time.perf_counter()
        self.writer.write(self.request())
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace") + (await self.reader.read(2000)).decode(errors="replace"))
        lower = head.lower()
        first: float | None = None
        if b"transfer-encoding: chunked" in lower:
            while True:
                size = int((await self.reader.readuntil(b"\r\n"))[:-2].split(b";")[0], 16)
                data = await self.reader.readexactly(size + 2)
                if first is None and b'"content":"' in data and b'"content":""' not in data:
                    first = time.perf_counter() - t0
                if size == 0:
                    break
        else:
            i = lower.index(b"content-length:") + 15
            n = int(lower[i:lower.index(b"\r\n", i)])
            await self.reader.readexactly(n)
        return time.perf_counter() - t0, first


def request_bytes(port: int, key: str, prompt: str, stream: bool) -> bytes:
    import json

    body = json.dumps({"model": "bench", "messages": [{"role": "user", "content": prompt}], "max_tokens": 32,
                       **({"stream": True} if stream else {})}, ensure_ascii=False).encode()
    return (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def requests(port: int, key: str, prompt: str, stream: bool, unique: bool) -> Callable[[], bytes]:
    """The same request every time, or (``unique``) one whose prompt ends in a serial number, so
    no text repeats and nothing is answered from a memo."""
    if not unique:
        fixed = request_bytes(port, key, prompt, stream)
        return lambda: fixed
    serial = count()
    return lambda: request_bytes(port, key, f"{prompt} 第{next(serial)}版", stream)


async def drive(port: int, request: Callable[[], bytes], n: int, conc: int, prof: cProfile.Profile | None = None
                ) -> dict[str, float]:
    clients = []
    for _ in range(conc):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        clients.append(Client(r, w, request))
    for c in clients:  # warm: pools, caches, lazy imports
        for _ in range(20):
            await c.once()
    per = n // conc
    lat: list[float] = []
    ttft: list[float] = []

    async def run(c: Client) -> None:
        for _ in range(per):
            total, first = await c.once()
            lat.append(total)
            if first is not None:
                ttft.append(first)

    cpu0, wall0 = time.process_time(), time.perf_counter()
    if prof is not None:
        prof.enable()
    await asyncio.gather(*(run(c) for c in clients))
    if prof is not None:
        prof.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    for c in clients:
        c.writer.close()
    done = per * conc
    return {"cpu_us": cpu * 1e6 / done, "rps": done / wall, "p50_ms": statistics.median(lat) * 1000,
            "ttft_p50_ms": statistics.median(ttft) * 1000 if ttft else float("nan")}


class Stages:
    """Timestamps (perf_counter) of one request's stages, taken by wrapping the functions that
    bound them; meaningful at c=1, where one request is in flight at a time. Relative to the
    moment the handler started (the body may still be arriving)."""

    def __init__(self) -> None:
        self.now: dict[str, float] = {}
        self.runs: list[dict[str, float]] = []

    def mark(self, name: str) -> None:
        self.now.setdefault(name, time.perf_counter())

    def install(self) -> None:
        from aiohttp import web

        import tenbin.api.app as app_mod
        from tenbin.gateway.privacy_stage import PrivacyStage
        from tenbin.providers.http import HTTPAdapter
        from tenbin.routing.router import Router

        st = self
        serve = vars(app_mod)["serve"]  # re-exported by tenbin.api.app from api/faces.py

        async def timed_serve(request: Any, face: Any, *a: Any, **k: Any) -> Any:
            if st.now:
                st.runs.append(st.now)
            st.now = {"handler": time.perf_counter()}
            return await serve(request, face, *a, **k)

        vars(app_mod)["serve"] = timed_serve
        scan = PrivacyStage.scan_async

        async def timed_scan(self: Any, *a: Any, **k: Any) -> Any:
            st.mark("scan start")
            try:
                return await scan(self, *a, **k)
            finally:
                st.mark("scan end")

        PrivacyStage.scan_async = timed_scan  # type: ignore[method-assign]
        decide = Router.decide

        def timed_decide(self: Any, *a: Any, **k: Any) -> Any:
            try:
                return decide(self, *a, **k)
            finally:
                st.mark("routed")

        Router.decide = timed_decide  # type: ignore[method-assign]
        post_stream = HTTPAdapter.post_stream

        async def timed_post_stream(self: Any, *a: Any, **k: Any) -> Any:
            st.mark("vendor call")
            async for chunk in post_stream(self, *a, **k):
                st.mark("vendor first bytes")
                yield chunk

        HTTPAdapter.post_stream = timed_post_stream  # type: ignore[method-assign]
        write = web.StreamResponse.write

        async def timed_write(self: Any, data: Any) -> None:
            if data and b'"content":"' in data and b'"content":""' not in data:
                st.mark("first text written")
            await write(self, data)

        web.StreamResponse.write = timed_write  # type: ignore[method-assign]

    def table(self) -> str:
        runs = self.runs + ([self.now] if self.now else [])
        names = ["handler", "scan start", "scan end", "routed", "vendor call", "vendor first bytes",
                 "first text written"]
        lines = ["  stage (ms after the handler started, median) and the step from the one before:"]
        prev = 0.0
        for n in names[1:]:
            vals = [r[n] - r["handler"] for r in runs if n in r]
            if not vals:
                continue
            m = statistics.median(vals) * 1000
            lines.append(f"    {n:<20} {m:6.3f} ms  (+{m - prev:.3f})")
            prev = m
        return "\n".join(lines)


class StoreTime:
    """CPU (``time.thread_time``) the SQLite store's thread spends in each kind of call — a ledger
    batch, an audit append — over every request served (warm-up included), per request."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def install(self) -> None:
        from tenbin.store.sqlite import SQLiteStore

        call = SQLiteStore._call
        st = self

        def timed_call(store: Any, fn: Callable[[Any], Any]) -> Any:
            t0 = time.thread_time()
            try:
                return call(store, fn)
            finally:
                name = getattr(fn, "__qualname__", "?").replace(".<locals>", "")
                st.cpu[name] = st.cpu.get(name, 0.0) + time.thread_time() - t0
                st.calls[name] = st.calls.get(name, 0) + 1

        SQLiteStore._call = timed_call  # type: ignore[method-assign,assignment]

    def table(self, requests: int) -> str:
        lines = [f"  store thread, µs of CPU per request ({requests} requests) and calls:"]
        for name, cpu in sorted(self.cpu.items(), key=lambda kv: -kv[1])[:6]:
            lines.append(f"    {name:<40} {cpu * 1e6 / requests:6.1f} µs  {self.calls[name]:6d} calls")
        lines.append(f"    {'all':<40} {sum(self.cpu.values()) * 1e6 / requests:6.1f} µs")
        return "\n".join(lines)


def start_mock(port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, str(REPO / "bench/mock_upstream.py"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    import socket

    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("mock upstream did not start")


async def main_async(args: argparse.Namespace) -> None:
    from aiohttp import web

    import tenbin
    from tenbin.api.app import create_app
    from tenbin.api.server import AppRunner
    from tenbin.config.loader import build_config
    from tenbin.gateway.runtime import build_runtime

    work = Path(tempfile.mkdtemp(prefix="tenbin-cpu-"))
    prompt = LONG if args.prompt == "long" else SHORT
    mock_req = requests(args.mock_port, "sk-bench-upstream", prompt, args.stream, args.unique)
    results: dict[str, list[dict[str, float]]] = {"client": [], "tenbin": []}
    for _ in range(args.repeat):
        results["client"].append(await drive(args.mock_port, mock_req, args.n, args.conc))
    cfg = config(0, args.mock_port, work / "tenbin.db", args.privacy, args.metrics)
    if args.spool:  # the ledger's write-ahead spool (docs/durability.md), to see what it costs
        cfg["ledger"] = {"spool_dir": str(work / "spool"), "spool_fsync": args.spool}
    runtime = build_runtime(build_config(cfg, env={"MOCK_KEY": "sk-bench-upstream"}))
    app = create_app(runtime)
    runner = AppRunner(app, access_log=None, handler_cancellation=True)  # as `tenbin serve` runs it
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    key, _ = await runtime.keyring.create("bench", "default")
    req = requests(port, key, prompt, args.stream, args.unique)
    prof = None  # cProfile of the loop thread's CPU, or (--wall) of wall time
    if args.profile:
        prof = cProfile.Profile() if args.wall else cProfile.Profile(time.thread_time)
    stages = Stages() if args.stages else None
    store_time = StoreTime() if args.store_time else None
    if store_time is not None:
        store_time.install()
    if stages is not None:
        stages.install()
    try:
        for _ in range(args.repeat):
            results["tenbin"].append(await drive(port, req, args.n, args.conc, prof))
        await runtime.ledger.flush()
        rows = await runtime.store.query("SELECT COUNT(*) AS n FROM usage", ())
    finally:
        await runner.cleanup()
    if prof is not None:
        prof.dump_stats(args.profile)
    med = {k: {m: statistics.median(r[m] for r in v) for m in v[0]} for k, v in results.items()}
    own = med["tenbin"]["cpu_us"] - med["client"]["cpu_us"]
    mode = (f"{'stream' if args.stream else 'json'}, {args.prompt} prompt{' (unique)' if args.unique else ''}, "
            f"privacy {'on' if args.privacy else 'off'}, metrics {'on' if args.metrics else 'off'}"
            + (f", spool {args.spool}" if args.spool else ""))
    print(f"tenbin from {Path(tenbin.__file__).parent}; loop {type(asyncio.get_running_loop()).__module__}; "
          f"{mode}; n={args.n} c={args.conc} x{args.repeat}; ledger rows {rows[0]['n']}; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for k, m in med.items():
        print(f"  {k:<7} CPU {m['cpu_us']:7.1f} µs/req  {m['rps']:7.0f} req/s  p50 {m['p50_ms']:6.2f} ms"
              + (f"  TTFT p50 {m['ttft_p50_ms']:6.2f} ms" if args.stream else ""))
    if stages is not None:
        print(stages.table())
    if store_time is not None:
        print(store_time.table(rows[0]["n"]))
    print(f"  tenbin's own CPU: {own:.1f} µs/request (all runs: "
          + ", ".join(f"{r['cpu_us'] - med['client']['cpu_us']:.0f}" for r in results["tenbin"]) + ")")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="requests per run")
    ap.add_argument("--conc", type=int, default=1, help="connections (c=1 also gives latency)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--prompt", choices=["short", "long"], default="short")
    ap.add_argument("--stream", action="store_true")
    ap.add_argument("--wall", action="store_true", help="--profile in wall time, not the loop thread's CPU")
    ap.add_argument("--stages", action="store_true", help="time the stages of each request (use c=1)")
    ap.add_argument("--unique", action="store_true", help="a different prompt on every request (no repeats)")
    ap.add_argument("--no-privacy", dest="privacy", action="store_false")
    ap.add_argument("--no-metrics", dest="metrics", action="store_false",
                    help="metrics.enabled: false, to read what /metrics costs per request")
    ap.add_argument("--no-uvloop", dest="uvloop", action="store_false")
    ap.add_argument("--spool", choices=["never", "interval", "always"], default="",
                    help="ledger.spool_dir set (in the work directory) with this spool_fsync")
    ap.add_argument("--store-time", action="store_true",
                    help="also print the store thread's CPU per request, by kind of store call")
    ap.add_argument("--mock-port", type=int, default=9190)
    ap.add_argument("--profile", default="", help="write cProfile stats of the tenbin runs here (event loop only)")
    args = ap.parse_args()
    mock = start_mock(args.mock_port)
    try:
        if args.uvloop:
            try:
                import uvloop

                asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            except ImportError:
                pass
        asyncio.run(main_async(args))
    finally:
        mock.kill()
        mock.wait()


if __name__ == "__main__":
    main()
