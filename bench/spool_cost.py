"""What the ledger's write-ahead spool costs per row, counted by callgrind (every thread), apart
from the rest of a request: the whole-request count (``instructions_per_request.py --spool``)
moves by ±2 % between runs on the shared box, more than the spool costs.

``--conc`` coroutines each finish ``--rows / --conc`` requests in turn: the row is recorded and,
when ``record()`` returns the spool's future (this tree's off-loop spool), awaited, as the
request's finish does; a tree whose ``record()`` writes in place returns None. The store is a
stand-in that takes every batch at once, so the count is the writer's and the spool's only.

    nice valgrind --tool=callgrind --callgrind-out-file=/tmp/sc.%p \\
        .venv/bin/python bench/spool_cost.py --fsync always --rows 4000 --conc 16
    .venv/bin/python bench/spool_cost.py --report /tmp/sc --rows 4000   # instructions per row
    # --fsync none: no spool_dir (the default path); an older tree: PYTHONPATH=/tmp/old/src
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import instructions_per_request as ipr


class NullStore:
    """Takes every batch: the flusher's work stays, the database's goes."""

    async def insert_usage(self, batch: list[Any]) -> None:
        return None

    def is_content_error(self, exc: Exception) -> bool:
        return False


async def run(args: argparse.Namespace) -> None:
    import tenbin
    from tenbin.config.schema import LedgerConfig
    from tenbin.ledger.record import UsageRecord
    from tenbin.ledger.writer import LedgerWriter

    print(f"tenbin from {Path(tenbin.__file__).parent}", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="tenbin-spool-cost-"))
    cfg = (LedgerConfig() if args.fsync == "none"
           else LedgerConfig(spool_dir=str(work / "spool"), spool_fsync=args.fsync))
    w = LedgerWriter(NullStore(), cfg)  # type: ignore[arg-type]
    w.start()
    now = time.time()

    def row(i: int) -> UsageRecord:
        return UsageRecord(request_id=f"req_{i:024d}", ts_start=now, ts_end=now + 0.2, key_id="k1", team="bench",
                           project="default", use_case=None, requested_model="bench", served_model="bench",
                           provider="mock", region="JP", prompt_tokens=120, completion_tokens=40,
                           tokens_reported=True, cost_nanos=3_000_000, currency="JPY", cost_jpy_nanos=3_000_000,
                           latency_ms=4.2, status=200, stream=False, route={"rule": "default", "data_class": "public"})

    async def requests(first: int, n: int) -> None:
        for i in range(first, first + n):
            spooled = w.record(row(i))
            if spooled is not None:
                await spooled
            await asyncio.sleep(0)  # the rest of a request: the loop turns

    stall = 0.0

    async def probe() -> None:  # the longest the loop went without a turn (wall time: indicative)
        nonlocal stall
        while True:
            t = time.perf_counter()
            await asyncio.sleep(0.001)
            stall = max(stall, time.perf_counter() - t - 0.001)

    per = args.rows // args.conc
    await asyncio.gather(*(requests(-(c + 1) * per, per) for c in range(args.conc)))  # warm-up
    cg = ipr.helper()
    prober = asyncio.get_running_loop().create_task(probe())
    await asyncio.sleep(0.01)
    spool = w.spool
    writes0 = getattr(spool, "writes", None)
    t0 = time.perf_counter()
    cg.cg_zero()
    await asyncio.gather(*(requests(c * per, per) for c in range(args.conc)))
    cg.cg_dump(b"measured")
    took = time.perf_counter() - t0
    prober.cancel()
    writes = None if writes0 is None else spool.writes - writes0  # type: ignore[union-attr]
    await w.close()
    print(f"rows {per * args.conc}, spool_fsync {args.fsync}: {took:.3f} s, longest loop stall {stall * 1e3:.1f} ms"
          + (f", {writes} group writes (fsyncs with always)" if writes is not None else ""), file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fsync", choices=["none", "never", "interval", "always"], default="interval")
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--conc", type=int, default=16)
    ap.add_argument("--report", default="", help="print instructions per row from the dumps PREFIX.* and exit")
    args = ap.parse_args()
    if args.report:
        ipr.report(args.report, args.rows)
        return
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
