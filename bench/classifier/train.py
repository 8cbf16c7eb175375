"""Train the request classifier's linear model and write the weights shipped in the package.

    .venv/bin/python bench/classifier/train.py [--epochs 12] [--out src/tenbin/routing/classifier_weights.json.gz]

Pure Python (no numpy, no scikit-learn), deterministic: fixed seed, fixed example order per
epoch, weights rounded to 2 decimals (enough: a logit sums many of them; the file stays small),
gzip with mtime 0 — the same input gives the same bytes.

Two softmax regressions share one feature map (``tenbin.routing.classifier.features``): the
data class (PUBLIC/INTERNAL/CONFIDENTIAL/PERSONAL, the content part of the decision; hard facts
such as PII findings and markers are applied on top at inference) and the tier
(light/standard/frontier). The class target is a prompt's ``content`` label (its class without
the hard facts: a marked internal memo is INTERNAL content), see make_train.py. AdaGrad SGD
with L2 on the active features, features seen in fewer
than two training prompts dropped, weights under 0.01 in every column pruned. ``--holdout K``
keeps every K-th prompt out and prints its accuracy (a sanity check of the training set itself,
not a substitute for the held-out sets in bench/data).
"""

from __future__ import annotations

import argparse
import gzip
import math
import random
import sys
from collections import Counter
from pathlib import Path

import orjson

from tenbin.routing.classifier import CLASSES, TIERS, features
from tenbin.routing.linear import STRUCT_VALUE, softmax

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_OUT = ROOT / "src" / "tenbin" / "routing" / "classifier_weights.json.gz"


def load(path: Path) -> list[dict[str, str]]:
    return [orjson.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def train(rows: list[dict[str, str]], epochs: int, lr: float, l2: float, seed: int) -> tuple[
        dict[str, list[float]], list[float]]:
    feats = [features(r["text"]) for r in rows]
    df = Counter(f for g, s in feats for f in {*g, *s})
    vocab = {f for f, c in df.items() if c >= 2}
    xs = [_active(g, s, vocab) for g, s in feats]
    ys = [(CLASSES.index(r.get("content", r["data_class"])), TIERS.index(r["tier"])) for r in rows]
    w: dict[str, list[float]] = {f: [0.0] * 7 for f in sorted(vocab)}
    g2: dict[str, list[float]] = {f: [1e-6] * 7 for f in sorted(vocab)}
    bias = [0.0] * 7
    bg2 = [1e-6] * 7
    order = list(range(len(rows)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        loss = 0.0
        for i in order:
            active = xs[i]
            yc, yt = ys[i]
            z = list(bias)
            for f, v in active:
                wf = w[f]
                for k in range(7):
                    z[k] += v * wf[k]
            pc, pt = softmax(z[:4]), softmax(z[4:])
            loss -= math.log(max(pc[yc], 1e-12)) + math.log(max(pt[yt], 1e-12))
            grad = [pc[k] - (k == yc) for k in range(4)] + [pt[k] - (k == yt) for k in range(3)]
            for k in range(7):
                bg2[k] += grad[k] ** 2
                bias[k] -= lr * grad[k] / math.sqrt(bg2[k])
            for f, v in active:
                wf, gf = w[f], g2[f]
                for k in range(7):
                    gk = grad[k] * v + l2 * wf[k]
                    gf[k] += gk * gk
                    wf[k] -= lr * gk / math.sqrt(gf[k])
        print(f"  epoch {epoch + 1}: loss {loss / len(rows):.4f}", file=sys.stderr)
    return w, bias


def _active(grams: list[str], struct: list[str], vocab: set[str]) -> list[tuple[str, float]]:
    """(feature, value) pairs exactly as LinearModel.logits weighs them."""
    scale = 1.0 / math.sqrt(len(grams)) if grams else 0.0
    # sorted: the features come from sets, whose order follows PYTHONHASHSEED; fixed order keeps
    # the float sums, hence the weights file, byte-identical across runs
    return [(f, scale) for f in sorted(grams) if f in vocab] + [(f, STRUCT_VALUE) for f in sorted(struct) if f in vocab]


def accuracy(w: dict[str, list[float]], bias: list[float], rows: list[dict[str, str]]) -> tuple[float, float]:
    okc = okt = 0
    for r in rows:
        z = list(bias)
        for f, v in _active(*features(r["text"]), set(w)):
            wf = w[f]
            for k in range(7):
                z[k] += v * wf[k]
        okc += CLASSES[max(range(4), key=lambda k: z[k])] == r.get("content", r["data_class"])
        okt += TIERS[max(range(3), key=lambda k: z[4 + k])] == r["tier"]
    return okc / len(rows), okt / len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=HERE / "train_ja.jsonl")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--lr", type=float, default=0.5)
    ap.add_argument("--l2", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--holdout", type=int, default=0, help="keep every K-th prompt out and score it")
    args = ap.parse_args()
    rows = load(args.data)
    test: list[dict[str, str]] = []
    if args.holdout:
        test = [r for i, r in enumerate(rows) if i % args.holdout == 0]
        rows = [r for i, r in enumerate(rows) if i % args.holdout]
    w, bias = train(rows, args.epochs, args.lr, args.l2, args.seed)
    kept = {f: [round(x, 2) for x in v] for f, v in sorted(w.items()) if max(abs(x) for x in v) >= 0.01}
    print(f"trained on {len(rows)} prompts: {len(w)} features, {len(kept)} kept after pruning")
    acc_c, acc_t = accuracy(w, bias, rows)
    print(f"train accuracy (class, tier): {acc_c:.3f} {acc_t:.3f}")
    if test:
        acc_c, acc_t = accuracy(w, bias, test)
        print(f"split-off accuracy (class, tier): {acc_c:.3f} {acc_t:.3f} on {len(test)} prompts")
        return
    meta = {"trained_on": args.data.name, "prompts": len(rows), "epochs": args.epochs, "lr": args.lr,
            "l2": args.l2, "seed": args.seed, "classes": list(CLASSES), "tiers": list(TIERS)}
    blob = orjson.dumps({"meta": meta, "bias": [round(b, 4) for b in bias], "w": kept}, option=orjson.OPT_SORT_KEYS)
    args.out.write_bytes(gzip.compress(blob, compresslevel=9, mtime=0))
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
