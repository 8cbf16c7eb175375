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

Per point it also records where the two cores went (procsplit.py): each worker's loop thread and
its other threads (the SQLite store thread), the supervisor, the mock upstream, wrk, the machine
as a whole (other work on the box included), and the connections each worker held and requests
it served — ``--only 1,w2`` measures just one process and the default two workers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import measure
import procsplit
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


VARIANTS: list[tuple[str, str, dict[str, Any]]] = [
    ("1", "1 process", {"workers": 1}),
    ("w2", "--workers 2", {"workers": 2}),
    ("w2-shared", "--workers 2 --listen shared", {"workers": 2, "listen": "shared"}),
    ("1-limits", "1 process, budget + rate limit", {"workers": 1, "extra": LIMITS, "tag": "-limits"}),
    ("w2-limits", "--workers 2, budget + rate limit", {"workers": 2, "extra": LIMITS, "tag": "-limits"}),
]


def admin_key(t: targets.Target) -> str:
    """A second key, admin, for each worker's /metrics (its request count)."""
    cfg = t.cmd[t.cmd.index("--config") + 1]
    out = subprocess.run([str(Path(targets.PY).with_name("tenbin")), "keys", "create", "--team", "ops",
                          "--role", "admin", "--config", cfg], cwd=targets.REPO, env={**os.environ, **t.env},
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1].strip()


def point(t: targets.Target, admin: str, mock_pid: int, c: int, seconds: int, model: str) -> dict[str, Any]:
    """One wrk point, with the cores' split, the connections and the requests per worker."""
    assert t.proc is not None
    pids = procsplit.workers_of(t.proc.pid)
    n0 = procsplit.served(t.port, admin, pids)
    s0 = procsplit.Snapshot.take(t.proc.pid, {"mock": mock_pid})
    with procsplit.ConnSampler(pids, t.port, seconds / 2) as conns:
        w = measure.wrk(t.url, c, seconds, key=t.key, model=model, timeout_s=30)
    s1 = procsplit.Snapshot.take(t.proc.pid, {"mock": mock_pid})
    n1 = procsplit.served(t.port, admin, pids)
    cores = procsplit.split(s0, s1, w.seconds, pids, w.load_cpu_s)
    server_cpu = sum(v for k, v in cores.items()
                     if (k.startswith("worker") and not k.endswith("_runq")) or k == "supervisor_etc")
    return {"rps": w.rps, "p50_ms": w.p50_ms, "p99_ms": w.p99_ms, "errors": w.errors,
            "load_cpu_pct": w.load_cpu_pct, "cpu_ms_per_req": server_cpu * w.seconds * 1000 / max(1, w.requests),
            "cores": cores, "conns": [conns.result.get(p, 0) for p in pids],
            "served": [n1.get(p, 0.0) - n0.get(p, 0.0) for p in pids], "loadavg": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--embedded", action="store_true", help="measure the embedded model alone at c=4")
    ap.add_argument("--only", default="", help="comma-separated variants: " + ",".join(k for k, _, _ in VARIANTS))
    ap.add_argument("--json", default=str(Path(__file__).with_name("results-workers.json")))
    ap.add_argument("--autogroup-nice", type=int, default=None,
                    help="nice value for the autogroups of this run's sessions (procsplit.autogroup_nice), "
                         "e.g. -10 on a box where others run niced background work")
    args = ap.parse_args()
    procsplit.autogroup_nice(os.getpid(), args.autogroup_nice)  # wrk runs in this session
    work = Path(tempfile.mkdtemp(prefix="tenbin-bench-workers-"))
    only = (set(args.only.split(",")) if args.only
            else {k for k, _, _ in VARIANTS if not (args.embedded and "limits" in k)})
    variants = [(name, kw) for k, name, kw in VARIANTS if k in only]
    model, points = ("local/smollm2", (4,)) if args.embedded else ("bench", (16, 64))
    made = {name: targets.tenbin(9500 + i, work, privacy=True, **kw) for i, (name, kw) in enumerate(variants)}
    admins = {name: admin_key(t) for name, t in made.items()}
    mock = targets.mock()
    mock.start(work)
    assert mock.proc is not None
    procsplit.autogroup_nice(mock.proc.pid, args.autogroup_nice)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _ in variants}
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    try:
        for rep in range(args.reps):
            for name, _kw in variants:
                t = made[name]
                t.start(work)
                try:
                    assert t.proc is not None
                    procsplit.autogroup_nice(t.proc.pid, args.autogroup_nice)
                    measure.wrk(t.url, points[0], 2, key=t.key, model=model)
                    row: dict[str, Any] = {f"c{c}": point(t, admins[name], mock.proc.pid, c, args.seconds, model)
                                           for c in points}
                    row["pss_mb"] = pss_mb(t.proc.pid)
                    runs[name].append(row)
                    k = row[f"c{points[-1]}"]
                    print(f"rep {rep} {name}: c={points[-1]} {k['rps']:.0f} req/s, conns {k['conns']}, "
                          f"served {[round(x) for x in k['served']]}, cores "
                          + ", ".join(f"{a}={b:.2f}" for a, b in k["cores"].items()), flush=True)
                finally:
                    t.stop()
    finally:
        mock.stop()
    print(f"load average at the end: {os.getloadavg()}")
    procsplit.autogroup_nice(os.getpid(), 0 if args.autogroup_nice is not None else None)
    Path(args.json).write_text(json.dumps({"model": model, "runs": runs}, indent=1), encoding="utf-8")
    table(runs, points)
    print(f"\n(server logs and configs in {work})")


