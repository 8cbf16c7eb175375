"""What-if replay on a small hand-checked ledger, through the real Router."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.finops.periods import parse_period
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_shapes
from tenbin.finops.replay.simulate import ReplayResult, replay
from tenbin.fx import FxTable
from tests.finops.ledger import jst, row, with_ledger

FX = FxTable([("USD", dt.date(2026, 11, 1), Decimal("150"))])


def model(id: str, provider: str, region: str, currency: str, inp: str, out: str) -> dict[str, Any]:
    return {"id": id, "provider": provider, "upstream": id, "region": region, "jurisdiction": region,
            "retention_days": 0, "context_window": 100_000,
            "prices": [{"effective": "2025-01-01", "currency": currency, "input": inp, "output": out}]}


CFG = build_config({
    "models": [model("a", "pa", "US", "USD", "2", "8"), model("b", "pb", "JP", "JPY", "100", "400"),
               model("c", "pc", "US", "USD", "1", "4")],
    "providers": {n: {"kind": "openai", "base_url": "http://127.0.0.1:9"} for n in ("pa", "pb", "pc")},
    "default_model": "a", "fallbacks": {"a": ["b"]},
    "routing": {"constraints": []},  # replay mechanics only; the ledger rows carry no data class
}, env={})
CATALOG = load_catalog(CFG.models)


def run(tmp_path: Path, prices: list[str] = (), outages: list[str] = (), fx: list[str] = (),  # type: ignore[assignment]
        policy: Path | None = None) -> ReplayResult:
    # 10 requests on a ($0.006 → ¥0.90 each) and 5 on c ($0.003 → ¥0.45 each), 1000 in / 500 out tokens
    rows = [row(jst(2026, 11, 10), model="a", provider="pa", cost_nanos=6_000_000, jpy_nanos=900_000_000,
                key=f"k{i % 2}") for i in range(10)]
    rows += [row(jst(2026, 11, 11), model="c", provider="pc", team="dev", cost_nanos=3_000_000,
                 jpy_nanos=450_000_000) for _ in range(5)]
    rows.append(row(jst(2026, 11, 12), model="a", provider="pa", status=502))  # failures are not replayed
    db = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    db.mkdir()
    shapes = with_ledger(db, rows, lambda s: load_shapes(s, parse_period("2026-11")))
    scenario = parse_scenario(list(prices), list(outages), list(fx), policy)
    seen: list[int] = []
    res = replay(shapes, CFG, CATALOG, FX, scenario, seen.append)
    assert sum(seen) == len(shapes)
    assert res.rows == 15
    return res


def test_baseline_replay_changes_nothing(tmp_path: Path) -> None:
    res = run(tmp_path)
    assert res.baseline_jpy == res.scenario_jpy == Decimal("11.25")
    assert not res.moves and not res.gaps
    assert res.japan_share(False) == res.japan_share(True) == 0
    assert res.decisions <= 3  # 2 keys on a, 1 on c: decided once per shape


def test_outage_moves_traffic_to_the_fallback(tmp_path: Path) -> None:
    res = run(tmp_path, outages=["pa"])
    # a → b: (1000×¥100 + 500×¥400)/1M = ¥0.30 each
    assert res.moves == {("a", "b"): 10}
    assert res.scenario_jpy == Decimal("3.0") + Decimal("2.25")
    assert res.delta_jpy == Decimal("-6.0")
    assert res.move_cost[("a", "b")] == Decimal("-6.0")
    assert res.japan_share(True) == Decimal(10) / 15


def test_price_rise_and_fx(tmp_path: Path) -> None:
    assert run(tmp_path, prices=["pc:+30%"]).delta_jpy == Decimal("0.675")  # 5 × ¥0.45 × 0.3
    assert run(tmp_path, prices=["a:-50%"]).delta_jpy == Decimal("-4.5")
    assert run(tmp_path, fx=["USDJPY=170"]).scenario_jpy == Decimal("12.75")  # 15 × ¥0.85 average


def test_continuity_gap_when_the_whole_chain_is_down(tmp_path: Path) -> None:
    res = run(tmp_path, outages=["pa", "b"])
    assert res.gaps == {("a", "every model in the chain is down"): 10}
    assert res.scenario_jpy == Decimal("2.25")


def test_policy_file_changes_the_fallback(tmp_path: Path) -> None:
    pol = tmp_path / "new.yaml"
    pol.write_text("fallbacks: {a: [c]}\n", encoding="utf-8")
    res = run(tmp_path, outages=["pa"], policy=pol)
    assert res.moves == {("a", "c"): 10}
    assert res.scenario_jpy == Decimal("4.5") + Decimal("2.25")


def test_bad_scenarios_are_clear() -> None:
    with pytest.raises(ValueError, match="PROVIDER_OR_MODEL"):
        parse_scenario(["openai+30"], [], [], None)
    with pytest.raises(ValueError, match="below zero"):
        parse_scenario(["openai:-150%"], [], [], None)
