"""The proxies under test: how to configure, start, wait for and stop each one.

Every target is started alone, measured, and stopped before the next, so its peak RSS and CPU
are its own and it does not compete with an idle neighbour.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
MOCK_PORT = 9100
SINK_PORT = 9110  # bench/otlp_sink.py: where the tracing target exports its spans
UPSTREAM_KEY = "sk-bench-upstream"  # what proxies send to the mock; never a real secret
LITELLM_BIN = os.environ.get("LITELLM_BIN", "/tmp/litellm-venv/bin/litellm")
LITELLM_MASTER = "sk-bench-master"
# What every proxy is configured to route (the mock reads the latency from the name): zero
# latency, a fixed 200 ms, and the 200 ± 100 ms (uniform; bench/mock_upstream.py).
MODELS = ("bench", "bench-delay-200", "bench-delay-200-jitter-100")


@dataclass
class Target:
    name: str
    port: int
    cmd: list[str]
    key: str = "sk-bench"
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""
    proc: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workdir: Path, ready_s: float = 180.0) -> None:
        self.log = workdir / f"{self.name}.log"
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(self.cmd, cwd=REPO, env={**os.environ, **self.env}, stdout=fh,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        _wait_ready(self, ready_s)
        if "--workers" in self.cmd and self.cmd[self.cmd.index("--workers") + 1] != "1":
            _wait_logged(self, "  workers  ", ready_s)  # printed once every worker is ready, not just one
        if self.name.startswith("tenbin"):
            _wait_engines(self, ready_s)

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGINT)
            self.proc.wait(15)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self.proc = None


def _wait_ready(t: Target, ready_s: float) -> None:
    body = b'{"model":"bench","messages":[{"role":"user","content":"ping"}]}'
    deadline = time.monotonic() + ready_s
    last = ""
    while time.monotonic() < deadline:
        assert t.proc is not None
        if t.proc.poll() is not None:
            raise RuntimeError(f"{t.name} exited with {t.proc.returncode}; see {t.log}")
        req = urllib.request.Request(t.url + "/v1/chat/completions", data=body, method="POST", headers={
            "content-type": "application/json", "authorization": f"Bearer {t.key}"})
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    return
        except urllib.error.HTTPError as e:
            last = f"HTTP {e.code}: {e.read()[:300]!r}"
        except OSError as e:
            last = str(e)
        time.sleep(0.3)
    raise RuntimeError(f"{t.name} not ready after {ready_s}s ({last}); see {t.log}")


def _wait_logged(t: Target, text: str, ready_s: float) -> None:
    deadline = time.monotonic() + ready_s
    while t.log is None or text not in t.log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{t.name}: {text.strip()!r} not logged after {ready_s}s; see {t.log}")
        time.sleep(0.2)


def _wait_engines(t: Target, ready_s: float) -> None:
    """tenbin answers before its embedded engine (``local``, shipped on by default) has loaded
    the model in its worker processes; measuring then would count the model load as the
    gateway's CPU per request. Wait until no engine is still starting."""
    deadline = time.monotonic() + ready_s
    while time.monotonic() < deadline:
        with urllib.request.urlopen(t.url + "/healthz", timeout=5) as resp:
            providers = json.loads(resp.read())["providers"]
        if all((p.get("engine") or {}).get("state") != "starting" for p in providers.values()):
            return
        time.sleep(0.5)
    raise RuntimeError(f"{t.name}: an embedded engine still starting after {ready_s}s; see {t.log}")


def mock(delay_ms: float = 0) -> Target:
    return Target("mock", MOCK_PORT, [PY, "bench/mock_upstream.py", "--port", str(MOCK_PORT),
                                      "--delay-ms", str(delay_ms)])


def direct() -> Target:
    """No proxy: the load generator talks to the mock (the baseline every 'added' number subtracts)."""
    return Target("direct", MOCK_PORT, [], note="mock upstream, no proxy")


def aiohttp_pass(port: int, uvloop: bool) -> Target:
    cmd = [PY, "bench/passthrough/aiohttp_proxy.py", "--port", str(port), "--upstream", f"http://127.0.0.1:{MOCK_PORT}"]
    name = "aiohttp pass-through" + (" +uvloop" if uvloop else "")
    return Target(name, port, cmd + (["--uvloop"] if uvloop else []), note="floor")


def starlette_pass(port: int) -> Target:
    return Target("starlette+httpx pass-through", port,
                  [PY, "bench/passthrough/starlette_proxy.py", "--port", str(port),
                   "--upstream", f"http://127.0.0.1:{MOCK_PORT}"], note="uvicorn, 1 worker")


def _model_yaml(model_id: str) -> str:
    return (f"  - {{id: {model_id}, provider: mock, upstream: {model_id}, region: JP, jurisdiction: JP,"
            " retention_days: 0, context_window: 8192, tier: light,"
            " prices: [{effective: 2025-01-01, currency: JPY, input: '15', output: '60'}]}\n")


def otlp_sink() -> Target:
    """The OTLP/HTTP sink the tracing target exports to (accepts and discards; counts spans)."""
    return Target("otlp sink", SINK_PORT, [PY, "bench/otlp_sink.py", "--port", str(SINK_PORT)])


def _knows_workers() -> bool:
    """Does this tree's ``tenbin serve`` take ``--workers``? (An older tree measured beside this
    one through PYTHONPATH may not; it then runs its one process, as it always did.)"""
    tb = str(Path(PY).with_name("tenbin"))
    out = subprocess.run([tb, "serve", "--help"], cwd=REPO, capture_output=True, text=True, check=False)
    return "--workers" in out.stdout