def _med(rs: list[dict[str, Any]], k: str, f: str) -> float:
    return float(statistics.median(r[k][f] for r in rs))


def table(runs: dict[str, list[dict[str, Any]]], points: tuple[int, ...]) -> None:
    base_rs = runs.get("1 process")
    base = _med(base_rs, f"c{points[-1]}", "rps") if base_rs else 0.0
    cols = " | ".join(f"req/s c={c} median (min-max)" for c in points)
    head = (f"| variant | {cols} | vs 1 process | p99 ms | server CPU ms/req | cores: workers (loop+threads)"
            " / supervisor / mock / wrk / others on the box | loop thread waiting for a core / idle |"
            " PSS (MB) | errors |")
    print(head + "\n|" + "---|" * (head.count("|") - 1))
    for name, rs in runs.items():
        k = f"c{points[-1]}"
        cells = [name]
        for c in points:
            xs = [r[f"c{c}"]["rps"] for r in rs]
            cells.append(f"{statistics.median(xs):.0f} ({min(xs):.0f}-{max(xs):.0f})")
        core = {f: statistics.median(r[k]["cores"][f] for r in rs) for f in rs[0][k]["cores"]}
        wk = sum(v for f, v in core.items() if f.startswith("worker") and not f.endswith("_runq"))
        loops = [f.removesuffix("_loop") for f in core if f.endswith("_loop")]
        idle = statistics.mean(1 - core[f"{w}_loop"] - core[f"{w}_loop_runq"] for w in loops)
        runq = statistics.mean(core[f"{w}_loop_runq"] for w in loops)
        cells += [f"{_med(rs, k, 'rps') / base:.2f}x" if base else "-",
                  "/".join(f"{_med(rs, f'c{c}', 'p99_ms'):.0f}" for c in points),
                  f"{_med(rs, k, 'cpu_ms_per_req'):.3f}",
                  f"{wk:.2f} / {core['supervisor_etc']:.2f} / {core['mock']:.2f} / {core['wrk']:.2f}"
                  f" / {core['others_on_box']:.2f}",
                  f"{runq:.0%} / {idle:.0%}",
                  f"{statistics.median(r['pss_mb'] for r in rs):.0f}",
                  str(sum(r[f'c{c}']['errors'] for r in rs for c in points))]
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
