"""System calls per request of one proxy under load: what callgrind cannot see.

callgrind counts user-space instructions only; a served request also spends kernel time in its
socket reads and writes, and tenbin's store thread in SQLite's WAL writes. This attaches
``strace -c -f`` to the proxy (and its children) for one wrk run of fixed length and divides each
call's count by the requests wrk completed. strace slows the traced process several times, so
only the counts mean anything, not the times it prints.

    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/syscalls.py tenbin'
    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/syscalls.py aiohttp'
    # streamed answers, the TTFT client's load: --stream
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import measure
import targets


def per_request(summary: str, requests: int) -> list[tuple[str, float]]:
    """(syscall, calls per request) from ``strace -c``'s table, most frequent first."""
    out = []
    for line in summary.splitlines():
        cols = line.split()
        if len(cols) >= 5 and cols[0][0].isdigit() and cols[-1] != "total":
            out.append((cols[-1], int(cols[3]) / requests))
    return sorted(out, key=lambda x: -x[1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target", choices=["tenbin", "aiohttp"])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--stream", action="store_true", help="the TTFT client's streams (8 connections), not wrk")
    args = ap.parse_args()
    if shutil.which("strace") is None:
        raise SystemExit("strace is not installed: apt-get install -y strace")
    work = Path(tempfile.mkdtemp(prefix="tenbin-syscalls-"))
    t = {"tenbin": lambda: targets.tenbin(9311, work, privacy=True),
         "aiohttp": lambda: targets.aiohttp_pass(9211, uvloop=False)}[args.target]()
    mock = targets.mock()
    mock.start(work)
    out = work / "strace.txt"
    conns = 8 if args.stream else args.conns  # the TTFT client's 8 streams, or wrk's connections
    try:
        t.start(work)
        assert t.proc is not None
        measure.wrk(t.url, args.conns, 2, key=t.key)  # warm: connections, caches, the dictionary
        pids = [t.proc.pid, *measure._children(t.proc.pid)]
        st = subprocess.Popen(["strace", "-c", "-f", *[a for p in pids for a in ("-p", str(p))], "-o", str(out)])
        time.sleep(1)  # attached before the first request counted
        n = (measure.ttft(t.url, conns, args.seconds, key=t.key).n if args.stream
             else measure.wrk(t.url, conns, args.seconds, key=t.key).requests)
        time.sleep(0.5)
        st.send_signal(signal.SIGINT)
        st.wait()
    finally:
        t.stop()
        mock.stop()
    print(f"{t.name}: {n} {'streams' if args.stream else 'requests'} under strace (c={conns})")
    for name, k in per_request(out.read_text(), n):
        if k >= 0.01:
            print(f"  {name:<16} {k:6.2f} per request")


if __name__ == "__main__":
    main()
