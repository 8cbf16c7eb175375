"""Where the event loop's CPU goes, as shares of one cProfile run of ``cpu_per_request.py``:

    .venv/bin/python bench/cpu_per_request.py --n 2000 --conc 16 --repeat 1 --profile /tmp/t.pstats
    .venv/bin/python bench/profile_shares.py /tmp/t.pstats

Each stage is the cumulative time of the function that bounds it (cProfile counts a coroutine's
time in each of its resumptions, so a stage's share is its own work, not its awaits). cProfile
slows Python code more than C code, so read the shares, not the absolute times; the loop
thread only (the SQLite store thread's work is not in it).
"""

from __future__ import annotations

import pstats
import sys

# (label, file suffix, function name); first match wins, in this order.
STAGES = [
    ("privacy scan", "gateway/privacy_stage.py", "scan_async"),
    ("routing (Router.decide, classifier included)", "routing/router.py", "decide"),
    ("  of which the classifier", "routing/classifier.py", "classify"),
    ("budget reserve", "finops/budgets/guard.py", "reserve"),
    ("vendor call (aiohttp client, adapter)", "providers/openai_compat.py", "complete"),
    ("one finish (ledger row, audit entry, settle)", "gateway/finish.py", "__call__"),
    ("body read, shape check, parse", "api/faces.py", "_body"),
    ("auth (key cache)", "api/auth.py", "principal"),
    ("ledger rows to SQLite (loop side)", "store/sqlite.py", "insert_usage"),
    ("whole handler (faces.serve)", "api/faces.py", "serve"),
    ("aiohttp server per request (handler included)", "aiohttp/web_protocol.py", "_handle_request"),
]


def main(path: str) -> None:
    st = pstats.Stats(path)
    raw = st.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())  # tottime over every function: the thread's CPU
    print(f"{path}: {total:.2f} s of loop-thread CPU under cProfile")
    for label, suffix, name in STAGES:
        cum = sum(v[3] for (file, _line, fn), v in raw.items() if fn == name and file.endswith(suffix))
        print(f"  {label:<48} {100 * cum / total:5.1f} %")


if __name__ == "__main__":
    main(sys.argv[1])
