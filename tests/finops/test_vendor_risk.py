"""Vendor risk (finops/reports/vendors.py) and the bounded what-if (finops/replay/bounded.py) on small
hand-checked ledgers in a real SQLite store: concentration adds up to the cost report, exit
readiness follows the policy's constraints, and the bounded replay is ``tenbin simulate``'s."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.config.schema import Config
from tenbin.finops.fxstore import load_table
from tenbin.finops.periods import parse_period
from tenbin.finops.replay.bounded import Bounds, ReplayTooLarge, bounded_replay
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_key_models, load_shapes
from tenbin.finops.replay.simulate import replay
from tenbin.finops.reports.costs import cost_report
from tenbin.finops.reports.vendors import (
    UsageLine,
    callable_providers,
    concentration,
    exit_readiness,
    hhi,
    usage_lines,
)
from tenbin.routing.schema import RoutingPolicy
from tenbin.store.base import Store
from tests.finops.ledger import jst, row, with_ledger

NOV = parse_period("2026-11")


def model(id: str, provider: str, region: str, jurisdiction: str | None = None, **kw: Any) -> dict[str, Any]:
    return {"id": id, "provider": provider, "upstream": id, "region": region,
            "jurisdiction": jurisdiction or region, "retention_days": 0, "context_window": 100_000,
            "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "2", "output": "8"}], **kw}


def config(models: list[dict[str, Any]], constraints: list[dict[str, Any]], providers: list[str] | None = None,
           **extra: Any) -> Config:
    names = providers if providers is not None else sorted({m["provider"] for m in models})
    cfg = build_config({
        "models": models, "default_model": models[0]["id"],
        "providers": {n: {"kind": "openai", "base_url": "http://127.0.0.1:9"} for n in names},
        "routing": {"constraints": constraints}, **extra}, env={})
    # without the embedded model the defaults add as ``local`` (as the demo runs): only ``names``
    return cfg.model_copy(update={"providers": {n: p for n, p in cfg.providers.items() if n in names}})


PERSONAL_IN_JP = {"name": "personal-in-jp", "when": {"data_class": ["PERSONAL"]},
                  "require": {"region": ["JP"], "jurisdiction": ["JP"]}, "unless_masked": True}


def line(provider: str, model: str, data_class: str = "public", *, use_case: str = "chat", team: str = "sales",
         requests: int = 1, cost: str = "1") -> UsageLine:
    return UsageLine(team, "p1", "k1", use_case, provider, model, data_class, requests, Decimal(cost))


# ---- concentration ------------------------------------------------------------------------------

def test_hhi_is_the_sum_of_squared_percentage_shares() -> None:
    assert hhi([Decimal(1)]) == 10_000
    assert hhi([Decimal("0.5"), Decimal("0.5")]) == 5_000
    assert hhi([Decimal("0.7"), Decimal("0.2"), Decimal("0.1")]) == 49 * 100 + 4 * 100 + 1 * 100


def test_concentration_shares_and_band() -> None:
    c = concentration([line("pa", "a", cost="6", requests=2), line("pa", "a", data_class="personal", cost="1"),
                       line("pb", "b", cost="3", requests=7), line("-", "-", cost="0", requests=5)])
    assert [v.provider for v in c.vendors] == ["pa", "pb"]  # "-" reached no vendor: not a vendor
    assert (c.requests, c.cost_jpy) == (10, Decimal(10))
    assert [v.cost_share for v in c.vendors] == [Decimal("0.7"), Decimal("0.3")]
    assert [v.request_share for v in c.vendors] == [Decimal("0.3"), Decimal("0.7")]
    assert c.hhi == 70 ** 2 + 30 ** 2 and c.band == "high"
    assert concentration([line("pa", "a", cost="1"), line("pb", "b", cost="1"), line("pc", "c", cost="1"),
                          line("pd", "d", cost="1"), line("pe", "e", cost="1"),
                          line("pf", "f", cost="1")]).band == "moderate"  # 6 equal: 1,666
    empty = concentration([])
    assert not empty.vendors and empty.hhi == 0 and empty.band == "low"


def test_usage_lines_add_up_to_the_cost_report_per_provider(tmp_path: Path) -> None:
    """The yen per vendor are ``tenbin costs --by provider``'s, self-hosted charge-back included,
    and a team's view is that team's lines only."""
    from tenbin.finops.config import FinOpsConfig

    fo = FinOpsConfig.from_section({"self_hosted": {"local/m": {"jpy_per_million_tokens": "40"}}})
    rows = [row(jst(2026, 11, 3), model="a", provider="pa", jpy_nanos=900_000_000, use_case="chat"),
            row(jst(2026, 11, 4), model="a", provider="pa", jpy_nanos=450_000_000, team="dev"),
            row(jst(2026, 11, 5), model="local/m", provider="local", jpy_nanos=0, region="on-prem"),
            row(jst(2026, 11, 5), model="b", provider="pb", jpy_nanos=300_000_000, data_class="personal"),
            row(jst(2026, 11, 6), model="a", provider="pa", status=502, jpy_nanos=0),
            row(jst(2026, 10, 30), model="b", provider="pb", jpy_nanos=999_000_000)]  # another month

    async def go(s: Store) -> tuple[Any, ...]:
        return (await usage_lines(s, NOV, None, fo.self_hosted), await usage_lines(s, NOV, "dev", fo.self_hosted),
                await cost_report(s, NOV, ["provider"], self_hosted=fo.self_hosted),
                await cost_report(s, NOV, ["team", "provider"], self_hosted=fo.self_hosted))

    every, dev, by_provider, by_team = with_ledger(tmp_path, rows, go)
    c = concentration(every)
    assert {v.provider: (v.requests, v.cost_jpy) for v in c.vendors} == {
        ln.key[0]: (ln.requests, ln.cost_jpy) for ln in by_provider.lines}
    assert c.cost_jpy == by_provider.total.cost_jpy and any(v.provider == "local" and v.cost_jpy for v in c.vendors)
    assert {ln.team for ln in dev} == {"dev"}
    assert {v.provider: v.cost_jpy for v in concentration(dev).vendors} == {
        ln.key[1]: ln.cost_jpy for ln in by_team.lines if ln.key[0] == "dev"}


# ---- exit readiness ----------------------------------------------------------------------------

MODELS = [model("a", "pa", "US"), model("a2", "pa", "US"), model("b", "pb", "JP"), model("c", "pc", "US"),
          model("jp-us", "pd", "JP", "US"), model("x", "px", "JP")]


def readiness(lines: list[UsageLine], constraints: list[dict[str, Any]], providers: list[str] | None = None,
              models: list[dict[str, Any]] = MODELS) -> Any:
    cfg = config(models, constraints, providers)
    return exit_readiness(lines, RoutingPolicy.from_section(cfg.routing), load_catalog(cfg.models),
                          callable_providers(cfg))


def test_personal_data_needs_a_compliant_model_of_another_vendor() -> None:
    # px is in the catalog but not configured: no contract, no alternative
    r = readiness([line("pb", "b", "personal", use_case="support", cost="4", requests=4),
                   line("pa", "a", "public", use_case="chat", cost="6", requests=1)],
                  [PERSONAL_IN_JP], providers=["pa", "pb", "pc", "pd"])
    by = {e.use_case: e for e in r.lines}
    assert by["support"].alternatives == [] and not by["support"].ready  # only pb is JP/JP among callable
    assert by["chat"].alternatives == ["b", "c", "jp-us"] and by["chat"].ready  # not a2: the same vendor
    assert (r.requests, r.ready_requests, r.cost_jpy, r.ready_cost_jpy) == (5, 1, Decimal(10), Decimal(6))
    assert (r.request_share, r.cost_share) == (Decimal("0.2"), Decimal("0.6"))
    assert r.by_vendor() == {"pb": (4, 0, Decimal(4), Decimal(0)), "pa": (1, 1, Decimal(6), Decimal(6))}
    # once px is configured, support on pb can move to x (JP/JP, another vendor)
    r2 = readiness([line("pb", "b", "personal", use_case="support")], [PERSONAL_IN_JP])
    assert r2.lines[0].alternatives == ["x"] and r2.request_share == 1


def test_every_data_class_the_use_case_sent_counts_even_on_another_vendor() -> None:
    """A use case that sent personal data anywhere needs an alternative for it everywhere: moving
    the use case moves all of its traffic."""
    r = readiness([line("pa", "a", "public", use_case="mixed"), line("pb", "b", "personal", use_case="mixed")],
                  [PERSONAL_IN_JP])
    by = {e.provider: e for e in r.lines}
    assert by["pa"].data_classes == {"public", "personal"}
    assert by["pa"].alternatives == ["b", "x"]  # JP/JP models of other vendors than pa
    assert by["pb"].alternatives == ["x"]


def test_conditions_the_ledger_cannot_answer_bind_and_masking_does_not_waive() -> None:
    only_labels = {"name": "labels", "when": {"labels": ["my_number"]}, "require": {"region": ["JP"]}}
    other_team = {"name": "dev-only", "when": {"team": ["dev"]}, "require": {"region": ["on-prem"]}}
    r = readiness([line("pa", "a", "public")], [only_labels, other_team])
    assert r.lines[0].alternatives == ["b", "jp-us", "x"]  # labels unknown: binds; team dev: does not
    # unless_masked: an alternative must take the data unmasked (the lower bound)
    assert readiness([line("pa", "a", "personal")], [PERSONAL_IN_JP]).lines[0].alternatives == ["b", "x"]
    # unscanned traffic is routed as routing.unscanned_as (PERSONAL by default)
    assert readiness([line("pa", "a", "-")], [PERSONAL_IN_JP]).lines[0].data_classes == {"-"}
    assert readiness([line("pa", "a", "-")], [PERSONAL_IN_JP]).lines[0].alternatives == ["b", "x"]


def test_embedding_traffic_needs_an_embedding_alternative() -> None:
    models = [model("e1", "pa", "US", kind="embedding"), model("e2", "pb", "US", kind="embedding"),
              model("chat", "pc", "US")]
    r = readiness([line("pa", "e1", use_case="search"), line("pc", "chat", use_case="bot")], [], models=models)
    by = {e.use_case: e for e in r.lines}
    assert by["search"].alternatives == ["e2"] and by["search"].ready
    assert by["bot"].alternatives == [] and not by["bot"].ready  # no other vendor's chat model


# ---- the bounded what-if ------------------------------------------------------------------------

REPLAY_CFG = config([model("a", "pa", "US"), model("b", "pb", "JP")], [], fallbacks={"a": ["b"]})


def _ledger() -> list[Any]:
    rows = [row(jst(2026, 11, 10), model="a", provider="pa", cost_nanos=6_000_000, jpy_nanos=900_000_000,
                key=f"k{i % 2}", use_case="chat") for i in range(10)]
    rows += [row(jst(2026, 11, 11), model="b", provider="pb", team="dev", jpy_nanos=300_000_000, region="JP")
             for _ in range(5)]
    return rows


def test_bounded_replay_is_the_cli_replay(tmp_path: Path) -> None:
    catalog = load_catalog(REPLAY_CFG.models)
    scenario = parse_scenario([], ["pa"], [], None)

    async def go(s: Store) -> tuple[Any, ...]:
        shapes = await load_shapes(s, NOV)
        cli = replay(shapes, REPLAY_CFG, catalog, await load_table(s), scenario, keys=await load_key_models(s))
        cli_dev = replay([x for x in shapes if x.team == "dev"], REPLAY_CFG, catalog, await load_table(s), scenario,
                         keys=await load_key_models(s))
        return (cli, cli_dev, await bounded_replay(s, REPLAY_CFG, catalog, scenario, NOV),
                await bounded_replay(s, REPLAY_CFG, catalog, scenario, NOV, team="dev"))

    cli, cli_dev, page, page_dev = with_ledger(tmp_path, _ledger(), go)
    assert page.moved == 10 and page.moves == cli.moves
    for mine, theirs in ((page, cli), (page_dev, cli_dev)):
        assert (mine.rows, mine.moved, mine.refused, mine.baseline_jpy, mine.scenario_jpy) == (
            theirs.rows, theirs.moved, theirs.refused, theirs.baseline_jpy, theirs.scenario_jpy)
    assert page_dev.rows == 5 and set(page_dev.use_cases) == {""}  # the dev team's requests only


def test_bounded_replay_refuses_what_a_page_should_not_run(tmp_path: Path) -> None:
    catalog = load_catalog(REPLAY_CFG.models)
    scenario = parse_scenario([], ["pa"], [], None)

    async def go(s: Store) -> list[str]:
        out = []
        for bounds in (Bounds(max_shapes=1), Bounds(seconds=-1)):
            with pytest.raises(ReplayTooLarge) as e:
                await bounded_replay(s, REPLAY_CFG, catalog, scenario, NOV, bounds=bounds)
            out.append(str(e.value))
        with pytest.raises(ReplayTooLarge):
            await bounded_replay(s, REPLAY_CFG, catalog, scenario, parse_period("2026-10..2026-11"))
        with pytest.raises(ValueError, match="no provider or model of that name"):
            await bounded_replay(s, REPLAY_CFG, catalog, parse_scenario([], ["pz"], [], None), NOV)
        return out

    shapes_msg, time_msg = with_ledger(tmp_path, _ledger(), go)
    assert "request shapes" in shapes_msg and "tenbin simulate" in shapes_msg
    assert "took more than" in time_msg
