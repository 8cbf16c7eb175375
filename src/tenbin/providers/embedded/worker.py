"""A worker process: loads the model once, self-tests it, then serves requests from its stdin.

Run as ``python -m tenbin.providers.embedded.worker '<json options>'`` by the supervisor only.
The protocol goes over a duplicate of the original stdout; fd 1 is then pointed at stderr so
that anything native code prints cannot corrupt the frames. When stdin closes (the gateway
stopped or died) the worker exits at once, mid-generation or not.
"""

from __future__ import annotations

import os
import queue
import signal
import sys
import threading
import time
from typing import Any

import orjson

from tenbin.providers.embedded.protocol import decode, encode


class _Out:
    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def send(self, msg: dict[str, Any]) -> None:
        data = encode(msg)
        with self._lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]


def _serve(engine: Any, out: _Out) -> None:
    from tenbin.providers.embedded.engine import EngineError

    jobs: queue.Queue[dict[str, Any]] = queue.Queue()
    cancels: dict[int, threading.Event] = {}
    lock = threading.Lock()

    def run() -> None:
        while True:
            job = jobs.get()
            jid = int(job["id"])
            with lock:
                cancel = cancels.setdefault(jid, threading.Event())
            stream = bool(job.get("stream"))
            def emit(s: str, jid: int = jid, stream: bool = stream) -> None:
                if stream:
                    # CLOCK_MONOTONIC is one clock for every process on the machine, so the
                    # gateway can measure what the pipe adds to each token (bench, /healthz).
                    out.send({"op": "delta", "id": jid, "text": s, "t": time.monotonic()})

            try:
                if job["op"] == "embed":
                    vectors, n = engine.embed(job["body"])
                    out.send({"op": "done", "id": jid, "vectors": vectors, "prompt_tokens": n})
                    continue
                g = engine.generate(job["body"], emit, cancel)
                out.send({"op": "done", "id": jid, "prompt_tokens": g.prompt_tokens,
                          "completion_tokens": g.completion_tokens, "finish": g.finish_reason,
                          "text": None if stream else g.text})
            except EngineError as e:
                out.send({"op": "error", "id": jid, "status": e.status, "message": str(e)})
            except Exception as e:
                out.send({"op": "error", "id": jid, "status": 500, "message": f"{type(e).__name__}: {e}"})
            finally:
                with lock:
                    cancels.pop(jid, None)

    threading.Thread(target=run, name="generate", daemon=True).start()
    for line in sys.stdin.buffer:
        if not line.strip():
            continue
        msg = decode(line)
        if msg["op"] in ("gen", "embed"):
            jobs.put(msg)
        elif msg["op"] == "cancel":
            with lock:
                cancels.setdefault(int(msg["id"]), threading.Event()).set()


def main() -> None:
    # Ctrl-C in the terminal reaches the whole process group; the worker stops when the gateway
    # closes its stdin instead, so the gateway decides the order of shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    opts = orjson.loads(sys.argv[1])
    out = _Out(os.dup(1))
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    out.send({"op": "loading", "pid": os.getpid(), "extra_buffer_types": opts["extra_buffer_types"]})
    from tenbin.providers.embedded.engine import Engine, EngineOptions

    try:
        engine = Engine(opts["path"], EngineOptions(
            n_ctx=opts["n_ctx"], n_threads=opts.get("n_threads"), seed=opts.get("seed"),
            extra_buffer_types=opts["extra_buffer_types"], embedding=bool(opts.get("embedding"))))
    except Exception as e:  # a bad file: retrying will not help
        out.send({"op": "fatal", "message": f"cannot load model: {e}"})
        os._exit(3)
    engine.self_test()
    out.send({"op": "ready"})
    _serve(engine, out)
    os._exit(0)  # stdin closed: the gateway is gone; do not wait for a generation in progress


if __name__ == "__main__":
    main()
