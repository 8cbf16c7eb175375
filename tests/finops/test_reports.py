"""Cost reports on a small hand-checked ledger: grouping, Tokyo period edges, FX restatement, ROI."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tenbin.finops.config import FinOpsConfig
from tenbin.finops.periods import parse_period
from tenbin.finops.reports.costs import cost_report, parse_dimensions
from tests.finops.ledger import jst, row, with_ledger

NOV = parse_period("2026-11")
USD6: dict[str, Any] = {"cost_nanos": 6_000_000, "jpy_nanos": 900_000_000}  # $0.006 at ¥150


def ledger() -> list:  # type: ignore[type-arg]
    return [
        row(jst(2026, 11, 2), use_case="ringi-summary", **USD6),
        row(jst(2026, 11, 3), use_case="ringi-summary", **USD6),
        row(jst(2026, 11, 3), team="sales", status=502, prompt=0, completion=0, use_case="ringi-summary"),
        row(jst(2026, 11, 4), team="dev", model="claude", provider="anthropic", prompt=2000, completion=1000,
            cost_nanos=10_000_000, jpy_nanos=1_500_000_000),
        row(jst(2026, 11, 5), team="dev", model="local", provider="local", region="on-prem", currency="JPY",
            fx="1"),
        # Tokyo edges: 2026-11-01 00:30 JST is November, 2026-12-01 00:30 JST is not, nor is 2026-10-31 23:30
        row(jst(2026, 11, 1, 0) + 1800, team="edge", **USD6),
        row(jst(2026, 12, 1, 0) + 1800, team="edge", **USD6),
        row(jst(2026, 11, 1, 0) - 1800, team="edge", **USD6),
    ]


def test_group_by_team_and_model(tmp_path: Path) -> None:
    rep = with_ledger(tmp_path, ledger(), lambda s: cost_report(s, NOV, ["team", "model"]))
    got = {ln.key: (ln.requests, ln.errors, ln.cost_jpy) for ln in rep.lines}
    assert got == {
        ("sales", "gpt-4o"): (2, 0, Decimal("1.8")),
        ("sales", "-"): (1, 1, Decimal(0)),
        ("dev", "claude"): (1, 0, Decimal("1.5")),
        ("dev", "local"): (1, 0, Decimal(0)),
        ("edge", "gpt-4o"): (1, 0, Decimal("0.9")),
    }
    assert rep.total.cost_jpy == Decimal("4.2") and rep.total.requests == 6
    sales = next(ln for ln in rep.lines if ln.key == ("sales", "gpt-4o"))
    assert sales.per_request == Decimal("0.9")
    assert sales.per_1k_tokens == Decimal("0.6")  # ¥1.8 over 3000 tokens


def test_restated_at_another_rate(tmp_path: Path) -> None:
    rep = with_ledger(tmp_path, ledger(), lambda s: cost_report(s, NOV, ["team"], fx={"USD": Decimal("170")}))
    got = {ln.key[0]: ln.cost_jpy for ln in rep.lines}
    assert got == {"sales": Decimal("2.04"), "dev": Decimal("1.7"), "edge": Decimal("1.02")}
    assert rep.lines[0].vendor_cost == {"USD": Decimal("0.012")}


def test_roi_per_use_case(tmp_path: Path) -> None:
    fo = FinOpsConfig.from_section({"use_cases": {"ringi-summary": {
        "outcome": "稟議書 summary", "minutes_saved": 10, "hourly_cost_jpy": 4000}}})
    rep = with_ledger(tmp_path, ledger(), lambda s: cost_report(s, NOV, ["use-case"], use_cases=fo.use_cases))
    ringi = next(ln for ln in rep.lines if ln.key == ("ringi-summary",))
    assert ringi.outcomes == 2  # the failed request produced no outcome
    assert ringi.per_outcome == Decimal("0.9")
    assert ringi.value_jpy is not None and ringi.value_jpy.quantize(Decimal("0.01")) == Decimal("1333.33")
    assert ringi.roi is not None and round(ringi.roi) == 740  # (1333.33 − 1.8) / 1.8
    flat = rep.rows()
    assert next(r for r in flat if r["use-case"] == "ringi-summary")["jpy_per_outcome"] == "0.9000"


def test_dimension_errors_name_the_choices() -> None:
    import pytest

    with pytest.raises(ValueError, match=r"unknown dimension.*colour.*choose from"):
        parse_dimensions("team,colour")
    assert parse_dimensions("team,use_case,team") == ["team", "use-case"]
