"""``tenbin --version``, ``tenbin models`` and the block ``tenbin serve`` prints when it is ready:
the CLI through its real Typer app, and ``tenbin serve`` as a real process answering HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.cli.serve import auth_mode, safe_url, summary
from tenbin.config.loader import build_config
from tenbin.config.schema import ServerConfig
from tenbin.gateway.runtime import build_runtime
from tenbin.providers.base import Availability
from tests.conftest import fake_model

MISSING_GGUF = "/nonexistent/tenbin-test/model.gguf"
# Vendor keys of the machine running the tests must not change what these commands report.
NO_VENDOR_KEYS = {"OPENAI_API_KEY": "", "ANTHROPIC_API_KEY": "", "GEMINI_API_KEY": "", "FAKE_KEY": "sk-cli-test"}


def write_config(tmp: Path, **extra: Any) -> Path:
    cfg = {
        "store": f"sqlite:///{tmp / 'tenbin.db'}",
        "providers": {
            "fake": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1", "api_key": "${FAKE_KEY}"},
            "local": {"kind": "llamacpp", "model_path": MISSING_GGUF},
        },
        "models": [fake_model("gpt-4o", "fake"), fake_model("team/tiny", "fake"), fake_model("orphan/x", "nowhere")],
        "default_model": "team/tiny",
        **extra,
    }
    path = tmp / "tenbin.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


def test_version() -> None:
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.stdout == f"tenbin {version('tenbin')}\n"


def test_models_json_lists_every_model_with_its_state(tmp_path: Path) -> None:
    res = CliRunner(env=NO_VENDOR_KEYS).invoke(app, ["models", "--json", "-c", str(write_config(tmp_path))])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["default_model"] == "team/tiny"
    rows = {m["id"]: m for m in doc["models"]}
    assert doc["models"][0]["id"] == "team/tiny"
    assert [m["id"] for m in doc["models"] if m["available"]] == ["team/tiny", "gpt-4o"]
    assert rows["orphan/x"] == {"id": "orphan/x", "provider": "nowhere", "configured": False,
                                     "available": False, "region": "US", "tier": "standard",
                                     "reason": "provider `nowhere` is not configured (no providers.nowhere "
                                               "in the config)"}
    assert rows["gpt-5"]["configured"] is True and "OPENAI_API_KEY is not set" in rows["gpt-5"]["reason"]
    assert rows["local/smollm2"]["reason"] == f"provider `local`: model file not found: {MISSING_GGUF}"
    assert doc["providers"]["fake"] == {"available": True, "reason": None}
    assert "sk-cli-test" not in res.stdout


def test_models_available_only(tmp_path: Path) -> None:
    res = CliRunner(env=NO_VENDOR_KEYS).invoke(
        app, ["models", "--available", "--json", "-c", str(write_config(tmp_path))])
    assert [m["id"] for m in json.loads(res.stdout)["models"]] == ["team/tiny", "gpt-4o"]


def test_models_table_says_why(tmp_path: Path) -> None:
    res = CliRunner(env={**NO_VENDOR_KEYS, "COLUMNS": "200"}).invoke(
        app, ["models", "-c", str(write_config(tmp_path))])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "2 of" in out and "models usable now (default: team/tiny)" in out
    lines = {ln.split("│")[1].strip(): ln for ln in out.splitlines() if ln.count("│") > 2}
    assert "available" in lines["team/tiny (default)"] and "unavailable" not in lines["team/tiny (default)"]
    assert "not configured" in lines["orphan/x"] and "unavailable" in lines["gpt-5"]
    assert "provider openai: unavailable: environment variable OPENAI_API_KEY is not set" in out
    assert f"provider local: unavailable: model file not found: {MISSING_GGUF}" in out
    assert "provider nowhere: not configured (no providers.nowhere in the config)" in out


def test_models_bad_config_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("providers: {x: {kind: nope}}\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["models", "-c", str(bad)])
    assert res.exit_code == 2 and "providers.x.kind" in res.output


# ---- the start-up summary -------------------------------------------------------------------

@pytest.mark.parametrize("url,shown", [
    ("sqlite:///var/tenbin.db", "sqlite:///var/tenbin.db"),
    ("postgresql://app:s3cr%40t@db.internal:5432/tenbin", "postgresql://app:***@db.internal:5432/tenbin"),
    ("postgres://app@db/tenbin", "postgres://app@db/tenbin"),
    ("postgresql://app:p@ss@db/tenbin?x=a@b", "postgresql://app:***@db/tenbin?x=a@b"),  # an unencoded @
    ("postgresql://db/tenbin?user=app&password=s3cret&sslmode=require",
     "postgresql://db/tenbin?user=app&password=***&sslmode=require"),
])
def test_store_url_without_password(url: str, shown: str) -> None:
    assert safe_url(url) == shown


def test_auth_modes() -> None:
    loop, public = ServerConfig(), ServerConfig(host="0.0.0.0")
    assert auth_mode(loop, 0).startswith("open on loopback: requests without a key are served as team `local`")
    assert auth_mode(loop, 2) == "API keys required (2 active keys; server.auth: auto)"
    assert auth_mode(public, 0) == "API keys required (not bound to loopback)"
    assert auth_mode(ServerConfig(auth="required"), 0) == "API keys required (server.auth: required)"


class EngineStub:
    name = "local"

    def __init__(self, avail: Availability) -> None:
        self.avail = avail

    def availability(self) -> Availability:
        return self.avail

    async def aclose(self) -> None:
        return None


def test_summary_block(tmp_path: Path) -> None:
    cfg = build_config(yaml.safe_load(write_config(tmp_path).read_text(encoding="utf-8")), env=NO_VENDOR_KEYS)
    rt = build_runtime(cfg)
    rt.providers["local"] = EngineStub(Availability(  # type: ignore[assignment]
        False, "embedded engine disabled: crashed 3 times at start",
        {"engine": {"state": "disabled", "crashes": 3, "reason": "crashed 3 times at start"}}))
    text = summary(rt, None, url="http://127.0.0.1:8787", keys=1)
    assert text.splitlines() == [
        f"tenbin {version('tenbin')} ready on http://127.0.0.1:8787/v1",
        "  config       none: embedded defaults",
        f"  store        sqlite:///{tmp_path / 'tenbin.db'}",
        "  auth         API keys required (1 active key; server.auth: auto)",
        "  console      http://127.0.0.1:8787/console (log in with an admin, team-admin or viewer key)",
        "  available    fake",
        "  unavailable  openai: environment variable OPENAI_API_KEY is not set",
        "               anthropic: environment variable ANTHROPIC_API_KEY is not set",
        "               gemini: environment variable GEMINI_API_KEY is not set",
        "               local: embedded engine disabled: crashed 3 times at start",
        "  engine       local: disabled: crashed 3 times at start",
        "  models       2 usable now; default team/tiny; `tenbin models` lists all",
    ]
    rt.providers["local"] = EngineStub(Availability(  # type: ignore[assignment]
        True, None, {"engine": {"state": "crashed", "crashes": 2, "reason": "SIGSEGV"}}))
    again = summary(rt, tmp_path / "tenbin.yaml", url="http://127.0.0.1:8787", keys=0)
    assert f"  config       {tmp_path / 'tenbin.yaml'}" in again.splitlines()
    assert "  available    fake, local" in again.splitlines()
    assert "  engine       local: crashed 2 times (SIGSEGV)" in again.splitlines()
    assert "  models       3 usable now; default team/tiny; `tenbin models` lists all" in again.splitlines()


def test_serve_prints_the_summary_when_ready(tmp_path: Path) -> None:
    """The real command: the block appears once the socket listens, and its address answers.
    (Without orphan/x: a model whose provider is not configured stops the start, tests/config.)"""
    config = write_config(tmp_path, models=[fake_model("gpt-4o", "fake"), fake_model("team/tiny", "fake")])
    exe = Path(sys.executable).with_name("tenbin")
    proc = subprocess.Popen([str(exe), "serve", "-c", str(config), "--port", "0", "--log-level", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **NO_VENDOR_KEYS}, cwd=tmp_path)
    lines: list[str] = []
    done = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("  models"):
                done.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not done.wait(90):
            proc.kill()
            raise AssertionError(f"no summary within 90 s; stdout={lines} stderr={proc.communicate()[1]}")
        head = lines[0]
        assert head.startswith(f"tenbin {version('tenbin')} ready on http://127.0.0.1:") and head.endswith("/v1")
        base = head.split(" ready on ")[1]
        assert not base.startswith("http://127.0.0.1:0/")  # the bound port, not the requested 0
        assert f"  config       {config}" in lines
        assert f"  store        sqlite:///{tmp_path / 'tenbin.db'}" in lines
        assert any(ln.startswith("  auth         open on loopback") for ln in lines)
        assert "  available    fake" in lines
        assert f"               local: model file not found: {MISSING_GGUF}" in lines
        assert "  models       2 usable now; default team/tiny; `tenbin models` lists all" in lines
        r = httpx.get(base + "/models", timeout=10)
        assert [m["id"] for m in r.json()["data"]] == ["team/tiny", "gpt-4o"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
