"""Config typos from issue 13 fail at start with field-named errors; relative paths follow the
config file; the config in force is hashed into the audit chain at start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.config.loader import build_config, config_hash, load_config
from tenbin.config.validate import Findings, check_config
from tests.conftest import fake_model, openai_provider
from tests.harness import LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake"}


def base(**extra: Any) -> dict[str, Any]:
    return {"providers": {"fake": openai_provider("http://127.0.0.1:9/v1")},
            "models": [fake_model("gpt-x", "fake"), fake_model("saas-jp", "fake", region="JP")],
            "default_model": "gpt-x", **extra}


def findings(raw: dict[str, Any], env: dict[str, str] | None = None) -> Findings:
    cfg = build_config(raw, env=ENV if env is None else env)
    return check_config(cfg, load_catalog(cfg.models))


def test_onprem_typo_in_a_constraint_is_rejected_with_did_you_mean() -> None:
    f = findings(base(routing={"constraints": [
        {"name": "nippo-in-house", "when": {"prompt_contains": ["日報"]}, "require": {"region": ["JP", "onprem"]}}]}))
    assert ("routing.constraints.0(nippo-in-house).require.region: 'onprem' is not an ISO 3166-1 alpha-2 "
            "country code or 'on-prem'; did you mean 'on-prem'?") in f.errors


def test_model_region_and_jurisdiction_are_iso_codes() -> None:
    f = findings(base(models=[fake_model("gpt-x", "fake"), fake_model("bad", "fake", region="onprem"),
                              fake_model("uk", "fake", jurisdiction="UK")]))
    assert any(e.startswith("models.1(bad).region: 'onprem' is not") and "did you mean 'on-prem'" in e
               for e in f.errors), f.errors
    assert any(e.startswith("models.2(uk).jurisdiction: 'UK' is not") and "did you mean 'GB'" in e
               for e in f.errors), f.errors
    assert not any("region" in e for e in findings(base()).errors)  # US, JP, on-prem (catalog) pass


def test_model_with_an_undefined_provider_is_an_error() -> None:
    f = findings(base(models=[fake_model("gpt-x", "fake"), fake_model("orphan/x", "fakee")]))
    assert [e for e in f.errors if "provider" in e] == [
        "models.1(orphan/x).provider: 'fakee' is not a configured provider "
        "(configured: anthropic, fake, gemini, local, openai); did you mean 'fake'?"]


def test_unknown_rule_target_is_an_error() -> None:
    f = findings(base(routing={"rules": [{"name": "support", "when": {"use_case": "support"}, "model": "gpt-xx"}]}))
    assert f.errors == ["routing.rules.0(support).model: unknown model 'gpt-xx'; did you mean 'gpt-x'?"]


def test_constraint_no_model_can_meet_is_an_error_or_a_warning_when_masking_waives_it() -> None:
    never = {"name": "eu-only", "when": {"data_class": "PERSONAL"}, "require": {"region": ["FR"]}}
    f = findings(base(routing={"constraints": [never]}))
    assert f.errors == ["routing.constraints.0(eu-only).require: no model in the catalog meets it, so every "
                        "request it matches would be refused"]
    f = findings(base(routing={"constraints": [{**never, "unless_masked": True}]}))
    assert f.errors == [] and any("eu-only" in w and "masked" in w for w in f.warnings)


def test_example_policy_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "policy.yaml"
    cfg = load_config(example, env={"AZURE_OPENAI_JP_KEY": "k"})
    f = check_config(cfg, load_catalog(cfg.models))
    assert f.errors == [], f.errors


def test_serve_refuses_to_start_on_a_typo(tmp_path: Path) -> None:
    """The real command, before it binds: exit 2 and the field named."""
    config = tmp_path / "tenbin.yaml"
    config.write_text(yaml.safe_dump(base(store="sqlite:///t.db", routing={"constraints": [
        {"name": "c", "when": {"data_class": "PERSONAL"}, "require": {"region": ["JP", "onprem"]}}]})))
    exe = Path(sys.executable).with_name("tenbin")
    proc = subprocess.run([str(exe), "serve", "-c", str(config), "--port", "0"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **ENV}, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "routing.constraints.0(c).require.region: 'onprem'" in " ".join(proc.stderr.split())
    assert not (tmp_path / "t.db").exists()  # refused before anything was created


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    config = etc / "tenbin.yaml"
    config.write_text(yaml.safe_dump({"store": "sqlite:///data/tenbin.db", "ledger": {"spool_dir": "spool"}}))
    cfg = load_config(config, env={})
    assert cfg.store == f"sqlite:///{etc / 'data' / 'tenbin.db'}"
    assert cfg.ledger.spool_dir == str(etc / "spool")
    (etc / "data").mkdir()
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "--team", "sales", "--config", str(config)])
    assert made.exit_code == 0, made.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    listed = runner.invoke(app, ["keys", "list", "--config", os.path.relpath(config, elsewhere)])
    assert listed.exit_code == 0 and "sales" in listed.output, listed.output
    assert list(elsewhere.iterdir()) == []  # no stray empty database where the command ran


def test_a_command_that_would_create_an_empty_store_says_so(tmp_path: Path) -> None:
    config = tmp_path / "tenbin.yaml"
    config.write_text(yaml.safe_dump({"store": "sqlite:///nothing-here.db"}))
    res = CliRunner().invoke(app, ["costs", "--config", str(config)])
    assert f"no database at {tmp_path / 'nothing-here.db'}; creating an empty one" in " ".join(res.output.split())


def test_config_hash_is_recorded_at_start(lt: LoopThread, tmp_path: Path) -> None:
    raw = base(routing={"constraints": []}, store=f"sqlite:///{tmp_path / 'tenbin.db'}")
    gw = start_gateway(lt, raw, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    try:
        assert gw.runtime.audit is not None
        assert gw.lt.run(gw.runtime.audit.flush())
        first = gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log ORDER BY seq LIMIT 1"))[0]
    finally:
        gw.stop()
    assert (first["kind"], first["action"], first["role"]) == ("admin", "config.load", "system")
    detail = json.loads(first["detail"])
    assert detail["config_sha256"] == config_hash(gw.runtime.cfg)
    # the hash is of the config in force: another policy gives another hash, a secret's value none
    other = build_config({**raw, "routing": {"constraints": [], "on_sensitive": "mask"}}, env=ENV)
    assert config_hash(other) != detail["config_sha256"]
    assert config_hash(build_config(raw, env={"FAKE_KEY": "another-secret"})) == config_hash(gw.runtime.cfg)
