"""Measuring instruments: wrk for latency/throughput, /proc for CPU and RSS, an asyncio client for TTFT.

CPU and RSS are summed over the proxy's whole process tree, because some servers (LiteLLM's CLI)
run the worker in a child process; charging only the parent would flatter them.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import body as bodies

HERE = Path(__file__).resolve().parent
LUA = HERE / "post.lua"
TICK = os.sysconf("SC_CLK_TCK")
#: Which request every point sends (body.py): "issue", the issue's 1,076 bytes; "short", the old one.
BODY = "issue"
_BODY_DIR: list[Path] = []  # made on first use, not when a bench script imports this module


def body_file(face: str, model: str) -> Path:
    """The request post.lua sends, written once per face and model (wrk reads it at start)."""
    if not _BODY_DIR:
        _BODY_DIR.append(Path(tempfile.mkdtemp(prefix="bench-bodies-")))
    path = _BODY_DIR[0] / f"{BODY}-{face}-{model}.json"
    if not path.exists():
        path.write_bytes(bodies.encode(bodies.request(face, model, kind=BODY)))
    return path


@dataclass(slots=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    load_cpu_s: float = 0.0  # wrk's own utime+stime: the load generator shares the cores it measures
    mean_ms: float = 0.0
    p90_ms: float = 0.0
    p999_ms: float = 0.0
    max_ms: float = 0.0

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def load_cpu_pct(self) -> float:
        """wrk's CPU as a percentage of one core over the point."""
        return 100 * self.load_cpu_s / self.seconds if self.seconds else 0.0


def wrk(url: str, conns: int, seconds: int, *, model: str = "bench", key: str = "sk-bench",
        timeout_s: int = 10, face: str = "chat", stagger_ms: int = 0) -> WrkResult:
    """One wrk thread (the load generator must not eat the 2 cores the proxies are measured on).
    ``face``: chat, responses or messages (tenbin's API faces; other targets speak chat only).
    ``stagger_ms``: each connection's first request waits a random 0..stagger_ms (post.lua), so a
    slow upstream's point does not start with every connection sending in the same millisecond."""
    env = {**os.environ, "BENCH_MODEL": model, "BENCH_KEY": key, "BENCH_FACE": face,
           "BENCH_BODY_FILE": str(body_file(face, model)),
           "BENCH_STAGGER_MS": str(stagger_ms), "BENCH_CONNS": str(conns)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk is reaped by run(): its CPU lands here
    out = subprocess.run(
        ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", f"--timeout={timeout_s}s", "-s", str(LUA), url],
        env=env, capture_output=True, text=True, timeout=seconds + timeout_s + 30, check=False,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed against {url}: {out.stdout[-500:]} {out.stderr[-500:]}")
    d = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return WrkResult(d["requests"], d["duration_us"] / 1e6, d["p50_us"] / 1000, d["p99_us"] / 1000, errors, load,
                     d["mean_us"] / 1000, d["p90_us"] / 1000, d["p999_us"] / 1000, d["max_us"] / 1000)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(entry))
    return kids


def tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(_children(p))
    return out


def cpu_seconds(pid: int) -> float:
    """utime+stime of the process tree (children still running, not reaped ones)."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of stat)
    return total / TICK


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) summed over the process tree, in MiB."""
    total_kb = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


# A delta carrying actual text (the first event is role-only with empty content).
FIRST_TOKEN = re.compile(rb'"content":\s*"[^"]')


async def _ttft_worker(session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str],
                       until: float, out: list[float]) -> None:
    while time.perf_counter() < until:
        t0 = time.perf_counter()
        async with session.post(url, data=body, headers=headers) as resp:
            first: float | None = None
            seen = b""
            async for chunk in resp.content.iter_any():
                if first is None:
                    seen += chunk
                    if FIRST_TOKEN.search(seen):
                        first = time.perf_counter() - t0
            if resp.status != 200 or first is None:
                raise RuntimeError(f"stream from {url} failed: HTTP {resp.status} {seen[:300]!r}")
            out.append(first * 1000)


async def _ttft(url: str, conns: int, seconds: float, model: str, key: str) -> list[float]:
    body = bodies.encode(bodies.request("chat", model, kind=BODY, stream=True))
    headers = {"content-type": "application/json", "authorization": f"Bearer {key}"}
    out: list[float] = []
    until = time.perf_counter() + seconds
    conn = aiohttp.TCPConnector(limit=conns)
    async with aiohttp.ClientSession(connector=conn) as session:
        await asyncio.gather(*(_ttft_worker(session, url + "/v1/chat/completions", body, headers, until, out)
                               for _ in range(conns)))
    return out


@dataclass(slots=True)
class TTFTResult:
    n: int
    p50_ms: float
    p99_ms: float


def ttft(url: str, conns: int = 8, seconds: float = 3.0, *, model: str = "bench", key: str = "sk-bench") -> TTFTResult:
    """Time to the first content token of streamed answers, ``conns`` concurrent clients."""
    samples = asyncio.run(_ttft(url, conns, seconds, model, key))
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return TTFTResult(len(samples), statistics.median(samples), p99)
