"""What Prometheus metrics cost per request, read where it is spent: every request's metrics work is
one ``Metrics.observe(record)`` call, made by the ledger writer for each row (runtime.py wires it
as the ledger's only observer; /metrics itself is read at scrape time, not per request). The
end-to-end A/B (``cpu_per_request.py`` vs ``--no-metrics``, or run.sh's tenbin vs
tenbin-nometrics rows) varies by ±0.1 ms between runs on this 2-core machine, more than the
0.05 ms target, so it cannot resolve the cost; this times the call itself, min of 5 × 200,000,
with a row as the gateway writes it for the benchmark's request.

    .venv/bin/python bench/metrics_cost.py
"""

from __future__ import annotations

import dataclasses
import time

from tenbin.ledger.record import UsageRecord
from tenbin.observe.metrics import Metrics


def main() -> None:
    fields = {f.name for f in dataclasses.fields(UsageRecord)}
    row = dict(request_id="req_1", ts_start=0.0, ts_end=1.0, key_id="k", team="t", project="p", use_case=None,
               requested_model="bench", served_model="bench", provider="mock", region="JP", prompt_tokens=30,
               cached_tokens=0, completion_tokens=12, tokens_reported=True, latency_ms=1.2, ttft_ms=None,
               status=200, error_class=None, stream=False, attempts=1, data_class="public", route=None)
    rec = UsageRecord(**{k: v for k, v in row.items() if k in fields})  # type: ignore[arg-type]
    rec.cost_jpy_nanos = 1234567
    m = Metrics(["bench"], ["mock"])
    for _ in range(1000):  # the label children are resolved once, on the first row of a label set
        m.observe(rec)
    n, runs = 200_000, []
    for _ in range(5):
        t = time.process_time()
        for _ in range(n):
            m.observe(rec)
        runs.append((time.process_time() - t) / n * 1e6)
    print(f"Metrics.observe: {min(runs):.2f} µs per request (min of 5; runs {', '.join(f'{x:.2f}' for x in runs)})")


if __name__ == "__main__":
    main()
