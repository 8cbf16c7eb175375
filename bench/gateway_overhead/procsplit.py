"""Where the cores go during one load point: CPU per process (and per thread of each HTTP worker),
the whole machine's busy time, the connections each worker holds and the requests each served.

On a 2-core machine the load generator, the mock upstream and the supervisor take part of the
cores the workers are measured on, so "two workers should give 2x" is only true of what is left
for them; these numbers say how much that is (bench/gateway_overhead/README.md, "Workers").
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import measure

TICK = os.sysconf("SC_CLK_TCK")


def _ticks(stat_path: str) -> int:
    fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def threads_cpu(pid: int) -> tuple[float, float]:
    """(main thread, all other threads) CPU seconds of one process: the event loop runs on the
    main thread; the SQLite store thread and executor threads are the others."""
    main = other = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            t = _ticks(f"/proc/{pid}/task/{tid}/stat")
        except OSError:
            continue
        if int(tid) == pid:
            main += t
        else:
            other += t
    return main / TICK, other / TICK


def schedstat(pid: int, tid: int | None = None) -> tuple[float, float]:
    """(running, runnable-but-waiting) seconds of one thread (/proc/<pid>/task/<tid>/schedstat):
    over a point, wall minus both is the time it slept, i.e. had nothing to do."""
    f = Path(f"/proc/{pid}/task/{tid or pid}/schedstat").read_text().split()
    return int(f[0]) / 1e9, int(f[1]) / 1e9


def machine_busy() -> tuple[float, float]:
    """(busy, total) seconds summed over every CPU, from /proc/stat (other helpers' work included)."""
    f = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = f[3] + f[4]  # idle + iowait
    total = sum(f[:8])  # leave guest columns out: they are already in user
    return (total - idle) / TICK, total / TICK


def workers_of(root: int) -> list[int]:
    """The HTTP workers of ``tenbin serve`` started as ``root``: its children running ``serve``,
    or ``root`` itself when it is one process."""
    kids = []
    for p in measure.tree(root):
        if p == root:
            continue
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if b"serve" in cmd:
            kids.append(p)
    return sorted(kids) or [root]


def _socket_inodes(pid: int) -> set[int]:
    out = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                out.add(int(link[8:-1]))
    except OSError:
        pass
    return out


def connections(pids: list[int], port: int) -> dict[int, int]:
    """Established TCP connections on local ``port`` held by each pid (/proc/net/tcp*)."""
    established: set[int] = set()
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                established.add(int(f[9]))
    return {p: len(_socket_inodes(p) & established) for p in pids}


def served(port: int, admin_key: str, pids: list[int], tries: int = 60) -> dict[int, float]:
    """Requests counted by each worker's /metrics (``tenbin_requests_total``): /healthz says which
    worker answered a connection, /metrics on the same keep-alive connection says its count. New
    connections until every worker has answered (SO_REUSEPORT picks by the client's port)."""
    out: dict[int, float] = {}
    for _ in range(tries):
        if len(out) >= len(pids):
            break
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            c.request("GET", "/healthz")
            h = json.loads(c.getresponse().read())
            pid = int(h.get("worker", {}).get("pid", pids[0]))
            c.request("GET", "/metrics", headers={"authorization": f"Bearer {admin_key}"})
            text = c.getresponse().read().decode()
        finally:
            c.close()
        out[pid] = sum(float(ln.rsplit(" ", 1)[1]) for ln in text.splitlines()
                       if ln.startswith("tenbin_requests_total{"))
    return out


@dataclass
class Snapshot:
    """CPU counters at one instant, for a point's before/after difference."""

    root: int
    others: dict[str, int]  # name -> pid (mock, ...)
    procs: dict[int, tuple[float, float]] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)
    busy: tuple[float, float] = (0.0, 0.0)
    sched: dict[int, tuple[float, float]] = field(default_factory=dict)  # main threads: (run, wait)

    @classmethod
    def take(cls, root: int, others: dict[str, int]) -> Snapshot:
        s = cls(root, others)
        for p in measure.tree(root):
            try:
                s.procs[p] = threads_cpu(p)
                s.sched[p] = schedstat(p)
            except OSError:
                continue
        for name, pid in others.items():
            s.extra[name] = measure.cpu_seconds(pid)
            s.sched[pid] = schedstat(pid)
        s.busy = machine_busy()
        return s


def split(before: Snapshot, after: Snapshot, seconds: float, workers: list[int], load_cpu_s: float) -> dict[str, float]:
    """Cores used over the point (1.0 = one core busy the whole time), by process."""
    out: dict[str, float] = {}

    def delta(p: int) -> tuple[float, float]:
        a, b = after.procs.get(p, (0.0, 0.0)), before.procs.get(p, (0.0, 0.0))
        return a[0] - b[0], a[1] - b[1]

    def waited(p: int) -> float:
        """Share of the point a main thread was runnable but not running (it wanted a core)."""
        a, b = after.sched.get(p, (0.0, 0.0)), before.sched.get(p, (0.0, 0.0))
        return (a[1] - b[1]) / seconds

    for i, p in enumerate(workers):
        main, other = delta(p)
        out[f"worker{i}_loop"] = main / seconds
        out[f"worker{i}_threads"] = other / seconds
        out[f"worker{i}_loop_runq"] = waited(p)
    rest = [p for p in after.procs if p not in workers]
    out["supervisor_etc"] = sum(sum(delta(p)) for p in rest) / seconds
    for name in after.extra:
        out[name] = (after.extra[name] - before.extra.get(name, 0.0)) / seconds
    out["wrk"] = load_cpu_s / seconds
    out["ours_total"] = sum(v for k, v in out.items() if not k.endswith("_runq"))
    for name, pid in after.others.items():
        out[f"{name}_runq"] = waited(pid)
    out["machine_busy"] = (after.busy[0] - before.busy[0]) / seconds
    out["machine_cores"] = (after.busy[1] - before.busy[1]) / seconds
    out["others_on_box"] = max(0.0, out["machine_busy"] - out["ours_total"])
    return out


class ConnSampler:
    """Counts each worker's connections once, halfway through a point (wrk opens them all at its start)."""

    def __init__(self, pids: list[int], port: int, after_s: float) -> None:
        self.result: dict[int, int] = {}
        self._timer = threading.Timer(after_s, self._run, (pids, port))

    def _run(self, pids: list[int], port: int) -> None:
        self.result = connections(pids, port)

    def __enter__(self) -> ConnSampler:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        self._timer.join()


def autogroup_nice(pid: int, nice: int | None) -> None:
    """Give the autogroup of ``pid``'s session this nice value (Linux, root for < 0). With
    ``sched_autogroup_enabled`` the scheduler shares the cores between sessions first, so a
    process's own nice value does not yield to a benchmark in another session; the target, the
    mock and wrk each run in their own session here. None: leave it."""
    if nice is None:
        return
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
