"""``tenbin serve --workers``: saturated requests/s of one process against two workers, in one run.

Each variant is started alone, warmed 2 s at c=16, then measured by wrk at c=16 and c=64; the
variants rotate ``--reps`` times and the table gives medians (min-max). wrk's own CPU is reported
beside the server's: on a 2-core machine the load generator takes part of the cores it measures.

  unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/workers.py --reps 3'
  ... workers.py --embedded     # the embedded model alone (local/smollm2): does a 2nd HTTP worker help?

Variants: one process; two workers with SO_REUSEPORT (the default); two workers on one
inherited listening socket (``--listen shared``); and both with a budget and a rate limit
configured (never reached), so every request makes its reserve/settle/admit round trips — to the
supervisor's state socket under workers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import measure
import targets

LIMITS = ("finops: {budgets: [{name: cap, scope: team, limit_jpy: '1000000000'}]}\n"
          "shared: {rate_limits: {per_key: {rpm: 1000000000}}}\n")


def pss_mb(pid: int) -> float:
    """Proportional set size of the process tree (shared pages split between the processes sharing them)."""
    total = 0
    for p in measure.tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--embedded", action="store_true", help="measure the embedded model alone at c=4")
    ap.add_argument("--json", default=str(Path(__file__).with_name("results-workers.json")))
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tenbin-bench-workers-"))
    variants: list[tuple[str, dict[str, Any]]] = [
        ("1 process", {"workers": 1}),
        ("--workers 2", {"workers": 2}),
        ("--workers 2 --listen shared", {"workers": 2, "listen": "shared"}),
    ]
    if not args.embedded:
        variants += [("1 process, budget + rate limit", {"workers": 1, "extra": LIMITS, "tag": "-limits"}),
                     ("--workers 2, budget + rate limit", {"workers": 2, "extra": LIMITS, "tag": "-limits"})]
    model, points = ("local/smollm2", (4,)) if args.embedded else ("bench", (16, 64))
    made = {name: targets.tenbin(9500 + i, work, privacy=True, **kw) for i, (name, kw) in enumerate(variants)}
    mock = targets.mock()
    mock.start(work)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in variants}
    try:
        for _ in range(args.reps):
            for name, _kw in variants:
                t = made[name]
                t.start(work)
                try:
                    assert t.proc is not None
                    measure.wrk(t.url, points[0], 2, key=t.key, model=model)
                    row: dict[str, Any] = {}
                    for c in points:
                        c0 = measure.cpu_seconds(t.proc.pid)
                        w = measure.wrk(t.url, c, args.seconds, key=t.key, model=model, timeout_s=30)
                        row[f"c{c}"] = {"rps": w.rps, "errors": w.errors, "load_cpu_pct": w.load_cpu_pct,
                                        "cpu_ms_per_req": (measure.cpu_seconds(t.proc.pid) - c0) * 1000
                                        / max(1, w.requests)}
                    row["pss_mb"] = pss_mb(t.proc.pid)
                    runs[name].append(row)
                finally:
                    t.stop()
    finally:
        mock.stop()
    Path(args.json).write_text(json.dumps({"model": model, "runs": runs}, indent=1), encoding="utf-8")
    base = statistics.median(r[f"c{points[-1]}"]["rps"] for r in runs["1 process"])
    cols = " | ".join(f"req/s c={c} median (min-max)" for c in points)
    head = f"| variant | {cols} | vs 1 process | server CPU ms/req | wrk CPU % of a core | PSS (MB) | errors |"
    print(head + "\n|" + "---|" * (head.count("|") - 1))
    for name, rs in runs.items():
        k = f"c{points[-1]}"
        cells = [name]
        for c in points:
            xs = [r[f"c{c}"]["rps"] for r in rs]
            cells.append(f"{statistics.median(xs):.0f} ({min(xs):.0f}-{max(xs):.0f})")
        cells += [f"{statistics.median(r[k]['rps'] for r in rs) / base:.2f}x",
                  f"{statistics.median(r[k]['cpu_ms_per_req'] for r in rs):.3f}",
                  f"{statistics.median(r[k]['load_cpu_pct'] for r in rs):.0f}",
                  f"{statistics.median(r['pss_mb'] for r in rs):.0f}",
                  str(sum(r[f'c{c}']['errors'] for r in rs for c in points))]
        print("| " + " | ".join(cells) + " |")
    print(f"\n(server logs and configs in {work})")


if __name__ == "__main__":
    main()
