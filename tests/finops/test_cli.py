"""The FinOps CLI end to end on a real SQLite ledger: fx, budgets, costs, export, forecast, simulate."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tenbin.cli.main import app
from tests.finops.ledger import jst, row, with_ledger

runner = CliRunner()


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    rows = [row(jst(2026, 11, d), team="sales" if d % 2 else "dev", use_case="ringi-summary",
                cost_nanos=6_000_000, jpy_nanos=900_000_000) for d in range(1, 11)]
    with_ledger(tmp_path, rows, lambda s: s.query("SELECT 1"))
    path = tmp_path / "tenbin.yaml"
    path.write_text(f"""
store: sqlite:///{tmp_path / 'ledger.db'}
finops:
  self_hosted: {{local/smollm2: {{server_month_jpy: 300000, tokens_per_second: 400}}}}
  use_cases: {{ringi-summary: {{outcome: "稟議書 summary", minutes_saved: 10, hourly_cost_jpy: 4000}}}}
  budgets: [{{name: sales-month, scope: team, match: sales, limit_jpy: 5}}]
""", encoding="utf-8")
    return path


def cli(*args: str) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    return res.output


def test_costs_json_and_csv(cfg: Path) -> None:
    doc = json.loads(cli("costs", "-c", str(cfg), "--period", "2026-11", "--by", "team,use-case", "--format", "json"))
    got = {(r["team"], r["use-case"]): r["cost_jpy"] for r in doc["rows"]}
    assert got == {("sales", "ringi-summary"): "4.5000", ("dev", "ringi-summary"): "4.5000"}
    assert doc["timezone"] == "Asia/Tokyo" and doc["rows"][0]["outcome"] == "稟議書 summary"
    restated = json.loads(cli("costs", "-c", str(cfg), "--period", "2026-11", "--by", "team", "--format", "json",
                              "--fx", "USDJPY=170"))
    assert {r["cost_jpy"] for r in restated["rows"]} == {"5.1000"}
    csv_out = cli("costs", "-c", str(cfg), "--period", "2026-11", "--format", "csv")
    assert csv_out.splitlines()[0].startswith("team,model,requests")


def test_unit_prices_show_break_even(cfg: Path) -> None:
    out = cli("costs", "-c", str(cfg), "--unit-prices")
    assert "Make or buy" in out and "tokens/month" in out


def test_bad_input_is_a_clear_message(cfg: Path) -> None:
    for args, msg in [(["costs", "--period", "2026-13"], "bad month"), (["costs", "--by", "colour"], "colour"),
                      (["fx", "set", "USDJPY", "0"], "positive"),
                      (["fx", "set", "USDEUR", "1"], "XXXJPY"), (["simulate", "--price", "openai+3"], "PROVIDER"),
                      (["budgets", "set", "x", "--limit", "10", "--action", "downgrade"], "downgrade_to")]:
        res = runner.invoke(app, [*args, "-c", str(cfg)], env={"COLUMNS": "250"})
        assert res.exit_code == 2 and msg in res.output, (args, res.output)


def test_fx_and_budgets(cfg: Path, tmp_path: Path) -> None:
    cli("fx", "set", "USDJPY", "152.3", "--date", "2026-11-01", "-c", str(cfg))
    rates = tmp_path / "rates.csv"
    rates.write_text("pair,date,rate\nEURJPY,2026-11-01,170.5\n", encoding="utf-8")
    cli("fx", "load", str(rates), "-c", str(cfg))
    out = cli("fx", "list", "-c", str(cfg))
    assert "152.3" in out and "170.5" in out
    cli("budgets", "set", "dev-day", "--limit", "100", "--scope", "team", "--match", "dev", "--period", "day",
        "-c", str(cfg))
    out = cli("budgets", "-c", str(cfg))
    assert "sales-month" in out and "dev-day" in out
    cli("budgets", "rm", "dev-day", "-c", str(cfg))
    assert "dev-day" not in cli("budgets", "-c", str(cfg))


def test_export_focus_csv_and_parquet(cfg: Path, tmp_path: Path) -> None:
    cli("export", "focus", "-c", str(cfg), "--period", "2026-11", "--out", str(tmp_path / "f.csv"))
    assert (tmp_path / "f.csv").read_text(encoding="utf-8").startswith("AvailabilityZone,BilledCost,")
    cli("export", "focus", "-c", str(cfg), "--period", "2026-11", "--format", "parquet",
        "--out", str(tmp_path / "f.parquet"))
    assert pq.read_table(tmp_path / "f.parquet").num_rows > 0


def test_forecast_and_simulate(cfg: Path) -> None:
    out = cli("forecast", "-c", str(cfg), "--period", "2026-11")
    assert "crosses sales-month" in out and "method: weekday run rate" in out
    out = cli("simulate", "-c", str(cfg), "--period", "2026-11", "--outage", "openai")
    assert "10 requests" in out and "Continuity gaps" in out
