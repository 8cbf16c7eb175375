"""Gateway overhead benchmark: what each proxy adds over calling the mock upstream directly.

Run it through ``run.sh`` (a loopback-only network namespace, so nothing can phone home). Each
target is started alone, measured at c=1, 16, 64, with a 200 ± 100 ms upstream at c=64, for
streamed TTFT at c=8, then stopped; the table goes to stdout as Markdown and the raw numbers to JSON.

The slow-upstream point (issue 16: ≥ 0.99 of direct req/s, added p99 ≤ 3 ms) uses the mock's
jittered model, staggers each connection's first request over 200 ms, is preceded by a warm-up at
the same concurrency and model, and runs 20 s: with a fixed delay and every connection starting
in the same millisecond, a closed loop stays in lock-step and the proxy meets bursts of 64 every
200 ms, and in 6 s the first burst alone is the top 1 % (README "Stalls"). ``--slow-model
bench-delay-200 --stagger-ms 0`` measures the old way.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import body as bodies
import measure
import targets


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def sink_stats(sink: targets.Target) -> dict[str, Any]:
    with urllib.request.urlopen(sink.url + "/stats", timeout=5) as resp:
        out: dict[str, Any] = json.loads(resp.read())
    return out


SLOW = {"model": "bench-delay-200-jitter-100", "stagger_ms": 200}  # main() may change them


def slow_point(w: measure.WrkResult) -> dict[str, Any]:
    return {"p50_ms": w.p50_ms, "p99_ms": w.p99_ms, "rps": w.rps, "errors": w.errors, "mean_ms": w.mean_ms,
            "p90_ms": w.p90_ms, "p999_ms": w.p999_ms, "max_ms": w.max_ms, "requests": w.requests,
            "model": SLOW["model"], "stagger_ms": SLOW["stagger_ms"]}


def measure_target(t: targets.Target, pid: int, dur: dict[str, int], slow_model: str) -> dict[str, Any]:
    r: dict[str, Any] = {"name": t.name, "note": t.note}
    measure.wrk(t.url, 16, dur["warm"], key=t.key)  # warm pools, caches, JIT-less but lazy imports
    c0 = measure.cpu_seconds(pid)
    c1 = measure.wrk(t.url, 1, dur["point"], key=t.key)
    r["c1"] = {"p50_ms": c1.p50_ms, "p99_ms": c1.p99_ms, "rps": c1.rps, "errors": c1.errors,
               "cpu_ms_per_req": (measure.cpu_seconds(pid) - c0) * 1000 / max(1, c1.requests)}
    for conns in (16, 64):
        c0 = measure.cpu_seconds(pid)
        w = measure.wrk(t.url, conns, dur["point"], key=t.key)
        r[f"c{conns}"] = {"p50_ms": w.p50_ms, "p99_ms": w.p99_ms, "rps": w.rps, "errors": w.errors,
                          "cpu_ms_per_req": (measure.cpu_seconds(pid) - c0) * 1000 / max(1, w.requests),
                          "load_cpu_pct": w.load_cpu_pct}
    stagger = int(SLOW["stagger_ms"])
    measure.wrk(t.url, 64, dur["warm"], model=str(SLOW["model"]), key=t.key, stagger_ms=stagger)
    w = measure.wrk(t.url, 64, dur["slow"], model=str(SLOW["model"]), key=t.key, stagger_ms=stagger)
    r["slow_c64"] = slow_point(w)
    tt = measure.ttft(t.url, 8, dur["ttft"], key=t.key)
    r["ttft_c8"] = {"n": tt.n, "p50_ms": tt.p50_ms, "p99_ms": tt.p99_ms}
    # Closed-loop c=8 against a zero-latency upstream saturates a slow proxy, so TTFT above is
    # mostly queueing; with a 200 ms upstream the proxy is not saturated and TTFT shows its own cost.
    tt = measure.ttft(t.url, 8, dur["ttft"], model=slow_model, key=t.key)
    r["ttft_slow_c8"] = {"n": tt.n, "p50_ms": tt.p50_ms, "p99_ms": tt.p99_ms}
    r["rss_peak_mb"] = measure.peak_rss_mb(pid)
    return r


FACES = ("chat", "responses", "messages")


def measure_faces(t: targets.Target, pid: int, dur: dict[str, int]) -> list[dict[str, Any]]:
    """The same prompt through each of tenbin's API faces, on the same server, back to back: what
    translating a Responses or Messages request into the pipeline and back adds over chat."""
    out = []
    for face in FACES:
        measure.wrk(t.url, 16, dur["warm"], key=t.key, face=face)
        row: dict[str, Any] = {"face": face}
        for conns in (1, 16):
            c0 = measure.cpu_seconds(pid)
            w = measure.wrk(t.url, conns, dur["point"], key=t.key, face=face)
            row[f"c{conns}"] = {"p50_ms": w.p50_ms, "p99_ms": w.p99_ms, "rps": w.rps, "errors": w.errors,
                                "cpu_ms_per_req": (measure.cpu_seconds(pid) - c0) * 1000 / max(1, w.requests)}
        out.append(row)
    return out


def faces_table(rows: list[dict[str, Any]], direct: dict[str, Any]) -> str:
    head = ("| tenbin face | added p50 c=1 (ms) | CPU ms/req c=1 | CPU ms/req c=16 | req/s c=16 "
            "| p99 c=16 (ms) | errors |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        lines.append("| " + " | ".join([
            r["face"], f"{r['c1']['p50_ms'] - direct['c1']['p50_ms']:+.2f}", _f(r["c1"]["cpu_ms_per_req"], 3),
            _f(r["c16"]["cpu_ms_per_req"], 3), _f(r["c16"]["rps"], 0), _f(r["c16"]["p99_ms"]),
            str(r["c1"]["errors"] + r["c16"]["errors"])]) + " |")
    return "\n".join(lines)


def _f(x: float, nd: int = 2) -> str:
    return f"{x:.{nd}f}"


def _added(r: dict[str, Any], base: dict[str, Any], k: str, f: str) -> str:
    return f"{r[k][f]:.2f}" if r is base else f"{r[k][f] - base[k][f]:+.2f}"


def _row(r: dict[str, Any], base: dict[str, Any]) -> str:
    is_base = r is base
    errs = sum(r[k]["errors"] for k in ("c1", "c16", "c64", "slow_c64"))
    slow = (f"{r['slow_c64']['rps']:.0f} req/s" if is_base
            else _f(r["slow_c64"]["rps"] / base["slow_c64"]["rps"], 3))
    cells = [
        r["name"] + (" (absolute)" if is_base else ""),
        _added(r, base, "c1", "p50_ms"), _added(r, base, "c1", "p99_ms"),
        f"{_f(r['c1']['cpu_ms_per_req'], 3)} / {_f(r['c16']['cpu_ms_per_req'], 3)}",
        _f(r["c16"]["rps"], 0), _f(r["c16"]["p99_ms"]), _f(r["c64"]["rps"], 0), _f(r["c64"]["p99_ms"]),
        _added(r, base, "ttft_c8", "p50_ms"), _added(r, base, "ttft_slow_c8", "p50_ms"), _f(r["rss_peak_mb"], 0),
        slow, _added(r, base, "slow_c64", "mean_ms"), _added(r, base, "slow_c64", "p99_ms"), str(round(errs)),
    ]
    return "| " + " | ".join(cells) + " |"


def workers_table(results: list[dict[str, Any]]) -> str:
    """Saturated throughput of one process against several workers (and LiteLLM's, if measured), with
    wrk's own CPU: on a 2-core machine the load generator takes part of the cores being measured."""
    one = next((r for r in results if r["name"] == "tenbin"), None)
    head = ("| target | req/s c=16 | req/s c=64 | vs tenbin 1 process (c=64) | server CPU ms/req c=64 "
            "| wrk CPU % of a core c=16 / c=64 |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        if not ((r["name"].startswith("tenbin") and ("workers" in r["name"] or r is one))
                or r["name"].startswith("LiteLLM")):
            continue
        ratio = _f(r["c64"]["rps"] / one["c64"]["rps"]) + "x" if one is not None else "-"
        lines.append("| " + " | ".join([
            r["name"] + (" (1 process)" if r is one else ""), _f(r["c16"]["rps"], 0), _f(r["c64"]["rps"], 0), ratio,
            _f(r["c64"]["cpu_ms_per_req"], 3),
            f"{r['c16'].get('load_cpu_pct', 0):.0f} / {r['c64'].get('load_cpu_pct', 0):.0f}"]) + " |")
    return "\n".join(lines)


def table(results: list[dict[str, Any]]) -> str:
    base = next(r for r in results if r["name"] == "direct")
    head = ("| target | added p50 c=1 (ms) | added p99 c=1 (ms) | CPU ms/req (c=1 / c=16) | req/s c=16 "
            "| p99 c=16 (ms) | req/s c=64 | p99 c=64 (ms) | added TTFT p50 c=8 (ms) "
            "| added TTFT p50 c=8, 200 ms upstream (ms) | peak RSS (MB) "
            "| 200 ± 100 ms upstream c=64: req/s vs direct | added mean (ms) | added p99 (ms) | errors |")
    return "\n".join([head, "|" + "---|" * (head.count("|") - 1), *(_row(r, base) for r in results)])


def median_of(runs: list[Any]) -> Any:
    """The per-field median of several repetitions of one measurement (dicts and lists walked
    alike); a field that is not a number (a name, a note) is taken from the first run."""
    first = runs[0]
    if isinstance(first, dict):
        return {k: median_of([r[k] for r in runs]) for k in first}
    if isinstance(first, list):
        return [median_of([r[i] for r in runs]) for i in range(len(first))]
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return statistics.median(runs)
    return first


def spool_target(port: int, work: Path, fsync: str) -> targets.Target:
    """tenbin with ``ledger.spool_dir`` set (on the work directory's disk, which must be a real
    one for ``always`` to mean anything) and this ``spool_fsync``."""
    spool = work / f"spool-{fsync}"
    t = targets.tenbin(port, work, privacy=True, tag=f"-spool-{fsync}",
                       extra=f"ledger: {{spool_dir: '{spool}', spool_fsync: {fsync}}}\n")
    t.name += f" (spool {fsync})"
    t.note += f"; ledger spool, spool_fsync: {fsync}"
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="1-2 s points, to debug the harness")
    ap.add_argument("--only", default="",
                    help="comma-separated subset: aiohttp,uvloop,starlette,tenbin,tenbin-noprivacy,"
                         "tenbin-tracing,tenbin-nometrics,tenbin-w2,tenbin-w2-shared,litellm,litellm-w2; "
                         "only when named: tenbin-spool, tenbin-spool-always (the ledger's write-ahead "
                         "spool, spool_fsync interval / always); tenbin-base with --base")
    ap.add_argument("--json", default=str(Path(__file__).with_name("results.json")))
    ap.add_argument("--faces", action="store_true",
                    help="also measure tenbin's /v1/responses and /v1/messages beside chat (same server)")
    ap.add_argument("--reps", type=int, default=1,
                    help="repeat the whole sequence (direct, then every target in turn) N times and "
                         "report each figure's median; the runs alternate, so a slow stretch of the "
                         "shared machine hits every target alike")
    ap.add_argument("--slow-model", default=SLOW["model"],
                    help="the slow-upstream point's model (bench-delay-200: a fixed 200 ms, the old point)")
    ap.add_argument("--stagger-ms", type=int, default=SLOW["stagger_ms"],
                    help="spread each connection's first request of that point over this many ms (0: none)")
    ap.add_argument("--slow-seconds", type=int, default=20, help="that point's length (it was 6 s)")
    ap.add_argument("--base", default="",
                    help="another checkout (a git worktree of the commit to compare against): adds the "
                         "target tenbin-base, that tree's tenbin with the defaults, measured in the same "
                         "run as this one (its extensions built or copied into its src)")
    ap.add_argument("--body", choices=bodies.KINDS, default="issue",
                    help="issue: the issue's 1,076-byte request with a 292-character prompt (body.py); "
                         "short: the 17-character prompt every run before 2026-12-06 sent")
    args = ap.parse_args()
    measure.BODY = args.body
    # A SIGTERM (timeout, Ctrl-C from a wrapper) must still run the finally blocks that stop servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    dur = ({"warm": 1, "point": 2, "slow": 2, "ttft": 1} if args.quick
           else {"warm": 2, "point": 5, "slow": args.slow_seconds, "ttft": 3})
    SLOW.update(model=args.slow_model, stagger_ms=args.stagger_ms)
    work = Path(tempfile.mkdtemp(prefix="tenbin-bench-"))
    want = set(filter(None, args.only.split(",")))
    # Built only when chosen: building a tenbin target mints its key with the tree's own CLI, and
    # an older tree measured beside this one (PYTHONPATH) may not know a newer target's config.
    candidates: list[tuple[str, Callable[[], targets.Target]]] = [
        ("aiohttp", lambda: targets.aiohttp_pass(9201, uvloop=False)),
        ("uvloop", lambda: targets.aiohttp_pass(9202, uvloop=True)),
        ("starlette", lambda: targets.starlette_pass(9203)),
        ("tenbin", lambda: targets.tenbin(9301, work, privacy=True)),
        ("tenbin-noprivacy", lambda: targets.tenbin(9302, work, privacy=False)),
        ("tenbin-tracing", lambda: targets.tenbin(9303, work, privacy=True, tracing=True)),
        ("tenbin-nometrics", lambda: targets.tenbin(9304, work, privacy=True, metrics=False)),
        ("tenbin-w2", lambda: targets.tenbin(9305, work, privacy=True, workers=2)),
        # one inherited listening socket instead of SO_REUSEPORT (the default): how the choice was made
        ("tenbin-w2-shared", lambda: targets.tenbin(9306, work, privacy=True, workers=2, listen="shared")),
    ]
    if args.base:
        base = Path(args.base).resolve()
        candidates.append(("tenbin-base", lambda: targets.tenbin(9310, work, privacy=True, tag="-base", tree=base)))
    if shutil.which(targets.LITELLM_BIN) or Path(targets.LITELLM_BIN).exists():
        candidates.append(("litellm", lambda: targets.litellm(9401, work)))
        candidates.append(("litellm-w2", lambda: targets.litellm(9402, work, workers=2)))
    # What the write-ahead spool costs (docs/durability.md), beside plain tenbin; not in the default
    # run, whose rows stay what they were.
    opt_in = {"tenbin-spool": lambda: spool_target(9308, work, "interval"),
              "tenbin-spool-always": lambda: spool_target(9309, work, "always")}
    candidates += list(opt_in.items())
    chosen = [make() for k, make in candidates if (not want and k not in opt_in) or k in want]
    started = time.time()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "loadavg_start": loadavg(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "durations_s": dur, "reps": args.reps,
            "body": args.body, "body_bytes": len(bodies.encode(bodies.request(kind=args.body)))}
    mock = targets.mock()
    mock.start(work)
    # The tracing target exports to a sink of its own process, so the collector's CPU is not
    # counted as tenbin's; its span count shows every request's spans were exported, none dropped.
    sink = targets.otlp_sink() if any(t.name.endswith("(tracing on)") for t in chosen) else None
    runs: list[list[dict[str, Any]]] = []
    face_runs: list[list[dict[str, Any]]] = []
    try:
        assert mock.proc is not None
        if sink is not None:
            sink.start(work)
        for rep in range(args.reps):
            results: list[dict[str, Any]] = []
            faces: list[dict[str, Any]] = []
            d = targets.direct()
            results.append(measure_target(d, mock.proc.pid, dur, "bench-delay-200"))
            for t in chosen:
                t.start(work)
                try:
                    assert t.proc is not None
                    results.append(measure_target(t, t.proc.pid, dur, "bench-delay-200"))
                    if sink is not None and t.name.endswith("(tracing on)"):
                        t.stop()  # its shutdown flushes the last spans (counts are cumulative over reps)
                        results[-1]["otlp_sink"] = sink_stats(sink)
                        db_path = work / "tenbin-privacy-tracing" / "tenbin.db"
                        with contextlib.closing(sqlite3.connect(db_path)) as db:
                            rows = db.execute("SELECT count(*) FROM usage").fetchone()[0]
                        results[-1]["otlp_sink"]["requests"] = rows
                    if args.faces and t.name == "tenbin":
                        faces = measure_faces(t, t.proc.pid, dur)
                finally:
                    t.stop()
                print(f"# rep {rep + 1}/{args.reps}: {t.name} done ({time.time() - started:.0f} s, "
                      f"load {loadavg()})", flush=True)
            runs.append(results)
            if faces:
                face_runs.append(faces)
    finally:
        mock.stop()
        if sink is not None:
            sink.stop()
    results = median_of(runs)
    faces = median_of(face_runs) if face_runs else []
    meta["loadavg_end"] = loadavg()
    meta["seconds"] = round(time.time() - started)
    Path(args.json).write_text(json.dumps({"meta": meta, "results": results, "faces": faces, "runs": runs,
                                           "face_runs": face_runs}, indent=1),
                               encoding="utf-8")
    print(f"\nload average (1/5/15 min) at start {meta['loadavg_start']}, at end {meta['loadavg_end']}; "
          f"{meta['cpus']} CPUs; Python {meta['python']}; {meta['seconds']} s; "
          f"{'medians of ' + str(args.reps) + ' runs' if args.reps > 1 else 'one run'}\n")
    print(table(results))
    for r in results:
        if "otlp_sink" in r:
            o = r["otlp_sink"]
            print(f"\n{r['name']}: the OTLP sink received {o['spans']} spans in {o['posts']} export calls"
                  f" ({o['bytes'] / 1e6:.1f} MB) for {o['requests']} requests (ledger rows)")
    if any("workers" in r["name"] for r in results):
        print("\n" + workers_table(results))
    if faces:
        print("\n" + faces_table(faces, results[0]))
    print(f"\n(server logs and configs kept in {work})")


if __name__ == "__main__":
    main()
