"""``tenbin config check`` through the real CLI: the resolved store, providers and availability,
which routing targets depend on which providers, every warning; exit 1 when the start would fail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tests.conftest import fake_model, openai_provider


def write(tmp: Path, **extra: Any) -> Path:
    cfg = {
        "store": "sqlite:///data/gw.db",
        "providers": {"fake": openai_provider("http://127.0.0.1:9/v1"),
                      "saas": openai_provider("http://127.0.0.1:9/v1", api_key="${SAAS_KEY}")},
        "models": [fake_model("gpt-x", "fake"), fake_model("saas-jp", "saas", region="JP")],
        "default_model": "gpt-x",
        "routing": {"constraints": [], "rules": [
            {"name": "nippo", "when": {"prompt_contains": ["日報"]}, "model": "saas-jp"},
            {"name": "support", "when": {"use_case": "support"}, "model": "gpt-x", "fallbacks": ["saas-jp"]}]},
        **extra,
    }
    path = tmp / "tenbin.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str]:
    res = CliRunner(env={"FAKE_KEY": "sk-x", "SAAS_KEY": None}).invoke(app, ["config", "check", *args])
    return res.exit_code, res.output


def test_check_prints_store_providers_dependencies_and_warnings(tmp_path: Path) -> None:
    code, out = run("-c", str(write(tmp_path)))
    assert code == 0, out
    lines = out.splitlines()
    assert f"store    {tmp_path / 'data' / 'gw.db'}  (does not exist yet: serve creates it empty)" in lines
    assert any(ln.split()[:3] == ["fake", "openai", "available"] for ln in lines), out
    assert any(ln.split()[:2] == ["saas", "openai"] and "unavailable: environment variable SAAS_KEY is not set"
               in ln for ln in lines), out
    assert "  routing.rules.0(nippo) → saas  (saas-jp)  unavailable: saas" in lines
    assert "  routing.rules.1(support) → fake, saas  (gpt-x, saas-jp)  unavailable: saas" in lines
    assert ("warning: routing.rules.0(nippo): none of its models (saas-jp) has an available provider now; "
            "requests it matches will fail or fall through") in lines
    assert "warning: providers.saas: environment variable SAAS_KEY is not set; its models are unavailable" in lines
    assert ("warning: governance.vendors: no entry for provider 'fake', which sends data abroad (the APPI record "
            "cannot name its legal entity or legal basis)") in lines
    assert lines[-1] == "OK: 0 errors, 3 warnings"
    assert not (tmp_path / "data").exists()  # checking creates nothing


def test_check_json_and_an_existing_store(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "gw.db").write_bytes(b"x" * 10)
    code, out = run("-c", str(write(tmp_path)), "--json")
    assert code == 0, out
    r = json.loads(out)
    assert r["store"] == {"url": f"sqlite:///{tmp_path / 'data' / 'gw.db'}", "path": str(tmp_path / "data" / "gw.db"),
                          "exists": True, "bytes": 10}
    assert r["config"] == str(tmp_path / "tenbin.yaml") and len(r["config_sha256"]) == 64
    deps = {d["where"]: d for d in r["dependencies"]}
    assert deps["routing.rules.1(support)"]["providers"] == ["fake", "saas"]
    assert {p["name"]: p["available"] for p in r["providers"]}["saas"] is False


def test_check_fails_on_what_would_stop_the_start(tmp_path: Path) -> None:
    code, out = run("-c", str(write(tmp_path, models=[fake_model("gpt-x", "fake"),
                                                      fake_model("saas-jp", "sass", region="JP")])))
    assert code == 1
    assert ("error: models.1(saas-jp).provider: 'sass' is not a configured provider (configured: anthropic, fake, "
            "gemini, local, openai, saas); did you mean 'saas'?") in out.splitlines()
    assert out.splitlines()[-1].startswith("FAILED: 1 error")
