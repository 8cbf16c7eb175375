"""Memory per HTTP worker of ``tenbin serve --workers N`` with the Japanese analyser loaded: RSS
and PSS (shared pages split between the processes sharing them) of the supervisor, each worker
and the embedded engine's process, after every worker has scanned prompts with personal names
(so Sudachi's dictionary is mapped in each). The dictionary is a read-only shared file mapping
(``system.dic``, ~88 MB), so N workers share one copy of it in the page cache and PSS counts
each worker's share; RSS counts it whole in every worker.

  unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/worker_memory.py --workers 2'
"""

from __future__ import annotations

import argparse
import http.client
import json
import tempfile
from pathlib import Path

import measure
import targets

PROMPT = "田中太郎様（090-1234-5678）への納期遅延のお詫びメールを、山本課長の名前で書いてください。"


def rollup(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        k, _, rest = line.partition(":")
        if k in ("Rss", "Pss"):
            out[k] = int(rest.split()[0]) // 1024
    return out


def kind(pid: int, root: int) -> str:
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    if pid == root:
        return "supervisor" if "--workers" in cmd and " --workers 1" not in cmd else "server"
    if "serve" in cmd:
        return "HTTP worker"
    return "engine / other"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--requests", type=int, default=60)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tenbin-mem-"))
    mock = targets.mock()
    mock.start(work)
    t = targets.tenbin(9307, work, privacy=True, workers=args.workers)
    try:
        t.start(work)
        assert t.proc is not None
        body = json.dumps({"model": "bench", "messages": [{"role": "user", "content": PROMPT}]}).encode()
        for _ in range(args.requests):  # a new connection each time: SO_REUSEPORT spreads them over workers
            c = http.client.HTTPConnection("127.0.0.1", t.port, timeout=30)
            c.request("POST", "/v1/chat/completions", body,
                      {"content-type": "application/json", "authorization": f"Bearer {t.key}"})
            assert c.getresponse().read() and True
            c.close()
        rows = [(kind(p, t.proc.pid), p, rollup(p)) for p in measure.tree(t.proc.pid)]
        print(f"tenbin serve --workers {args.workers}, {args.requests} requests with personal names")
        print("| process | pid | RSS (MB) | PSS (MB) |\n|---|---|---|---|")
        for k, p, m in sorted(rows, key=lambda r: r[0]):
            print(f"| {k} | {p} | {m.get('Rss', 0)} | {m.get('Pss', 0)} |")
        http_pss = [m.get("Pss", 0) for k, _, m in rows if k in ("HTTP worker", "server")]
        print(f"PSS per HTTP worker: max {max(http_pss)} MB; tree {sum(m.get('Pss', 0) for _, _, m in rows)} MB")
    finally:
        t.stop()
        mock.stop()


if __name__ == "__main__":
    main()
