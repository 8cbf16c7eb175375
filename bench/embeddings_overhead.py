"""What ``/v1/embeddings`` through tenbin adds per request, against the fake OpenAI vendor on
loopback: the same body sent straight to the fake and through the gateway (scan, routing, budget
reservation, ledger row, audit entry), interleaved, one client, keep-alive.

    .venv/bin/python bench/embeddings_overhead.py [--n 300] [--inputs 8]

Prints the median and p90 of each and the difference. The fake answers in well under a
millisecond, so the difference is the gateway's own cost (HTTP hop included) on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--inputs", type=int, default=8, help="strings per request")
    args = ap.parse_args()
    lt = LoopThread()
    fake = lt.run(FakeOpenAI().start())
    prices = [{"effective": "2025-01-01", "currency": "USD", "input": "0.02", "output": "0"}]
    cfg = {"providers": {"oa": openai_provider(fake.url)},
           "models": [fake_model("chat", "oa"),
                      fake_model("text-embedding-3-small", "oa", kind="embedding", prices=prices)],
           "default_model": "chat", "routing": {"constraints": []}}
    with tempfile.TemporaryDirectory() as tmp:
        gw = start_gateway(lt, cfg, Path(tmp), {"FAKE_KEY": "k"})
        texts = [f"社内規程 第{i}条: 経費精算は月末締め、翌月10日払いとする。" for i in range(args.inputs)]
        body = {"model": "text-embedding-3-small", "input": texts, "dimensions": 256}
        direct: list[float] = []
        through: list[float] = []
        with httpx.Client(timeout=30) as c:
            for target, _out, headers in ((fake.url, direct, {"authorization": "Bearer k"}),
                                          (gw.base_url, through, {"authorization": "Bearer local"})):
                for _ in range(20):  # warm-up: connections, first scan, imports
                    c.post(f"{target}/embeddings", json=body, headers=headers).raise_for_status()
            for _ in range(args.n):
                for target, out, headers in ((fake.url, direct, {"authorization": "Bearer k"}),
                                             (gw.base_url, through, {"authorization": "Bearer local"})):
                    t = time.perf_counter()
                    c.post(f"{target}/embeddings", json=body, headers=headers).raise_for_status()
                    out.append((time.perf_counter() - t) * 1000)
        rows = len(gw.rows())
        gw.stop()
    lt.run(fake.stop())

    def p(xs: list[float], q: float) -> float:
        return statistics.quantiles(xs, n=100)[int(q) - 1]

    print(f"{args.n} requests of {args.inputs} inputs each, interleaved; ledger rows written: {rows}")
    for name, xs in (("direct to fake", direct), ("through tenbin", through)):
        print(f"  {name:15s} median {statistics.median(xs):6.2f} ms   p90 {p(xs, 90):6.2f} ms")
    print(f"  added           median {statistics.median(through) - statistics.median(direct):6.2f} ms")
    lt.close()


if __name__ == "__main__":
    main()
