"""Profile one proxy under load with py-spy (run inside run.sh's namespace: ``run.sh`` is for the
table; this is for finding where the CPU goes).

    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/profile.py tenbin'
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import measure
import targets


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target", choices=["tenbin", "tenbin-noprivacy", "aiohttp", "litellm"])
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--out", default="/tmp/tenbin-profile.txt", help="py-spy --format raw (collapsed stacks)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tenbin-prof-"))
    t = {
        "tenbin": lambda: targets.tenbin(9301, work, privacy=True),
        "tenbin-noprivacy": lambda: targets.tenbin(9302, work, privacy=False),
        "aiohttp": lambda: targets.aiohttp_pass(9201, uvloop=True),
        "litellm": lambda: targets.litellm(9401, work),
    }[args.target]()
    mock = targets.mock()
    mock.start(work)
    try:
        t.start(work)
        assert t.proc is not None
        measure.wrk(t.url, 16, 2, key=t.key)
        load = threading.Thread(target=measure.wrk, args=(t.url, 16, args.seconds + 2), kwargs={"key": t.key})
        load.start()
        spy = Path(sys.executable).with_name("py-spy")
        subprocess.run([str(spy), "record", "--pid", str(t.proc.pid), "--duration", str(args.seconds),
                        "--rate", "200", "--subprocesses", "--format", "raw", "-o", args.out], check=True)
        load.join()
    finally:
        t.stop()
        mock.stop()
    print(f"collapsed stacks in {args.out}; logs in {work}")


if __name__ == "__main__":
    main()