def _commit(tree: Path) -> str:
    out = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                         check=False)
    return out.stdout.strip() or tree.name


def tenbin(port: int, workdir: Path, *, privacy: bool, tracing: bool = False, metrics: bool = True,
           workers: int = 1, listen: str = "reuseport", extra: str = "", tag: str = "",
           tree: Path | None = None) -> Target:
    """``tenbin serve`` with only the mock provider routed to (the embedded model is never loaded),
    SQLite ledger, and a real API key so the auth path is the production one. ``tracing``: spans
    exported over OTLP/HTTP to :func:`otlp_sink`, every request sampled, the batch processor
    exporting every 100 ms (``OTEL_BSP_SCHEDULE_DELAY``) so the export CPU falls inside the
    measured points rather than after them. ``metrics=False``: ``metrics.enabled: false``, to show
    what counting every request for /metrics costs. ``workers``: ``tenbin serve --workers N``
    (1 for every row but the workers one, so the rows stay one process each as they always were;
    the default would be the usable cores). ``tree``: another checkout's ``src`` first on the
    path (``PYTHONPATH``), for a before/after pair in one run; its compiled extensions must be
    built (or copied) into that tree, or it runs on their Python fallbacks."""
    d = workdir / (f"tenbin-{'privacy' if privacy else 'noprivacy'}{'-tracing' if tracing else ''}"
                   f"{'' if metrics else '-nometrics'}{f'-w{workers}' if workers != 1 else ''}"
                   f"{'' if listen == 'reuseport' else '-' + listen}{tag}")
    d.mkdir(parents=True, exist_ok=True)
    cfg = d / "tenbin.yaml"
    cfg.write_text(
        f"server: {{host: 127.0.0.1, port: {port}}}\n"
        f"store: sqlite:///{d / 'tenbin.db'}\n"
        "providers:\n"
        f"  mock: {{kind: openai, base_url: 'http://127.0.0.1:{MOCK_PORT}/v1', api_key: '${{MOCK_KEY}}',"
        " max_retries: 0}\n"
        "models:\n" + "".join(_model_yaml(m) for m in MODELS)
        + "default_model: bench\n"
        + ("" if privacy else "privacy: {enabled: false}\n")
        + (f"tracing: {{enabled: true, endpoint: 'http://127.0.0.1:{SINK_PORT}/v1/traces'}}\n" if tracing else "")
        + ("" if metrics else "metrics: {enabled: false}\n") + extra,
        encoding="utf-8",
    )
    env = {"MOCK_KEY": UPSTREAM_KEY, **({"OTEL_BSP_SCHEDULE_DELAY": "100"} if tracing else {}),
           **({"PYTHONPATH": str(tree / "src")} if tree is not None else {})}
    tb = str(Path(PY).with_name("tenbin"))
    out = subprocess.run([tb, "keys", "create", "--team", "bench", "--config", str(cfg)], cwd=REPO,
                         env={**os.environ, **env}, capture_output=True, text=True, check=True)
    key = out.stdout.strip().splitlines()[-1].strip()
    name = ("tenbin" + ("" if privacy else " (privacy off)") + (" (tracing on)" if tracing else "")
            + ("" if metrics else " (metrics off)") + (f" --workers {workers}" if workers != 1 else "")
            + ("" if listen == "reuseport" else f" --listen {listen}")
            + (f" (tree {_commit(tree)})" if tree is not None else ""))
    cmd = [tb, "serve", "--config", str(cfg), "--log-level", "warning"]
    if _knows_workers():
        cmd += ["--workers", str(workers)] + (["--listen", listen] if listen != "reuseport" else [])
    elif workers != 1:
        raise RuntimeError("this tree's tenbin serve has no --workers")
    return Target(name, port, cmd, key=key, env=env,
                  note="aiohttp+orjson+uvloop" + ("; default privacy scan on" if privacy else "")
                  + ("; OTLP/HTTP traces to a local sink" if tracing else "")
                  + (f"; {workers} HTTP workers ({listen})" if workers != 1 else ""))


def litellm(port: int, workdir: Path, workers: int = 1) -> Target:
    d = workdir / ("litellm" + (f"-w{workers}" if workers != 1 else ""))
    d.mkdir(parents=True, exist_ok=True)
    cfg = d / "config.yaml"
    models = "".join(
        f"  - model_name: {m}\n    litellm_params:\n      model: openai/{m}\n"
        f"      api_base: http://127.0.0.1:{MOCK_PORT}/v1\n      api_key: {UPSTREAM_KEY}\n"
        for m in MODELS
    )
    cfg.write_text(
        "model_list:\n" + models
        + f"general_settings:\n  master_key: {LITELLM_MASTER}\n"
        + "litellm_settings:\n  telemetry: false\n",
        encoding="utf-8",
    )
    env = {"LITELLM_LOCAL_MODEL_COST_MAP": "True", "LITELLM_TELEMETRY": "False", "DO_NOT_TRACK": "1",
           "HF_HUB_OFFLINE": "1", "LITELLM_LOG": "ERROR"}
    return Target("LiteLLM proxy" + (f" --num_workers {workers}" if workers != 1 else ""), port,
                  [LITELLM_BIN, "--config", str(cfg), "--host", "127.0.0.1", "--port", str(port),
                   "--num_workers", str(workers)],
                  key=LITELLM_MASTER, env=env, note=f"uvicorn, {workers} worker{'s' if workers != 1 else ''}, no DB")
