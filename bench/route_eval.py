"""How well does tenbin label requests? Data class and tier against gold labels.

    .venv/bin/python bench/route_eval.py [SET.jsonl ...] [--curve] [--cli N] [--errors] [--engine keywords]

Default sets: the shared development set (``../shared/data/routing_ja_dev.jsonl``) and this
repo's own held-out sets (``bench/data/routing_holdout_*.jsonl``). Each line is a JSON object
with ``text``, ``data_class`` (PUBLIC/INTERNAL/CONFIDENTIAL/PERSONAL) and ``tier``
(light/standard/frontier), labelled by ``request_labels_ja.md``.

A request is run exactly as ``tenbin route --explain "$text" --json`` runs it: the configured
privacy scan, then ``Router.decide`` with the default (empty) routing policy, reading the data
class and the tier from the trace. ``--cli N`` also runs the first N prompts through the real CLI
and checks it says the same. Printed per set: both confusion matrices (rows gold, columns
predicted), data-class accuracy, unsafe rate (PERSONAL/CONFIDENTIAL labelled PUBLIC/INTERNAL),
per-class recall, tier accuracy, the caution trade-off curve (``routing.classifier.caution``)
and the classifier's latency.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.routing.router import Router

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "data" / "routing_ja_dev.jsonl"
CLASSES = ("PUBLIC", "INTERNAL", "CONFIDENTIAL", "PERSONAL")
TIERS = ("light", "standard", "frontier")
SAFE = {"PUBLIC", "INTERNAL"}
SENSITIVE = {"PERSONAL", "CONFIDENTIAL"}
CURVE = (0.0, 0.25, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def load_rows(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ctx(text: str, i: int) -> tuple[RequestContext, dict[str, Any]]:
    body: dict[str, Any] = {"model": "tenbin/auto", "messages": [{"role": "user", "content": text}]}
    ctx = RequestContext(request_id=f"eval_{i}", principal=Principal("key_explain", "default", "default"),
                         body=body, requested_model="tenbin/auto", stream=False, use_case=None, metadata={})
    return ctx, body


def make_router(routing: dict[str, Any] | None = None) -> Router:
    cfg = build_config({"routing": routing or {}}, env={})
    return Router(cfg, load_catalog(cfg.models))


def predict(router: Router, prepared: list[tuple[RequestContext, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for ctx, scan in prepared:
        trace: dict[str, Any] = {}
        with contextlib.suppress(Exception):  # a refusal still carries the labels in the trace
            router.decide(ctx, scan, explain=True, trace=trace)
        dc = str(trace.get("data_class", "")).split(":")[-1].upper()
        dc = "PERSONAL" if dc == "SPECIAL_CARE" else dc
        out.append((dc, str((trace.get("complexity") or {}).get("tier")), trace))
    return out


def scores(rows: list[dict[str, Any]], preds: list[tuple[str, str, dict[str, Any]]]) -> dict[str, float]:
    n = len(rows)
    ok = sum(p[0] == r["data_class"] for r, p in zip(rows, preds, strict=True))
    unsafe = sum(r["data_class"] in SENSITIVE and p[0] in SAFE for r, p in zip(rows, preds, strict=True))
    false_alarm = sum(r["data_class"] in SAFE and p[0] in SENSITIVE for r, p in zip(rows, preds, strict=True))
    tier_ok = sum(p[1] == r["tier"] for r, p in zip(rows, preds, strict=True))
    return {"acc": ok / n, "unsafe": unsafe / n, "unsafe_n": unsafe, "false_alarm": false_alarm / n,
            "tier": tier_ok / n}


def confusion(gold: list[str], pred: list[str], labels: tuple[str, ...], title: str) -> None:
    w = max(len(x) for x in labels) + 1
    print(f"  {title} (rows gold, columns predicted)")
    print("  " + " " * w + "".join(f"{x[:5]:>7}" for x in labels) + "  recall")
    for g in labels:
        cells = [sum(1 for a, b in zip(gold, pred, strict=True) if a == g and b == p) for p in labels]
        tot = sum(1 for a in gold if a == g)
        rec = cells[labels.index(g)] / tot if tot else 0.0
        print(f"  {g:<{w}}" + "".join(f"{c:>7}" for c in cells) + f"  {rec:.2f} of {tot}")


def latency(router: Router, texts: list[str]) -> str:
    """Wall-clock and CPU time of one classify() call on prompts cut to 300 characters (the
    machine may be shared: CPU time is what the classifier itself costs)."""
    clf = getattr(router, "classifier", None)
    if clf is None:
        return "  latency: no classifier on this router"
    sample = [t[:300] for t in texts if len(t) >= 300][:50]
    what = "prompts cut to 300 chars"
    if not sample:
        median = sorted(map(len, texts))[len(texts) // 2]
        sample, what = texts[:50], f"prompts (none reaches 300 chars; median length {median})"
    for t in sample:
        clf.classify(t, 1, None)
    wall, cpu = [], []
    for _ in range(20):
        for t in sample:
            c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
            clf.classify(t, 1, None)
            wall.append(time.perf_counter_ns() - t0)
            cpu.append(time.thread_time_ns() - c0)
    wall.sort()
    cpu.sort()
    return (f"  classifier latency on {len(sample)} {what}:"
            f" wall p50 {wall[len(wall) // 2] / 1000:.0f} µs"
            f"  p99 {wall[int(len(wall) * 0.99)] / 1000:.0f} µs;  CPU p50 {cpu[len(cpu) // 2] / 1000:.0f} µs"
            f"  mean {statistics.fmean(cpu) / 1000:.0f} µs")


def run_cli(rows: list[dict[str, Any]], preds: list[tuple[str, str, dict[str, Any]]], n: int) -> None:
    exe = str(Path(sys.executable).with_name("tenbin"))
    same = 0
    for r, p in zip(rows[:n], preds[:n], strict=False):
        res = subprocess.run([exe, "route", "--explain", r["text"], "--json"], capture_output=True, check=False)
        tr = orjson.loads(res.stdout)["trace"]
        dc = tr["data_class"].split(":")[-1].upper()
        same += dc == p[0] and tr["complexity"]["tier"] == p[1]
    print(f"  CLI check: {same} of {min(n, len(rows))} prompts give the same labels through `tenbin route --json`")


def evaluate(path: Path, args: argparse.Namespace, stage: PrivacyStage | None) -> dict[str, float]:
    rows = load_rows(path)
    prepared = []
    for i, r in enumerate(rows):
        ctx, body = _ctx(r["text"], i)
        prepared.append((ctx, stage.scan(body) if stage else None))
    router = make_router({"classifier": {"engine": args.engine}})
    preds = predict(router, prepared)
    s = scores(rows, preds)
    print(f"\n== {path.name}: {len(rows)} prompts")
    confusion([r["data_class"] for r in rows], [p[0] for p in preds], CLASSES, "data class")
    confusion([r["tier"] for r in rows], [p[1] for p in preds], TIERS, "tier")
    print(f"  data-class accuracy {s['acc']:.3f}   unsafe rate {s['unsafe']:.3f} ({s['unsafe_n']} prompts)"
          f"   false alarms {s['false_alarm']:.3f}   tier accuracy {s['tier']:.3f}")
    if args.curve and hasattr(router, "classifier"):
        print("  trade-off (routing.classifier.caution): caution  accuracy  unsafe  false-alarm  tier")
        for c in CURVE:
            cs = scores(rows, predict(make_router({"classifier": {"caution": c}}), prepared))
            print(f"    {c:>5.2f}   {cs['acc']:.3f}   {cs['unsafe']:.3f}   {cs['false_alarm']:.3f}   {cs['tier']:.3f}")
    if args.errors:
        for r, p in zip(rows, preds, strict=True):
            if p[0] != r["data_class"] or (args.errors > 1 and p[1] != r["tier"]):
                reasons = p[2].get("classifier", {}).get("reasons") or p[2].get("request", {}).get("labels")
                print(f"  ✗ {r.get('id', '')} gold {r['data_class']}/{r['tier']} got {p[0]}/{p[1]} {reasons}"
                      f"  {r['text'][:90]!r}")
    print(latency(router, [r["text"] for r in rows]))
    if args.cli:
        run_cli(rows, preds, args.cli)
    return s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("sets", nargs="*", type=Path)
    ap.add_argument("--curve", action="store_true", help="print the caution trade-off curve")
    ap.add_argument("--errors", action="count", default=0, help="list misread prompts (twice: tier misses too)")
    ap.add_argument("--cli", type=int, default=0, help="cross-check the first N prompts through the CLI")
    ap.add_argument("--engine", choices=("learned", "keywords"), default="learned",
                    help="routing.classifier.engine: keywords is the scan's class and the keyword estimate")
    args = ap.parse_args()
    sets = args.sets or [DEV, *sorted((ROOT / "bench" / "data").glob("routing_holdout_*.jsonl"))]
    stage = PrivacyStage.from_config({})
    for path in sets:
        evaluate(path, args, stage)


if __name__ == "__main__":
    main()
