"""Profile one proxy under load with py-spy (run inside run.sh's namespace: ``run.sh`` is for the
table; this is for finding where the CPU goes).

    unshare -n sh -c 'ip link set lo up && .venv/bin/python bench/gateway_overhead/profile.py tenbin'
    # the event loop's shares by stage (py-spy --gil: only the thread holding the GIL is sampled, so
    # a thread waiting for it is not counted where it waits; --native: C frames too):
    unshare -n sh -c 'ip link set lo up && \
        .venv/bin/python bench/gateway_overhead/profile.py tenbin --gil --native --shares'
    # the same under the TTFT client's load (8 closed-loop streams) instead of wrk's: --stream
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import body as bodies
import measure
import targets


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target", choices=["tenbin", "tenbin-noprivacy", "aiohttp", "litellm"])
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--out", default="/tmp/tenbin-profile.txt", help="py-spy --format raw (collapsed stacks)")
    ap.add_argument("--gil", action="store_true", help="py-spy --gil: sample only the thread holding the GIL")
    ap.add_argument("--native", action="store_true", help="py-spy --native: C frames as well")
    ap.add_argument("--shares", action="store_true", help="print each stage's share of the samples")
    ap.add_argument("--body", choices=bodies.KINDS, default="issue", help="the request wrk sends (body.py)")
    ap.add_argument("--stream", action="store_true",
                    help="the TTFT client's load (8 streams, closed loop) instead of wrk's 16 connections")
    args = ap.parse_args()
    measure.BODY = args.body
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
        drive, conns = (measure.ttft, 8) if args.stream else (measure.wrk, 16)
        drive(t.url, conns, 2, key=t.key)
        load = threading.Thread(target=drive, args=(t.url, conns, args.seconds + 2), kwargs={"key": t.key})
        load.start()
        spy = Path(sys.executable).with_name("py-spy")
        subprocess.run([str(spy), "record", "--pid", str(t.proc.pid), "--duration", str(args.seconds),
                        "--rate", "200", "--subprocesses", "--format", "raw", "-o", args.out]
                       + (["--gil"] if args.gil else []) + (["--native"] if args.native else []), check=True)
        load.join()
    finally:
        t.stop()
        mock.stop()
    print(f"collapsed stacks in {args.out}; logs in {work}")
    if args.shares:
        print(shares(Path(args.out)))


# (label, functions as py-spy names them (| between names), their file); a sample counts for a stage
# when one of them is anywhere on its stack; the same functions as bench/profile_shares.py reads.
STAGES = [
    ("privacy scan", "PrivacyStage.scan_async", "gateway/privacy_stage.py"),
    ("routing (Router.decide, classifier included)", "Router.decide", "routing/router.py"),
    ("  of which the classifier", "LearnedClassifier.classify", "routing/classifier.py"),
    # before 2026-12-06: features; from 2026-12-07 the n-grams are counted and summed in C (norm_logits)
    ("    its features (n-grams, cues)", "parts|features|_struct|_words|_zone|_cut", "routing/classifier.py"),
    ("    its weight sums", "LinearModel.text_logits|LinearModel.logits|LinearModel.norm_logits",
     "routing/linear.py"),
    ("vendor call (aiohttp client, adapter)", "OpenAICompatProvider.complete", "providers/openai_compat.py"),
    ("vendor stream (aiohttp client, to each chunk)", "HTTPAdapter.post_stream", "providers/http.py"),
    ("stream relay (streaming.chunks, restore, tap)", "open_stream.<locals>.chunks", "gateway/streaming.py"),
    ("one finish (ledger row, audit entry, settle)", "Finish.__call__", "gateway/finish.py"),
    ("body read, shape check, parse", "_body", "api/faces.py"),
    ("auth (key cache)", "Authenticator.principal", "api/auth.py"),
    ("whole handler (faces.serve)", "serve", "api/faces.py"),
    ("response write (aiohttp finish_response)", "RequestHandler.finish_response", "aiohttp/web_protocol.py"),
    ("aiohttp server per request (handler included)", "RequestHandler._handle_request", "aiohttp/web_protocol.py"),
]


def shares(path: Path) -> str:
    """Each stage's share of the samples of the tenbin process (its engine worker left out)."""
    total = 0
    hits = dict.fromkeys([label for label, _, _ in STAGES], 0)
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        if "tenbin.providers.embedded.worker" in stack.split(";", 1)[0]:
            continue
        total += int(n)
        frames = stack.split(";")
        for label, fn, file in STAGES:
            if any(part.startswith(f"{name} (") and file in part for part in frames for name in fn.split("|")):
                hits[label] += int(n)
    out = [f"{path}: {total} samples of the tenbin process"]
    out += [f"  {label:<48} {100 * k / max(1, total):5.1f} %" for label, k in hits.items()]
    return "\n".join(out)


if __name__ == "__main__":
    main()
