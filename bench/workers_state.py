"""What a request pays for exact budgets and rate limits under ``tenbin serve --workers``: the
round trips to the supervisor's state socket (``tenbin.workers.state``), timed alone.

A child process runs the state server (as the supervisor does); this process plays one worker
and makes the calls one request makes with a budget and a rate limit configured — ``admit``,
``reserve``, ``settle`` — ``--n`` times, ``--conc`` at once. It prints µs of wall time per
request and the CPU both processes spent per request (client + server).

  .venv/bin/python bench/workers_state.py --n 20000 --conc 16
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

from tenbin.finops.budgets.ledger import Claim
from tenbin.shared.ratelimit import Check
from tenbin.workers.link import SocketBudgetLedger, SocketRateLimiter, StateLink
from tenbin.workers.state import StateServer


def uvloop_policy() -> None:
    """As ``tenbin serve`` runs (supervisor and workers alike)."""
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass


def serve(path: str) -> None:
    uvloop_policy()

    async def go() -> None:
        server = StateServer(path)
        await server.start()
        await asyncio.Event().wait()

    asyncio.run(go())


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(path: str, n: int, conc: int) -> tuple[float, float]:
    link = StateLink(path)
    ledger, limiter = SocketBudgetLedger(link), SocketRateLimiter(link)
    claims = [Claim("cap|sales|2026-12", 1_000, 10**18)]
    checks = [Check("key:abc:rpm", 10**12, 1)]
    sem = asyncio.Semaphore(conc)

    async def one() -> None:
        async with sem:
            assert await limiter.admit(checks) is None
            assert await ledger.reserve(claims) is None
            await ledger.settle(claims, 900)

    await asyncio.gather(*(one() for _ in range(200)))  # warm
    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(one() for _ in range(n)))
    t1, c1 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    await link.aclose()
    return t1 - t0, (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--conc", type=int, default=16)
    args = ap.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="tenbin-state-"), "state.sock")
    proc = multiprocessing.get_context("spawn").Process(target=serve, args=(path,), daemon=True)
    proc.start()
    while not os.path.exists(path):
        time.sleep(0.01)
    try:
        s0 = cpu_of(proc.pid or 0)
        uvloop_policy()
        wall, client_cpu = asyncio.run(run(path, args.n, args.conc))
        server_cpu = cpu_of(proc.pid or 0) - s0
    finally:
        proc.terminate()
        proc.join(5)
    per = 1e6 / args.n
    print(f"{args.n} requests x (admit + reserve + settle), {args.conc} at once: "
          f"{wall * per:.1f} µs wall per request, CPU per request {client_cpu * per:.1f} µs worker + "
          f"{server_cpu * per:.1f} µs supervisor = {(client_cpu + server_cpu) * per:.1f} µs")


if __name__ == "__main__":
    main()
