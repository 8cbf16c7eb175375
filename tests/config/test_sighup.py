"""SIGHUP to the real `tenbin serve`: the config file is re-read and a model added to it is served
without a restart; the start and the reload are both in the audit chain, with their hashes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from tests.conftest import fake_model

ENV = {"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "GEMINI_API_KEY": "", "FAKE_KEY": "sk-sighup"}


def config(tmp: Path, *models: str) -> dict[str, Any]:
    return {"store": "sqlite:///tenbin.db",  # relative: beside the config file
            "providers": {"fake": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": "${FAKE_KEY}"},
                          "local": {"kind": "llamacpp", "model_path": "/nonexistent/tenbin-test/model.gguf"}},
            "models": [fake_model(m, "fake") for m in models], "default_model": models[0],
            "routing": {"constraints": []}}


def test_sighup_reloads_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "tenbin.yaml"
    path.write_text(yaml.safe_dump(config(tmp_path, "gpt-a")), encoding="utf-8")
    exe = Path(sys.executable).with_name("tenbin")
    proc = subprocess.Popen([str(exe), "serve", "-c", str(path), "--port", "0", "--log-level", "info"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **ENV}, cwd=tmp_path)
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if " ready on " in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(90), f"no summary; stderr={proc.stderr.read() if proc.poll() is not None else ''}"
        base = next(ln for ln in lines if " ready on " in ln).split(" ready on ")[1].strip()

        def served() -> set[str]:
            return {m["id"] for m in httpx.get(base + "/models", timeout=10).json()["data"]}

        assert "gpt-a" in served() and "gpt-b" not in served()
        path.write_text(yaml.safe_dump(config(tmp_path, "gpt-a", "gpt-b")), encoding="utf-8")
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while "gpt-b" not in served():
            if time.monotonic() > deadline:
                proc.send_signal(signal.SIGINT)
                raise AssertionError(f"the reload never took effect; stderr={proc.communicate(timeout=30)[1]}")
            time.sleep(0.1)
        assert proc.poll() is None  # still the same process
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    con = sqlite3.connect(tmp_path / "tenbin.db")
    rows = con.execute("SELECT action, target, detail FROM audit_log ORDER BY seq").fetchall()
    con.close()
    assert [(a, t) for a, t, _ in rows] == [("config.load", str(path)), ("config.reload", str(path))]
    start, again = (json.loads(d) for _, _, d in rows)
    assert again["previous_sha256"] == start["config_sha256"] != again["config_sha256"]
