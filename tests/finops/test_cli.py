"""The FinOps CLI end to end on a real SQLite ledger: fx, budgets, costs, export, forecast, simulate.

Every command that reads "now" runs on a :class:`ManualClock` (passed as the Typer context
object), so no assertion depends on the date the suite happens to run on."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tests.finops.ledger import jst, row, with_ledger

runner = CliRunner()
# Friday 2026-11-20, noon in Tokyo: ten days of November in the ledger, ten still to come.
MID_NOVEMBER = "2026-11-20T03:00:00Z"


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


def cli(*args: str, at: str = MID_NOVEMBER) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False, env={"COLUMNS": "250"}, obj=ManualClock(at))
    assert res.exit_code == 0, res.output
    return res.output


def table_row(out: str, first: str) -> list[str]:
    """The cells of the Rich table row whose first cell is ``first``."""
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("│┃").split("│")]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in:\n{out}")


def test_costs_json_and_csv(cfg: Path) -> None:
    doc = json.loads(cli("costs", "-c", str(cfg), "--period", "2026-11", "--by", "team,use-case", "--format", "json"))
    got = {(r["team"], r["use-case"]): r["cost_jpy"] for r in doc["rows"]}
    assert got == {("sales", "ringi-summary"): "4.5000", ("dev", "ringi-summary"): "4.5000"}
    assert doc["timezone"] == "Asia/Tokyo" and doc["rows"][0]["outcome"] == "稟議書 summary"
    restated = json.loads(cli("costs", "-c", str(cfg), "--period", "2026-11", "--by", "team", "--format", "json",
                              "--fx", "USDJPY=170"))
    assert {r["cost_jpy"] for r in restated["rows"]} == {"5.1000"}
    assert restated["restated"] is True and {r["fx_basis"] for r in restated["rows"]} == {"restated USDJPY=170"}
    assert doc["restated"] is False and {r["fx_basis"] for r in doc["rows"]} == {"booked"}
    csv_out = cli("costs", "-c", str(cfg), "--period", "2026-11", "--format", "csv")
    assert csv_out.splitlines()[0].startswith("team,model,requests")
    assert csv_out.splitlines()[0].endswith(",fx_basis") and csv_out.splitlines()[1].endswith(",booked")
    csv_restated = cli("costs", "-c", str(cfg), "--period", "2026-11", "--format", "csv", "--fx", "USDJPY=170")
    assert all(line.endswith(",restated USDJPY=170") for line in csv_restated.splitlines()[1:])
    table = cli("costs", "-c", str(cfg), "--period", "2026-11", "--fx", "USDJPY=170")
    assert "RESTATED (USDJPY=170)" in table


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
    # sales has spent ¥4.50 this month: a ¥5 budget added now is already past 50% and 80%
    out = cli("budgets", "set", "sales-late", "--limit", "5", "--scope", "team", "--match", "sales", "-c", str(cfg))
    assert "sales: ¥4.50 spent this month — already past 50%, 80% (each alert is sent once)" in out
    cli("budgets", "rm", "sales-late", "-c", str(cfg))
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
    # sales: ¥0.9 on Nov 1, 3, 5, 7, 9 (Sun, Tue, Thu, Sat, Mon). Weekday means over the 19 complete
    # days: Sat 0.45, Sun/Mon/Tue/Thu 0.30, Wed/Fri 0; today (Fri) max(0, 0) = 0; Nov 21-30 add
    # 0.45+0.3+0.3+0.3+0+0.3+0+0.45+0.3+0.3 = 2.70, so ¥4.50 + ¥2.70 = ¥7.20 > the ¥5 budget.
    assert table_row(out, "sales")[:5] == ["sales", "¥4.50", "¥7.20", "19", "sales-month ¥5.00"]
    assert "crosses sales-month" in table_row(out, "sales")[5]
    # dev (Nov 2, 4, 6, 8, 10) counts from its first day of use, Nov 2 (18 complete days): Sundays are
    # Nov 8 and 15 (mean 0.45), today is a Friday whose mean is 0.45, Nov 21-30 add
    # 0+0.45+0.3+0.3+0.3+0+0.45+0+0.45+0.3 = 2.55, so ¥4.50 + ¥0.45 + ¥2.55 = ¥7.50
    assert table_row(out, "dev")[:4] == ["dev", "¥4.50", "¥7.50", "18"]
    assert table_row(out, "total")[:4] == ["total", "¥9.00", "¥14.40", "19"]
    assert "method: weekday run rate" in out
    out = cli("simulate", "-c", str(cfg), "--period", "2026-11", "--outage", "openai")
    assert "10 requests" in out and "Continuity gaps" in out


def test_forecast_of_a_closed_month_is_its_actual_spend_by_month_end(cfg: Path) -> None:
    """Run on 2026-12-01 (the date this test used to break on): November is forecast as of its
    last second, so only Monday Nov 30 is left to estimate (sales' Monday mean: ¥0.9 / 4)."""
    out = cli("forecast", "-c", str(cfg), "--period", "2026-11", at="2026-12-01T01:00:00Z")
    assert table_row(out, "sales")[:4] == ["sales", "¥4.50", "¥4.72", "29"]  # ¥4.725, shown to 2 places
    assert "crosses" not in out


@pytest.mark.parametrize("at,month", [
    ("2026-11-30T14:59:59Z", "2026-11"),  # 23:59:59 in Tokyo
    ("2026-11-30T15:30:00Z", "2026-12"),  # still November in UTC, already December in Tokyo
    ("2026-12-31T15:00:00Z", "2027-01"),  # New Year in Tokyo, New Year's Eve in UTC
])
def test_default_period_is_the_tokyo_month(cfg: Path, at: str, month: str) -> None:
    assert f"Forecast {month} (Asia/Tokyo)" in cli("forecast", "-c", str(cfg), at=at)
    doc = json.loads(cli("costs", "-c", str(cfg), "--format", "json", at=at))
    assert doc["period"] == month
    assert doc["total"]["requests"] == (10 if month == "2026-11" else 0)


def test_fx_set_defaults_to_the_tokyo_day(cfg: Path) -> None:
    cli("fx", "set", "USDJPY", "151", "-c", str(cfg), at="2026-11-30T15:30:00Z")
    assert "2026-12-01" in table_row(cli("fx", "list", "-c", str(cfg)), "USDJPY")[1]
