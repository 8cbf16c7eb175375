"""Run several real ``tenbin serve`` processes on loopback that share one PostgreSQL schema and one
Redis prefix, as a deployment would, so tests and the benchmark can load, kill and restart them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from tests.conftest import fake_model, openai_provider
from tests.scale.services import free_port

TENBIN = str(Path(sys.executable).with_name("tenbin"))
ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}


def replica_config(upstream: str, store: str, redis: str | None, prefix: str, spool_dir: Path,
                   **extra: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "store": store,
        "providers": {"fake": openai_provider(upstream), "backup": openai_provider(upstream)},
        "models": [fake_model("gpt-4o", "fake"), fake_model("backup-4o", "backup")],
        "default_model": "gpt-4o",
        "fallbacks": {"gpt-4o": ["backup-4o"]},
        "ledger": {"spool_dir": str(spool_dir), "flush_interval_s": 0.1},
        # a generous Redis timeout: on a loaded box the fail-open fallback would blur global limits
        "shared": {"prefix": prefix, "op_timeout_s": 3.0},
    }
    if redis:
        cfg["redis"] = redis
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(cfg.get(k), dict):
            cfg[k] = {**cfg[k], **v}
        else:
            cfg[k] = v
    return cfg


@dataclass
class Replica:
    name: str
    cfg: dict[str, Any]
    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> Replica:
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / "tenbin.yaml"
        path.write_bytes(orjson.dumps(self.cfg))  # JSON is YAML
        log = (self.workdir / "serve.log").open("ab")
        env = {**os.environ, **ENV, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            # one process per replica, as these tests (and docs/deployment.md's sizing) model it;
            # tests/workers/ runs the same guarantees across the workers of one `serve --workers 2`
            [TENBIN, "serve", "--config", str(path), "--port", str(self.port), "--log-level", "warning",
             "--workers", "1"],
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=self.workdir)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited {self.proc.returncode}: {self.log()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready in {timeout}s: {self.log()[-2000:]}")

    def health(self) -> dict[str, Any]:
        out: dict[str, Any] = httpx.get(self.url + "/healthz", timeout=5).json()
        return out

    def log(self) -> str:
        p = self.workdir / "serve.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def kill9(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Graceful stop (SIGINT: aiohttp drains, the ledger flushes)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()


def start_replicas(n: int, cfg_for: Any, root: Path) -> list[Replica]:
    """Start ``n`` replicas in parallel (they migrate together: the advisory lock serialises it)."""
    reps = [Replica(f"r{i}", cfg_for(i), root / f"r{i}") for i in range(n)]
    for r in reps:
        r.start(wait=False)
    try:
        for r in reps:
            r.wait_ready()
    except BaseException:
        for r in reps:
            r.kill9()
        raise
    return reps
