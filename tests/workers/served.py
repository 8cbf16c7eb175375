"""One real ``tenbin serve --workers N`` on loopback with the default SQLite store and no Redis:
start it, find its workers, signal it, read its ledger and audit chain."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
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


def workers_config(upstream: str, root: Path, **extra: Any) -> dict[str, Any]:
    """The replicas' config (tests/scale/replicas.py) on SQLite and without Redis. ``local`` is
    redefined as a vendor so the shipped embedded engine does not load a model in every test."""
    cfg: dict[str, Any] = {
        "store": f"sqlite:///{root / 'tenbin.db'}",
        "providers": {"fake": openai_provider(upstream), "backup": openai_provider(upstream),
                      "local": openai_provider(upstream)},
        "models": [fake_model("gpt-4o", "fake"), fake_model("backup-4o", "backup")],
        "default_model": "gpt-4o",
        "fallbacks": {"gpt-4o": ["backup-4o"]},
        "ledger": {"spool_dir": str(root / "spool"), "flush_interval_s": 0.1},
    }
    for k, v in extra.items():
        cfg[k] = {**cfg[k], **v} if isinstance(v, dict) and isinstance(cfg.get(k), dict) else v
    return cfg


@dataclass
class Served:
    cfg: dict[str, Any]
    root: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.root / "tenbin.yaml"

    def write_config(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        self.config_path.write_bytes(orjson.dumps(self.cfg))  # JSON is YAML
        return self.config_path

    def run_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([TENBIN, *args, "--config", str(self.write_config())], env={**os.environ, **ENV},
                              capture_output=True, text=True, cwd=self.root)

    def cli(self, *args: str) -> str:
        out = self.run_cli(*args)
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    def start(self, timeout: float = 90) -> Served:
        self.write_config()
        log = (self.root / "serve.log").open("ab")
        self.proc = subprocess.Popen(
            [TENBIN, "serve", "--config", str(self.config_path), "--port", str(self.port), "--workers",
             str(self.workers), "--log-level", "warning"],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **ENV, "PYTHONUNBUFFERED": "1"}, cwd=self.root)
        deadline = time.monotonic() + timeout
        while "  workers  " not in self.log():  # the supervisor prints it once every worker is ready
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited {self.proc.returncode}: {self.log()[-3000:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"not ready in {timeout}s: {self.log()[-3000:]}")
            time.sleep(0.1)
        return self

    def log(self) -> str:
        p = self.root / "serve.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def worker_pids(self) -> set[int]:
        """The supervisor's child processes right now (its HTTP workers)."""
        assert self.proc is not None
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return {int(x) for x in path.read_text().split()} if path.exists() else set()

    def signal(self, sig: signal.Signals) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            for pid in self.worker_pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> int:
        """Graceful stop (SIGTERM: every worker drains and flushes); its exit code."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc is not None else 0
        self.signal(signal.SIGTERM)
        try:
            return self.wait(60)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def rows(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.root / "tenbin.db") as c:
            c.row_factory = sqlite3.Row
            return [dict(r) for r in c.execute(
                "SELECT request_id, status, error_class, cost_jpy_nanos, key_id FROM usage")]

    def audit_request_ids(self) -> list[str]:
        with sqlite3.connect(self.root / "tenbin.db") as c:
            return [str(r[0]) for r in c.execute("SELECT request_id FROM audit_log WHERE request_id IS NOT NULL")]


def client_on_each_worker(url: str, n: int, headers: dict[str, str] | None = None,
                          tries: int = 200) -> dict[int, httpx.Client]:
    """One keep-alive client per worker index: new connections until every worker has taken one
    (the kernel hands each to whichever worker accepts first)."""
    found: dict[int, httpx.Client] = {}
    for _ in range(tries):
        # keep-alive well past httpx's 5 s default: a worker still starting can take longer to find
        c = httpx.Client(base_url=url, headers=headers, timeout=10,
                         limits=httpx.Limits(max_connections=1, keepalive_expiry=600))
        index = int(c.get("/healthz").json()["worker"]["index"])
        if index in found:
            c.close()
        else:
            found[index] = c
        if len(found) == n:
            return found
    for c in found.values():
        c.close()
    raise AssertionError(f"only workers {sorted(found)} of {n} took a connection in {tries} tries")
