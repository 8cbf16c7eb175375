"""Interleaved A/B of detector throughput (structured tier, or --full): a git revision vs the work tree.

Usage: .venv/bin/python bench/pii_speed_ab.py [REV] [--rounds N] [--full]   (REV defaults to 79f91e4)

Why interleaved: the benchmark machine is shared, and absolute MB/s moves by 2x with the load.
Each document is scanned by the old and the new detector back to back in one process and CPU
time (``thread_time``) is summed per side, so load affects both equally and the *ratio* is
stable. The old package is extracted with ``git archive`` into a temp dir and imported as
``tenbin_ref``. Findings of both sides are compared on the dev set (labels and offsets).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _extract(rev: str, dest: Path) -> None:
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src/tenbin/privacy"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            rel = Path(member.name).relative_to("src/tenbin")
            out = dest / "tenbin_ref" / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            fh = tar.extractfile(member)
            assert fh is not None
            text = fh.read().decode("utf-8")
            out.write_text(re.sub(r"\btenbin\.privacy\b", "tenbin_ref.privacy", text), encoding="utf-8")
    (dest / "tenbin_ref" / "__init__.py").write_text("", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="interleaved A/B of the structured tier")
    ap.add_argument("rev", nargs="?", default="79f91e4")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--full", action="store_true", help="the full tier (names, addresses) instead")
    args = ap.parse_args(argv)
    import pii_speed

    with tempfile.TemporaryDirectory() as tmp:
        _extract(args.rev, Path(tmp))
        sys.path.insert(0, tmp)
        from tenbin_ref.privacy import Detector as RefDetector
        from tenbin_ref.privacy import PrivacyConfig as RefConfig

        from tenbin.privacy import Detector, PrivacyConfig

        ref, new = RefDetector(RefConfig(ner=args.full)), Detector(PrivacyConfig(ner=args.full))
        for name, docs in (("pii-dense", pii_speed._corpus()), ("typical", pii_speed._typical())):
            nbytes = sum(len(d.encode("utf-8")) for d in docs) * args.rounds
            t_ref = t_new = 0.0
            for _ in range(args.rounds):
                for d in docs:
                    t0 = time.thread_time()
                    ref.scan_text(d)
                    t1 = time.thread_time()
                    new.scan_text(d)
                    t2 = time.thread_time()
                    t_ref += t1 - t0
                    t_new += t2 - t1
            print(
                f"{name:9s} {args.rev}: {nbytes / t_ref / 1e6:5.1f} MB/s   work tree: {nbytes / t_new / 1e6:5.1f} MB/s"
                f"   speed-up x{t_ref / t_new:.2f}"
            )
        same = sum(
            [(f.label, f.start, f.end) for f in ref.scan_text(d)]
            == [(f.label, f.start, f.end) for f in new.scan_text(d)]
            for d in pii_speed._corpus()
        )
        print(f"identical findings on {same}/{len(pii_speed._corpus())} dev-corpus documents")
        for path in [pii_speed.DEV, *sorted((ROOT / "bench" / "data").glob("*.jsonl"))]:
            texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            diff = [
                i
                for i, t in enumerate(texts)
                if [(f.label, f.start, f.end, f.score) for f in ref.scan_text(t)]
                != [(f.label, f.start, f.end, f.score) for f in new.scan_text(t)]
            ]
            tail = f"; differ: {diff[:10]}" if diff else ""
            print(f"identical findings (label, span, score) on {len(texts) - len(diff)}/{len(texts)} {path.name}{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
