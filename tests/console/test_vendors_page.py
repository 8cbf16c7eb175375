"""The vendor-risk page over demo data. Its view's figures are checked against what the CLI prints for
the same store (``tenbin costs --by provider``, ``tenbin simulate``) and against the policy and
catalog read independently; a viewer's page holds its team's traffic only, and a forged team is
refused. The browser test reads the same figures off the rendered page (tables beside the charts)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.console.pages.vendors import PAGE, REPLAY_LOCK
from tenbin.demo.policy import KEY_ENV
from tenbin.errors import Forbidden
from tenbin.finops.config import FinOpsConfig
from tenbin.finops.fxstore import load_table
from tenbin.finops.periods import parse_period
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_key_models, load_shapes
from tenbin.finops.replay.simulate import ReplayResult, replay
from tenbin.finops.reports.costs import cost_report
from tests.console.conftest import ConsoleDemo
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.harness import LoopThread

MONTH = f"{END:%Y-%m}"  # the page's default period: the Tokyo month of its clock


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def cli(views: Demo, *args: str) -> str:
    res = CliRunner().invoke(app, [*args, "-c", str(views.folder / "tenbin.yaml"), "--period", MONTH],
                             env={"COLUMNS": "250", KEY_ENV: "x"}, obj=ManualClock(END), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_concentration_is_tenbin_costs_by_provider(views: Demo) -> None:
    v = views.view(PAGE, views.principal("admin"))
    assert v["period"] == MONTH
    doc = orjson.loads(cli(views, "costs", "--by", "provider", "--format", "json"))
    rows = {r["provider"]: r for r in doc["rows"] if r["provider"] != "-"}  # "-": reached no vendor
    conc = v["concentration"]
    assert {s.provider for s in conc.vendors} == set(rows) and len(rows) >= 4
    for s in conc.vendors:
        assert (s.requests, f"{s.cost_jpy:.4f}") == (rows[s.provider]["requests"], rows[s.provider]["cost_jpy"])
    assert f"{conc.cost_jpy:.4f}" == doc["total"]["cost_jpy"]  # what reached no vendor cost nothing
    total = sum(Decimal(r["cost_jpy"]) for r in rows.values())
    hhi = sum((Decimal(r["cost_jpy"]) / total * 100) ** 2 for r in rows.values())
    assert abs(conc.hhi - hhi) < Decimal("0.01")  # the CLI's figures are rounded to 1e-4 yen
    # the demo's support traffic goes to the Anthropic-like vendor: most of the spend, highly concentrated
    assert conc.vendors[0].provider == "anthropic" and conc.band == "high"


def test_exit_readiness_follows_the_demo_policy(views: Demo) -> None:
    v = views.view(PAGE, views.principal("admin"))
    ex = v["exit"]
    assert ex.requests == v["concentration"].requests and ex.cost_jpy == v["concentration"].cost_jpy
    lines = {(e.team, e.use_case, e.provider): e for e in ex.lines}
    # personal support replies: JP/JP models with short retention, of another vendor, configured
    cfg, catalog = views.rt.cfg, views.rt.catalog
    jp = sorted(m.id for m in catalog if m.region in ("JP", "on-prem") and m.jurisdiction == "JP"
                and m.retention_days <= 30 and not m.trains_on_data and m.provider in cfg.providers
                and m.provider != "anthropic" and m.kind == "chat")
    support = lines[("demo-support", "support", "anthropic")]
    assert "personal" in support.data_classes and support.alternatives == jp and support.ready
    # the confidential legal work may only run on-prem, and the only on-prem model is onprem's own
    legal = [e for e in ex.lines if "confidential" in e.data_classes]
    assert legal and all(not e.ready and e.alternatives == [] for e in legal)
    ready = sum(e.requests for e in ex.lines if e.ready)
    assert ex.ready_requests == ready < ex.requests and ex.request_share == Decimal(ready) / ex.requests
    by_vendor = {r["provider"]: r for r in v["exit_vendors"]}
    assert sum(r["requests"] for r in by_vendor.values()) == ex.requests


def test_a_viewer_sees_its_team_only_and_cannot_name_another(views: Demo) -> None:
    viewer = views.principal("viewer")
    v = views.view(PAGE, viewer)
    team = viewer.team
    assert {e.team for e in v["exit"].lines} == {team}
    rep = views.lt.run(cost_report(views.rt.store, parse_period(MONTH), ["team", "provider"],
                                  self_hosted=FinOpsConfig.from_section(views.rt.cfg.finops).self_hosted))
    mine = {ln.key[1]: (ln.requests, ln.cost_jpy) for ln in rep.lines if ln.key[0] == team and ln.key[1] != "-"}
    assert {s.provider: (s.requests, s.cost_jpy) for s in v["concentration"].vendors} == mine
    assert v["concentration"].cost_jpy < views.view(PAGE, views.principal("admin"))["concentration"].cost_jpy
    with pytest.raises(Forbidden):
        views.view(PAGE, viewer, {"team": "demo-eng"})


def _replay(views: Demo, scenario: Any, team: str | None = None) -> ReplayResult:
    """What ``tenbin simulate`` computes (cli/finops.py simulate), on the same store."""
    async def go() -> ReplayResult:
        s = views.rt.store
        shapes = await load_shapes(s, parse_period(MONTH))
        if team is not None:
            shapes = [x for x in shapes if x.team == team]
        fx, keys = await load_table(s), await load_key_models(s)
        return replay(shapes, views.rt.cfg, views.rt.catalog, fx, scenario, keys=keys)
    return views.lt.run(go())


def test_whatif_outage_is_tenbin_simulate(views: Demo) -> None:
    v = views.view(PAGE, views.principal("admin"), {"whatif": "outage", "vendor": "anthropic"})
    w = v["whatif"]
    res = _replay(views, parse_scenario([], ["anthropic"], [], None))
    assert (w["rows"], w["moved"], w["refused"], w["before"], w["after"]) == (
        res.rows, res.moved, res.refused, res.baseline_jpy, res.scenario_jpy)
    assert w["moved"] > 0 and w["after"] < w["before"]  # support replies move to the cheaper fallback
    assert [(m["from"], m["to"], m["requests"]) for m in w["moves"]] == [
        (a, b, n) for (a, b), n in res.moves.most_common(20)]
    out = cli(views, "simulate", "--outage", "anthropic")
    assert f"{w['rows']:,} requests" in out and f"{w['moved']:,} requests moved" in out
    for figure in (w["before"], w["after"], w["delta"]):
        assert f"¥{figure:,.2f}" in out  # cli/finops.py's _yen: the strings the page's money_jpy shows


def test_whatif_price_change_and_a_team_scope(views: Demo) -> None:
    viewer = views.principal("viewer")
    v = views.view(PAGE, viewer, {"whatif": "price", "vendor": "anthropic", "pct": "50"})
    w = v["whatif"]
    res = _replay(views, parse_scenario(["anthropic:+50%"], [], [], None), team=viewer.team)
    assert (w["rows"], w["before"], w["after"]) == (res.rows, res.baseline_jpy, res.scenario_jpy)
    assert w["after"] > w["before"] and w["scenario"] == res.scenario == ["price anthropic ×1.5"]
    assert {u["use_case"] for u in w["use_cases"]} <= {"support", "-"}  # demo-support's traffic only


@pytest.mark.parametrize("query, key", [
    ({"whatif": "outage", "vendor": "nobody"}, "vendors.whatif_bad"),
    ({"whatif": "explode", "vendor": "anthropic"}, "vendors.whatif_bad"),
    ({"whatif": "price", "vendor": "openai", "pct": "lots"}, "vendors.whatif_bad_pct"),
    ({"whatif": "price", "vendor": "openai", "pct": "-95"}, "vendors.whatif_bad_pct"),
    ({"whatif": "price", "vendor": "openai", "pct": "0"}, "vendors.whatif_bad_pct"),
])
def test_whatif_refuses_bad_input_without_replaying(views: Demo, query: dict[str, str], key: str) -> None:
    v = views.view(PAGE, views.principal("admin"), query)
    assert v["whatif"] == {"error_key": key}


def test_one_whatif_at_a_time(views: Demo) -> None:
    """A second replay while one runs is told to wait instead of queueing CPU-bound work."""
    async def go() -> dict[str, Any]:
        lock = views.rt.extras.setdefault(REPLAY_LOCK, asyncio.Lock())
        async with lock:  # a replay in progress
            return await PAGE.view(views.ctx(views.principal("admin"), {"whatif": "outage", "vendor": "openai"}))
    assert views.lt.run(go())["whatif"] == {"error_key": "vendors.whatif_busy"}
    assert "rows" in views.view(PAGE, views.principal("admin"), {"whatif": "outage", "vendor": "openai"})["whatif"]


def test_every_text_in_both_languages() -> None:
    ja, en = PAGE.messages["ja"], PAGE.messages["en"]
    assert set(ja) == set(en) and all(k.startswith("vendors.") for k in ja)


# ---- in the browser ---------------------------------------------------------------------------

def cells(page: Any, table: str) -> list[list[str]]:
    """The body rows of a table as the page shows them."""
    return [[c.strip() for c in row] for row in page.locator(f"#{table} tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText))")]


def _replay_on(demo: ConsoleDemo, scenario: Any, team: str | None = None) -> ReplayResult:
    async def go() -> ReplayResult:
        s = demo.runtime.store
        shapes = [x for x in await load_shapes(s, parse_period(MONTH)) if team is None or x.team == team]
        fx, keys = await load_table(s), await load_key_models(s)
        return replay(shapes, demo.config, demo.runtime.catalog, fx, scenario, keys=keys)
    return demo.run(go())  # type: ignore[no-any-return]


def test_whatif_panel_in_the_browser_shows_the_replays_numbers(
        demo: ConsoleDemo, console_url: str, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    page = browser_page
    login(page, demo.keys.admin)
    page.goto(console_url + "/lang/en?next=/console/vendors")  # the cookie: English from page to page
    # the concentration table is tenbin costs --by provider's figures, in the CLI's strings
    rep = demo.run(cost_report(demo.runtime.store, parse_period(MONTH), ["provider"],
                               self_hosted=FinOpsConfig.from_section(demo.config.finops).self_hosted))
    shown = {r[0]: (r[1], r[3]) for r in cells(page, "vendor-shares")}
    assert shown == {ln.key[0]: (f"{ln.requests:,}", f"¥{ln.cost_jpy:,.2f}") for ln in rep.lines if ln.key[0] != "-"}
    assert page.locator("#share-chart").count() == 1 and page.locator("#exit-vendors tbody tr").count() == len(shown)
    # the what-if form: an outage of the Anthropic-like vendor
    page.select_option("#whatif-kind", "outage")
    page.select_option("#whatif-vendor", "anthropic")
    page.click("#whatif-form button[type=submit]")
    page.wait_for_selector("#whatif-summary")
    res = _replay_on(demo, parse_scenario([], ["anthropic"], [], None))
    summary = {r[0]: r[1] for r in cells(page, "whatif-summary")}
    en = PAGE.messages["en"]
    assert summary[en["vendors.replayed"]] == f"{res.rows:,}" and summary[en["vendors.moved"]] == f"{res.moved:,}"
    assert summary[en["vendors.cost_before"]] == f"¥{res.baseline_jpy:,.2f}"
    assert summary[en["vendors.cost_after"]] == f"¥{res.scenario_jpy:,.2f}"
    assert summary[en["vendors.cost_delta"]] == f"¥{res.delta_jpy:,.2f}" and res.moved > 0
    moves = cells(page, "whatif-moves")
    assert [(a, b, n) for a, b, n, _ in moves] == [(a, b, f"{n:,}") for (a, b), n in res.moves.most_common(20)]
    by_use_case = {r[0]: r[2:5] for r in cells(page, "whatif-use-cases")}
    assert by_use_case == {(name or "-"): [f"¥{ln.baseline_jpy:,.2f}", f"¥{ln.scenario_jpy:,.2f}",
                                           f"¥{ln.delta_jpy:,.2f}"] for name, ln in res.use_cases.items()}
    assert "whatif=outage" in page.url and "vendor=anthropic" in page.url  # a read: the scenario is in the URL


def test_a_viewers_vendor_page_holds_its_team_only(
        demo: ConsoleDemo, console_url: str, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    page = browser_page
    login(page, demo.keys.viewer)
    page.goto(console_url + "/vendors?whatif=outage&vendor=anthropic")
    team = demo.team_of("viewer")
    assert {r[0] for r in cells(page, "exit-lines")} == {team}
    res = _replay_on(demo, parse_scenario([], ["anthropic"], [], None), team=team)
    summary = {r[0]: r[1] for r in cells(page, "whatif-summary")}
    assert summary[PAGE.messages["ja"]["vendors.replayed"]] == f"{res.rows:,}"
    resp = page.goto(console_url + "/vendors?team=demo-eng")
    assert resp is not None and resp.status == 403
