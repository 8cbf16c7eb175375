"""The overview over demo data: spend today and this month, requests and errors are what
``tenbin costs`` prints for today and for the month; the budgets are ``tenbin budgets``' rows; the
forecast is ``tenbin forecast``'s line; latency/TTFT percentiles and where traffic was served are
recomputed here independently from the ledger rows ``GET /admin/ledger`` returns. A viewer sees
its team's figures only — in the view and in the browser."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tenbin.clock import ManualClock
from tenbin.config.loader import load_config
from tenbin.console.format import money_jpy
from tenbin.console.pages.overview import PAGE
from tenbin.demo.run import listen
from tenbin.finops.periods import TOKYO
from tenbin.gateway.runtime import build_runtime
from tenbin.routing.decision import sent_abroad
from tests.console.conftest import ConsoleDemo, http_login
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.console.money_cli import budgets_json, cli, costs_table, table
from tests.harness import LoopThread

TODAY, MONTH = END.date().isoformat(), f"{END:%Y-%m}"


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def cli_line(gov: Any, period: str, team: str | None) -> list[str]:
    """requests, errors, tokens, cost of the total (or the team's row) of ``tenbin costs``."""
    rows = costs_table(gov.folder, period, "team")
    return rows[(team or "total",)][:4]


def test_spend_requests_and_errors_are_tenbin_costs_for_today_and_the_month(gov: Demo) -> None:
    for who, team in (("admin", None), ("viewer", gov.keys.viewer_team)):
        v = gov.view(PAGE, gov.principal(who))
        today, month = v["periods"]
        assert (today["period"], month["period"]) == (TODAY, MONTH)
        for p in (today, month):
            want = cli_line(gov, p["period"], team)
            assert [f"{p['requests']:,}", f"{p['errors']:,}", money_jpy(p["cost_jpy"])] == [want[0], want[1], want[3]]
            assert p["error_rate"] == (Decimal(p["errors"]) / p["requests"] if p["requests"] else None)
        assert month["requests"] > today["requests"] > 0


def test_budgets_are_tenbin_budgets_rows_and_a_viewer_sees_only_its_teams(gov: Demo) -> None:
    cli_rows = {(r["budget"], r["subject"]): r for r in budgets_json(gov.folder)}
    v = gov.view(PAGE, gov.principal("admin"))
    assert {(b["budget"], b["subject"]) for b in v["budgets"]} == set(cli_rows)
    for b in v["budgets"]:
        want = cli_rows[(b["budget"], b["subject"])]
        for k in ("limit_jpy", "spent_jpy", "burn_pct", "state", "since", "period_key"):
            assert b[k] == want[k], (b["budget"], k)
    team = gov.keys.viewer_team
    mine = gov.view(PAGE, gov.principal("viewer"))["budgets"]
    assert mine and {b["subject"] for b in mine} == {team}
    assert {b["budget"] for b in mine} < {b["budget"] for b in v["budgets"]}


def test_the_forecast_is_tenbin_forecasts_line(gov: Demo) -> None:
    printed = {r[0]: r for r in table(cli(gov.folder, "forecast"))}
    for who, subject in (("admin", "total"), ("viewer", gov.keys.viewer_team)):
        fc = gov.view(PAGE, gov.principal(who))["forecast"]
        assert fc.subject == subject
        row = printed[subject]
        assert [money_jpy(fc.month_to_date), money_jpy(fc.forecast), str(fc.days_observed)] == row[1:4]


def ledger(gov: Demo, key: str | None = None) -> list[dict[str, Any]]:
    if key is not None:
        return list(gov.admin_get("/admin/ledger?limit=1000", key)["data"])
    return [r for team in gov.summary.teams for r in gov.admin_get(f"/admin/ledger?limit=1000&team={team}")["data"]]


def nearest_rank(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[max(0, math.ceil(q * len(s)) - 1)]


def in_period(row: dict[str, Any], label: str) -> bool:
    return dt.datetime.fromtimestamp(row["ts_start"], TOKYO).isoformat().startswith(label)


def test_latency_and_where_traffic_went_agree_with_the_ledger_rows(gov: Demo) -> None:
    for who, key in (("admin", None), ("viewer", gov.keys.viewer)):
        rows = ledger(gov, key)
        v = gov.view(PAGE, gov.principal(who))
        for p in v["periods"]:
            mine = [r for r in rows if in_period(r, p["period"])]
            assert len(mine) == p["requests"]
            ok = [r for r in mine if r["status"] == 200]
            lat = p["latency"]
            assert lat.answered == len(ok)
            assert (lat.p50_ms, lat.p95_ms) == (nearest_rank([r["latency_ms"] for r in ok], 0.5),
                                                nearest_rank([r["latency_ms"] for r in ok], 0.95))
            streamed = [r["ttft_ms"] for r in ok if r["stream"] and r["ttft_ms"] is not None]
            assert lat.streamed == len(streamed)
            assert (lat.ttft_p50_ms, lat.ttft_p95_ms) == (nearest_rank(streamed, 0.5), nearest_rank(streamed, 0.95))
            counted = {"local": 0, "japan": 0, "abroad": 0}
            for r in mine:
                if not r["served_model"]:
                    continue
                spec = gov.rt.catalog.get(r["served_model"])
                assert spec is not None
                counted["local" if spec.region == "on-prem" else "abroad" if sent_abroad(spec) else "japan"] += 1
            assert {s.place: s.requests for s in p["places"]} == counted
        month = v["periods"][1]
        assert month["latency"].p95_ms is not None and month["latency"].ttft_p95_ms is not None
    admin_month = gov.view(PAGE, gov.principal("admin"))["periods"][1]["places"]
    assert all(s.requests > 0 for s in admin_month)  # the demo sends traffic to all three places


# ---- in the browser ---------------------------------------------------------------------------
def figures(page: Any) -> dict[str, list[str]]:
    rows = page.eval_on_selector_all("#overview-figures tbody tr",
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))")
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("role", ["viewer", "admin"])
def test_the_page_shows_the_clis_figures_per_role(demo: ConsoleDemo, browser_page: Any, login: Any,
                                                  role: str) -> None:
    page = browser_page
    login(page, demo.key_for(role))
    page.goto(demo.console + "/overview?lang=en")
    team = demo.keys.viewer_team if role == "viewer" else None
    f = figures(page)
    today, month = cli_line(demo, TODAY, team), cli_line(demo, MONTH, team)
    assert f["Spend"] == [today[3], month[3]]
    assert f["Requests"] == [today[0], month[0]]
    assert f["Errors"] == [today[1], month[1]]
    assert page.inner_text("#stat-month .stat-value") == month[3]
    budgets = page.eval_on_selector_all("#overview-budgets tbody tr", "rows => rows.map(r => r.cells[1].textContent)")
    cli_subjects = [r["subject"] for r in budgets_json(demo.folder)]
    assert budgets == ([demo.keys.viewer_team] * len(budgets) if team else cli_subjects)
    assert budgets
    forecast = {r[0]: r for r in table(cli(demo.folder, "forecast"))}[team or "total"]
    shown = page.eval_on_selector_all("#overview-forecast tbody tr", "rows => rows.map(r => r.cells[1].textContent)")
    assert shown[:2] == forecast[1:3]
    if team:  # nothing of another team's anywhere on the page
        body = page.inner_text("main")
        assert not [t for t in demo.summary.teams if t != team and t in body]


def test_the_money_pages_render_on_a_gateway_with_no_traffic_yet(tmp_path: Path, lt: LoopThread) -> None:
    """A new gateway: no usage, no budgets, no forecast — the pages say so instead of failing."""
    (tmp_path / "tenbin.yaml").write_text("store: sqlite:///tenbin.db\n", encoding="utf-8")
    cfg = load_config(tmp_path / "tenbin.yaml")
    cfg = cfg.model_copy(update={"providers": {n: p for n, p in cfg.providers.items() if n != "local"}})
    rt = build_runtime(cfg, clock=ManualClock(END))

    async def go() -> dict[str, tuple[int, str]]:
        runner, url = await listen(rt)
        out = {}
        try:
            key = (await rt.keyring.create("t", "p", "admin", "a"))[0]
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                await http_login(http, url + "/console", key)
                for p in ("overview?lang=en", "costs?lang=en", "budgets?lang=en", "costs/download/csv"):
                    async with http.get(url + "/console/" + p) as r:
                        out[p.split("?")[0]] = (r.status, await r.text())
        finally:
            await runner.cleanup()
        return out

    pages = lt.run(go())
    assert {p: s for p, (s, _) in pages.items()} == dict.fromkeys(pages, 200)
    assert "No budget applies here." in pages["overview"][1]
    assert '<div class="stat-value">¥0.00</div>' in pages["overview"][1]  # tenbin forecast's total: ¥0.00
    assert "No usage in this period." in pages["costs"][1]
    assert "No budget applies here." in pages["budgets"][1]
    assert pages["costs/download/csv"][1].splitlines() == ["team,cost_jpy,fx_basis"]
