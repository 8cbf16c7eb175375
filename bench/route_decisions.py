"""Dump what routing decides for every prompt of the routing sets, to diff two versions of the code.

    PYTHONHASHSEED=0 .venv/bin/python bench/route_decisions.py > new.jsonl
    PYTHONHASHSEED=0 PYTHONPATH=/tmp/base/src .venv/bin/python bench/route_decisions.py > old.jsonl
    diff old.jsonl new.jsonl

For each prompt of the shared dev sets (``../shared/data/routing_ja_dev.jsonl`` and
``pii_ja_dev.jsonl``), the repo's hold-out sets (``bench/data/*.jsonl``) and the classifier's
training set (``bench/classifier/train_ja.jsonl``), one JSON line: the classifier's data class,
classes, tier, score, reasons, the features it computed, the probabilities rounded as the
traces show them (class 3 places, tier 2), and the ``Router.decide(explain=True)`` result (the
model, fallbacks, privacy action, rule and the whole trace) for the default config and for
``bench/route_bench.py``'s 20-rule, 3-constraint policy — after the configured privacy scan, as
``tenbin route --explain`` runs it. ``--exact`` adds the unrounded probabilities (they differ in
the last bits between hash seeds with float sums: compare them only at one seed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.routing import classifier as clf_mod
from tenbin.routing.router import Router

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "bench"))
import route_bench  # noqa: E402  (the 20-rule policy and its 13 extra models)


def sets() -> list[Path]:
    out = [p for p in (SHARED / "routing_ja_dev.jsonl", SHARED / "pii_ja_dev.jsonl") if p.is_file()]
    out += sorted((ROOT / "bench" / "data").glob("*.jsonl"))
    out += [p for p in (ROOT / "bench" / "classifier" / "train_ja.jsonl",) if p.is_file()]
    return out


def texts(path: Path) -> list[tuple[str, str]]:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [(str(r.get("id", i)), r["text"]) for i, r in enumerate(rows) if isinstance(r.get("text"), str)]


def routers() -> dict[str, Router]:
    out = {}
    cfg = build_config({"routing": {}}, env={})
    out["default"] = Router(cfg, load_catalog(cfg.models))
    cfg = build_config({"routing": route_bench.policy(), "models": route_bench.models()}, env={})
    out["bench20"] = Router(cfg, load_catalog(cfg.models))
    return out


def decide(router: Router, text: str, scan: Any, i: int) -> dict[str, Any]:
    body: dict[str, Any] = {"model": "tenbin/auto", "messages": [{"role": "user", "content": text}]}
    ctx = RequestContext(request_id=f"dump_{i}", principal=Principal("key_explain", "default", "default"),
                         body=body, requested_model="tenbin/auto", stream=False, use_case=None, metadata={})
    trace: dict[str, Any] = {}
    out: dict[str, Any] = {}
    try:
        d = router.decide(ctx, scan, explain=True, trace=trace)
        out.update(model=d.model.id, fallbacks=[m.id for m in d.fallbacks], privacy=d.privacy_action,
                   rule=d.rule, max_cost=str(d.max_cost), unmasked=sorted(d.unmasked))
    except Exception as e:  # a refusal still carries the labels in the trace
        out["error"] = f"{type(e).__name__}: {e}"
    out["trace"] = trace
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--exact", action="store_true", help="also the unrounded probabilities")
    args = ap.parse_args()
    stage = PrivacyStage.from_config({})
    assert stage is not None  # the default config scans
    clf = clf_mod.LearnedClassifier()
    rs = routers()
    n = 0
    for path in sets():
        for rid, text in texts(path):
            scan = stage.scan({"model": "tenbin/auto", "messages": [{"role": "user", "content": text}]})
            c = clf.classify(text, 1, scan)
            grams, struct = clf_mod.features(text)
            row: dict[str, Any] = {
                "set": path.name, "id": rid, "class": c.data_class.name,
                "classes": sorted(x.name for x in c.classes), "tier": c.tier, "score": c.score,
                "reasons": list(c.reasons), "p": [round(p, 3) for p in c.class_p],
                "tier_p": [round(p, 2) for p in c.tier_p], "struct": struct, "grams": sorted(grams),
                "unscanned_tier": clf.classify(text, 1, None).tier,
            }
            if args.exact:
                row["p_exact"] = list(c.class_p)
                row["tier_p_exact"] = list(c.tier_p)
            for name, r in rs.items():
                row[name] = decide(r, text, scan, n)
            sys.stdout.buffer.write(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n")
            n += 1
    print(f"{n} prompts", file=sys.stderr)


if __name__ == "__main__":
    main()
