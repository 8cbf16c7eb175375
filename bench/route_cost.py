"""What the classifier and ``Router.decide`` cost per prompt of the routing sets, old code vs new.

    nice valgrind --tool=callgrind --callgrind-out-file=/tmp/rc.%p .venv/bin/python bench/route_cost.py
    nice .venv/bin/python bench/route_cost.py --rounds 5        # CPU time instead (noisy on a shared box)
    PYTHONPATH=/tmp/base/src ...                                 # the same against another checkout

The prompts are the shared routing dev set (``../shared/data/routing_ja_dev.jsonl``) and the
routing hold-out sets (``bench/data/routing_holdout_*.jsonl``), privacy-scanned beforehand (the
scan is its own stage). Under callgrind a small C helper zeroes the counters after one warm-up
pass and dumps them after each measured pass (``classify``: ``LearnedClassifier.classify`` with the
scan; ``decide``: ``Router.decide`` for the default config, classifier included; ``decide_explain``:
the same with ``explain=True``), so imports and the model load are not counted; the script prints
the instructions per prompt read from the dumps. Outside valgrind it prints ``time.process_time``
per call, the best of ``--rounds``.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import instructions_per_request as ipr
from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.routing.classifier import LearnedClassifier
from tenbin.routing.router import Router

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "routing_ja_dev.jsonl"

def prompts() -> list[str]:
    paths = ([DEV] if DEV.is_file() else []) + sorted((ROOT / "bench" / "data").glob("routing_holdout_*.jsonl"))
    return [orjson.loads(line)["text"] for p in paths for line in p.read_bytes().splitlines() if line.strip()]


def ctx_for(text: str, i: int) -> RequestContext:
    body: dict[str, Any] = {"model": "tenbin/auto", "messages": [{"role": "user", "content": text}]}
    return RequestContext(request_id=f"cost_{i}", principal=Principal("key_explain", "default", "default"),
                          body=body, requested_model="tenbin/auto", stream=False, use_case=None, metadata={})


def totals(path: str) -> int:
    for line in Path(path).read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise ValueError(f"no totals in {path}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5, help="passes over the prompts outside valgrind")
    args = ap.parse_args()
    texts = prompts()
    stage = PrivacyStage.from_config({})
    assert stage is not None  # the default config scans
    scans = [stage.scan({"model": "tenbin/auto", "messages": [{"role": "user", "content": t}]}) for t in texts]
    clf = LearnedClassifier()
    cfg = build_config({"routing": {}}, env={})
    router = Router(cfg, load_catalog(cfg.models))
    items = list(zip(texts, scans, strict=True))

    def classify() -> None:
        for t, s in items:
            clf.classify(t, 1, s)

    def decide(explain: bool) -> Callable[[], None]:
        def run() -> None:
            for i, (t, s) in enumerate(items):
                with contextlib.suppress(Exception):
                    router.decide(ctx_for(t, i), s, explain=explain, trace={})
        return run

    passes = {"classify": classify, "decide": decide(False), "decide_explain": decide(True)}
    for fn in passes.values():  # warm-up: caches, memos, first-call costs
        fn()
    cg = ipr.helper()
    if cg.cg_on():
        before = set(glob.glob(f"/tmp/rc.{os.getpid()}*"))
        for name, fn in passes.items():
            cg.cg_zero()
            fn()
            cg.cg_dump(name.encode())
        dumps = sorted(set(glob.glob(f"/tmp/rc.{os.getpid()}*")) - before, key=os.path.getmtime)
        for name, path in zip(passes, dumps, strict=False):
            print(f"{name}: {totals(path) / len(items):,.0f} instructions per prompt ({len(items)} prompts)")
        return
    for name, fn in passes.items():
        best = float("inf")
        for _ in range(args.rounds):
            t0 = time.process_time()
            fn()
            best = min(best, time.process_time() - t0)
        print(f"{name}: {best / len(items) * 1e6:.1f} µs CPU per prompt (best of {args.rounds}, {len(items)} prompts)")


if __name__ == "__main__":
    main()
