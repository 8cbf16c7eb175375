"""`budgets set`/`rm`, `fx set` and `fx load` are audited like key changes: one admin entry each,
chained into the gateway's log (the chain still verifies), stamped by the command's clock."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock

AT = "2026-11-30T15:30:00Z"


def cli(cfg: Path, *args: str) -> str:
    res = CliRunner().invoke(app, [*args, "-c", str(cfg)], obj=ManualClock(AT))
    assert res.exit_code == 0, res.output
    return res.output


def test_budget_and_fx_changes_are_audited(tmp_path: Path) -> None:
    cfg = tmp_path / "tenbin.yaml"
    cfg.write_text(yaml.safe_dump({"store": "sqlite:///t.db"}))
    rates = tmp_path / "rates.csv"
    rates.write_text("pair,date,rate\nUSDJPY,2026-11-01,150.1\nEURJPY,2026-11-01,160.2\n")
    cli(cfg, "fx", "set", "USDJPY", "152.3", "--date", "2026-11-01")
    cli(cfg, "fx", "load", str(rates))
    cli(cfg, "budgets", "set", "cs-daily", "--limit", "3000", "--scope", "team", "--match", "support",
        "--period", "day")
    cli(cfg, "budgets", "rm", "cs-daily")
    out = CliRunner().invoke(app, ["audit", "verify", "-c", str(cfg)]).output
    assert "OK: 4 entries verified" in out
    con = sqlite3.connect(tmp_path / "t.db")
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM audit_log ORDER BY seq")]
    con.close()
    assert [(r["action"], r["target"], r["key_id"], r["role"]) for r in rows] == [
        ("fx.set", "USDJPY", "cli", "admin"), ("fx.load", "csv:rates.csv", "cli", "admin"),
        ("budget.set", "cs-daily", "cli", "admin"), ("budget.rm", "cs-daily", "cli", "admin")]
    assert json.loads(rows[0]["detail"])["rate"] == "152.3"
    assert json.loads(rows[1]["detail"])["rates"] == 2
    budget = json.loads(rows[2]["detail"])
    assert (budget["limit_jpy"], budget["scope"], budget["match"]) == ("3000", "team", "support")
    assert rows[2]["team"] == "support"
    assert {r["ts_us"] for r in rows[:3]} == {1796052600 * 1_000_000}  # the command's clock, not the machine's
