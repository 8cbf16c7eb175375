"""Score the privacy detector on a gold JSONL file, following the protocol in pii_ja_dev.md.

Usage: .venv/bin/python bench/pii_eval.py [FILE.jsonl] [--json] [--no-ner] [--errors]

FILE defaults to the synthetic held-out set in this repo (bench/data/pii_ja_holdout_synth.jsonl);
the dev set lives outside it: ``bench/pii_eval.py ../shared/data/pii_ja_dev.jsonl``.

Metrics: per-label and micro P/R/F1 (exact and one-to-one overlap), label-agnostic recall, leak
rate through the real Masker path (overall and structured labels, 1-char gold strings excluded),
and traps (no-PII docs with any prediction; My Number / Corporate Number / card predictions that
match no gold span).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tenbin.privacy import Detector, Masker, PrivacyConfig  # noqa: E402
from tenbin.privacy.types import CORPORATE_NUMBER, CREDIT_CARD, MY_NUMBER, PII_LABELS, STRUCTURED_LABELS  # noqa: E402

DEFAULT = ROOT / "bench" / "data" / "pii_ja_holdout_synth.jsonl"
LABEL_ORDER = [
    "PERSON", "ADDRESS", "POSTAL_CODE", "PHONE", "EMAIL", "MY_NUMBER", "CORPORATE_NUMBER", "CREDIT_CARD",
    "BANK_ACCOUNT", "BIRTH_DATE", "PASSPORT", "DRIVER_LICENSE", "IP_ADDRESS",
]  # fmt: skip
Span = tuple[int, int, str]


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def prf(self, label: str | None = None) -> tuple[float, float, float, int]:
        if label is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def overlap_match(gold: list[Span], pred: list[Span]) -> tuple[set[int], set[int]]:
    """One-to-one matching of same-label spans sharing ≥1 code point (largest overlap first)."""
    pairs = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if g[2] == p[2]),
        reverse=True,
    )
    mg: set[int] = set()
    mp: set[int] = set()
    for ov, gi, pi in pairs:
        if ov > 0 and gi not in mg and pi not in mp:
            mg.add(gi)
            mp.add(pi)
    return mg, mp


def evaluate(path: Path, ner: bool = True, errors: bool = False) -> dict[str, Any]:
    det = Detector(PrivacyConfig(ner=ner))
    masker = Masker("pseudonymize")
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    exact, over = Tally(), Tally()
    touched = gold_total = 0
    leak = Counter[str]()
    leak_base = Counter[str]()
    trap_docs = 0
    trap_ids: Counter[str] = Counter()
    no_pii_docs = 0
    t0 = time.perf_counter()
    for d in docs:
        text = d["text"]
        gold: list[Span] = [(s["start"], s["end"], s["label"]) for s in d["spans"]]
        messages = [{"role": "user", "content": text}]
        scan = det.scan_messages(messages)
        pred: list[Span] = [(f.start, f.end, f.label) for f in scan.findings if f.label in PII_LABELS]
        gset, pset = set(gold), set(pred)
        for g in gold:
            (exact.tp if g in pset else exact.fn)[g[2]] += 1
        for p in pred:
            if p not in gset:
                exact.fp[p[2]] += 1
        mg, mp = overlap_match(gold, pred)
        for gi, g in enumerate(gold):
            (over.tp if gi in mg else over.fn)[g[2]] += 1
        for pi, p in enumerate(pred):
            if pi not in mp:
                over.fp[p[2]] += 1
        for g in gold:
            gold_total += 1
            touched += any(_overlap(g, p) > 0 for p in pred)
        masked = masker.mask_messages(messages, scan).messages[0]["content"]
        for s in d["spans"]:
            if len(s["text"]) <= 1:
                continue
            group = "structured" if s["label"] in STRUCTURED_LABELS else "ner"
            leak_base[group] += 1
            if s["text"] in masked:
                leak[group] += 1
        if "no_pii" in d.get("tags", []):
            no_pii_docs += 1
            trap_docs += bool(pred)
        for p in pred:
            if p[2] in (MY_NUMBER, CORPORATE_NUMBER, CREDIT_CARD) and not any(
                g[2] == p[2] and _overlap(g, p) > 0 for g in gold
            ):
                trap_ids[p[2]] += 1
        if errors:
            for g in gold:
                if g not in pset:
                    print(f"FN {d['id']} {g[2]} {text[g[0] : g[1]]!r}", file=sys.stderr)
            for p in pred:
                if p not in gset:
                    print(f"FP {d['id']} {p[2]} {text[p[0] : p[1]]!r}", file=sys.stderr)
    elapsed = time.perf_counter() - t0
    per_label = {}
    for lab in LABEL_ORDER:
        ep, er, ef, n = exact.prf(lab)
        op, orr, of, _ = over.prf(lab)
        per_label[lab] = {"n": n, "exact": [ep, er, ef], "overlap": [op, orr, of]}
    ep, er, ef, n = exact.prf()
    op, orr, of, _ = over.prf()
    total_leak_base = sum(leak_base.values())
    return {
        "file": str(path),
        "docs": len(docs),
        "tier": "full" if ner else "structured",
        "per_label": per_label,
        "micro": {"n": n, "exact": [ep, er, ef], "overlap": [op, orr, of]},
        "label_agnostic_recall": touched / gold_total if gold_total else 1.0,
        "leak_rate": sum(leak.values()) / total_leak_base if total_leak_base else 0.0,
        "leak_rate_structured": (
            leak["structured"] / leak_base["structured"] if leak_base["structured"] else 0.0
        ),
        "traps": {
            "no_pii_docs_with_prediction": trap_docs,
            "no_pii_docs": no_pii_docs,
            "false_MY_NUMBER": trap_ids[MY_NUMBER],
            "false_CORPORATE_NUMBER": trap_ids[CORPORATE_NUMBER],
            "false_CREDIT_CARD": trap_ids[CREDIT_CARD],
        },
        "seconds": elapsed,
    }


def render(res: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"PII eval ({res['tier']} tier) — {res['file']} ({res['docs']} docs)")
    t.add_column("label")
    t.add_column("n", justify="right")
    for kind in ("exact", "overlap"):
        for m in ("P", "R", "F1"):
            t.add_column(f"{kind[:2]} {m}", justify="right")
    rows = [*res["per_label"].items(), ("micro", res["micro"])]
    for lab, v in rows:
        t.add_row(lab, str(v["n"]), *(f"{x:.3f}" for x in v["exact"] + v["overlap"]))
    console = Console()
    console.print(t)
    tr = res["traps"]
    console.print(
        f"label-agnostic recall {res['label_agnostic_recall']:.3f} | leak rate {res['leak_rate']:.4f} "
        f"(structured {res['leak_rate_structured']:.4f}) | traps: no-PII docs with predictions "
        f"{tr['no_pii_docs_with_prediction']}/{tr['no_pii_docs']}, false MY_NUMBER {tr['false_MY_NUMBER']}, "
        f"false CORPORATE_NUMBER {tr['false_CORPORATE_NUMBER']}, false CREDIT_CARD {tr['false_CREDIT_CARD']} "
        f"| {res['seconds']:.2f}s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--no-ner", action="store_true", help="structured tier only")
    ap.add_argument("--errors", action="store_true", help="list FN/FP spans on stderr")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        ap.error(f"{args.file}: no such file (pass a gold JSONL set, e.g. bench/data/pii_ja_holdout_blind4.jsonl"
                 " or ../shared/data/pii_ja_dev.jsonl)")
    res = evaluate(args.file, ner=not args.no_ner, errors=args.errors)
    if args.json:
        print(json.dumps(res, ensure_ascii=False, indent=2))
    else:
        render(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
