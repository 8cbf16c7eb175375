"""Throughput and latency of the privacy detector (structured tier vs full tier), one core.

Usage: .venv/bin/python bench/pii_speed.py [--json] [--seconds N]

MB/s is measured over the dev corpus concatenated into ~4 KB documents (UTF-8 bytes scanned per
CPU-second); latency over a typical ~300-character Japanese prompt, after warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from tenbin.privacy import Detector, PrivacyConfig  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "pii_ja_dev.jsonl"
PROMPT = (
    "以下の問い合わせメールへの返信文を作成してください。\n"
    "---\n"
    "株式会社サンプル商事 総務部 御中\n"
    "いつもお世話になっております。先日ご依頼した備品の納品について確認させてください。"
    "担当の木下 直人様より、納品予定日が来週水曜日に変更になったと伺いました。"
    "納品先は〒530-0001 大阪府大阪市北区梅田2-4-9 ブリーゼタワー12階です。"
    "当日は私が受け取りますので、何かあれば携帯 090-4821-7730 またはメール "
    "h.nakai@example.co.jp までご連絡ください。請求書は従来どおり経理部宛にお願いします。\n"
    "中井 浩一\n---\n丁寧だが簡潔に。"
)


def _corpus() -> list[str]:
    texts = [
        json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    docs, cur = [], ""
    for t in texts * 3:
        cur += t + "\n"
        if len(cur) > 4000:
            docs.append(cur)
            cur = ""
    return docs


def _typical() -> list[str]:
    """Ordinary business text: the dev set's no-PII documents plus the prompt, ~4 KB docs."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows if "no_pii" in r.get("tags", [])] + [PROMPT]
    docs, cur = [], ""
    for t in texts * 3:
        cur += t + "\n"
        if len(cur) > 4000:
            docs.append(cur)
            cur = ""
    return docs


def throughput(det: Detector, docs: list[str], seconds: float) -> float:
    nbytes = 0
    t0 = time.process_time()
    while time.process_time() - t0 < seconds:
        for d in docs:
            det.scan_text(d)
            nbytes += len(d.encode("utf-8"))
    return nbytes / (time.process_time() - t0) / 1e6


def latency(det: Detector, text: str, n: int) -> tuple[float, float]:
    for _ in range(50):
        det.scan_text(text)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        det.scan_text(text)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="privacy detector speed")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args(argv)
    docs, typical = _corpus(), _typical()
    res: dict[str, Any] = {"prompt_chars": len(PROMPT)}
    for tier, ner in (("structured", False), ("full", True)):
        det = Detector(PrivacyConfig(ner=ner))
        p50, p99 = latency(det, PROMPT, args.n)
        res[tier] = {
            "mb_per_s_pii_dense": throughput(det, docs, args.seconds),
            "mb_per_s_typical": throughput(det, typical, args.seconds),
            "p50_ms": p50,
            "p99_ms": p99,
        }
    if args.json:
        print(json.dumps(res, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"privacy detector speed (1 core; prompt = {len(PROMPT)} chars)")
    for c in ("tier", "MB/s/core (PII-dense dev)", "MB/s/core (typical)", "p50 ms", "p99 ms"):
        t.add_column(c, justify="left" if c == "tier" else "right")
    for tier in ("structured", "full"):
        r = res[tier]
        t.add_row(
            tier,
            f"{r['mb_per_s_pii_dense']:.1f}",
            f"{r['mb_per_s_typical']:.1f}",
            f"{r['p50_ms']:.3f}",
            f"{r['p99_ms']:.3f}",
        )
    Console().print(t)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
