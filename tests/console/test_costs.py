"""The costs page over demo data: every figure is the one ``tenbin costs`` prints for the same
store — the breakdown in each grouping, each day of the over-time chart (``--period <day>``), the
unit economics and ROI per use case — and the downloads are ``tenbin costs --format csv`` and
``tenbin export focus`` byte for byte (a team's view: that team's rows of them). A viewer sees its
own team's rows only, in the view, in the page the browser shows, and in the files."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tenbin.console.figures import daily_reports
from tenbin.console.format import money_jpy
from tenbin.console.pages.costs import GROUPS, PAGE, download_csv, download_focus
from tenbin.finops.periods import parse_period
from tenbin.finops.reports.costs import Line
from tests.console.conftest import ConsoleDemo, http_login
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.console.money_cli import costs_csv, costs_table, csv_rows, focus_csv
from tests.harness import LoopThread

MONTH = f"{END:%Y-%m}"


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def printed(ln: Line) -> list[str]:
    """A report line's cells as ``tenbin costs`` prints them (requests … cost, then ¥/request, ¥/1k)."""
    return [f"{ln.requests:,}", f"{ln.errors:,}", f"{ln.tokens:,}", money_jpy(ln.cost_jpy),
            money_jpy(ln.per_request, 4), money_jpy(ln.per_1k_tokens, 4)]


def cli_cells(row: list[str]) -> list[str]:
    """The same cells of a CLI row: requests, errors, tokens, cost, ¥/request, ¥/1k — dropping the
    self-hosted column the CLI adds when any line has some (6 cells, 7 with it; +4 with ROI)."""
    local = len(row) in (7, 11)
    return row[:4] + row[5:7] if local else row[:6]


def test_the_breakdown_is_tenbin_costs_in_every_grouping(gov: Demo) -> None:
    for by in GROUPS:
        v = gov.view(PAGE, gov.principal("admin"), {"by": by})
        assert v["period"] == MONTH and v["report"].dims == [by]
        cli = costs_table(gov.folder, MONTH, by)
        assert {ln.key for ln in v["report"].lines} | {("total",)} == set(cli), by
        for ln in v["report"].lines:
            assert printed(ln) == cli_cells(cli[ln.key]), (by, ln.key)
        assert printed(v["total"]) == cli_cells(cli[("total",)])
    assert v["total"].requests > 0  # the demo's month is not empty: the comparison compared something


def test_a_viewer_gets_its_teams_rows_of_tenbin_costs_and_nothing_of_another_team(gov: Demo) -> None:
    team = gov.keys.viewer_team
    cli = costs_table(gov.folder, MONTH, "team,model")
    mine = {k[1:]: cells for k, cells in cli.items() if k[0] == team}
    others = {k[0] for k in cli if k[0] not in (team, "total")}
    assert mine and others
    v = gov.view(PAGE, gov.principal("viewer"), {"by": "model"})
    assert {ln.key for ln in v["report"].lines} == set(mine)
    for ln in v["report"].lines:
        assert printed(ln) == cli_cells(mine[ln.key]), ln.key
    assert printed(v["total"])[:4] == costs_table(gov.folder, MONTH, "team")[(team,)][:4]
    by_team = gov.view(PAGE, gov.principal("viewer"), {"by": "team"})
    assert [ln.key for ln in by_team["report"].lines] == [(team,)]
    assert printed(by_team["report"].lines[0]) == cli_cells(costs_table(gov.folder, MONTH, "team")[(team,)])
    assert not {s["key"] for s in by_team["series"]} & others


def test_each_day_is_tenbin_costs_for_that_day_and_the_days_add_up_to_the_month(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"), {"by": "model"})
    assert v["days"][-1] == END.date().isoformat()  # up to today, not the month's future days
    for i in (0, len(v["days"]) - 1):
        cli = costs_table(gov.folder, v["days"][i], "model")
        for s in v["series"]:
            shown = s["values"][i]
            if shown is None:
                assert (s["key"],) not in cli
            else:
                assert money_jpy(shown) == cli[(s["key"],)][3]
        assert money_jpy(v["day_totals"][i]) == cli[("total",)][3]
    assert sum(v["day_totals"], Decimal(0)) == v["total"].cost_jpy  # exact: the same nano-yen summed
    for s in v["series"]:
        month = next(ln for ln in v["report"].lines if ln.key == (s["key"],))
        assert sum((x for x in s["values"] if x is not None), Decimal(0)) == month.cost_jpy


def test_unit_economics_and_roi_per_use_case_are_the_clis(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"))
    cli = costs_table(gov.folder, MONTH, "use-case")
    assert v["has_roi"]
    for ln in v["use_cases"].lines:
        row = cli[ln.key]
        assert [f"{ln.requests:,}", money_jpy(ln.cost_jpy)] == [row[0], row[3]]
        if ln.outcome is not None:  # outcome, ¥/outcome, value ¥, ROI
            roi = "-" if ln.roi is None else f"{ln.roi:.1f}×"
            assert [ln.outcome, money_jpy(ln.per_outcome), money_jpy(ln.value_jpy, 0), roi] == row[-4:]
    assert any(ln.roi is not None for ln in v["use_cases"].lines)


def test_the_downloads_are_the_clis_files(gov: Demo, tmp_path: Path) -> None:
    admin = gov.ctx(gov.principal("admin"), {"by": "model"})
    csv_file = gov.lt.run(download_csv(admin))
    # the same bytes but the line ends: csv writes \r\n, which CliRunner's captured stdout reads as \n
    assert csv_file.body.decode().replace("\r\n", "\n") == costs_csv(gov.folder, MONTH, "model")
    focus = gov.lt.run(download_focus(admin))
    assert focus.body.decode() == focus_csv(gov.folder, MONTH, tmp_path / "focus.csv")
    # a viewer: its team's rows of the same files, and the team column names whose rows they are
    team = gov.keys.viewer_team
    viewer = gov.ctx(gov.principal("viewer"), {"by": "model"})
    mine = csv_rows(gov.lt.run(download_csv(viewer)).body.decode())
    expected = [r for r in csv_rows(costs_csv(gov.folder, MONTH, "team,model")) if r["team"] == team]
    assert mine and [_filled(r) for r in mine] == [_filled(r) for r in expected]
    rows = csv_rows(gov.lt.run(download_focus(viewer)).body.decode())
    every = csv_rows(focus.body.decode())
    assert rows == [r for r in every if r["SubAccountId"] == team] and len(rows) < len(every)


def _filled(row: dict[str, str]) -> dict[str, str]:
    """A CSV row without its empty cells: a team's file lacks the currency columns no row of it has."""
    return {k: v for k, v in row.items() if v != ""}


def test_a_long_period_and_a_bad_one(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"), {"period": f"{END.year - 1}-01-01..{END:%Y-%m-%d}", "by": "team"})
    assert v["daily_capped"] and len(v["days"]) == 62
    days = gov.lt.run(daily_reports(gov.rt, parse_period(MONTH), ["team"], None, END.date()))
    assert len(days) == END.day
    from tenbin.errors import BadRequest

    with pytest.raises(BadRequest, match="period"):
        gov.view(PAGE, gov.principal("admin"), {"period": "last month"})
    with pytest.raises(BadRequest, match="by must be"):
        gov.view(PAGE, gov.principal("admin"), {"by": "colour"})


# ---- in the browser ---------------------------------------------------------------------------
def cells(page: Any, table_id: str) -> list[list[str]]:
    return [[c.strip() for c in r] for r in page.eval_on_selector_all(
        f"#{table_id} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")]


def test_the_page_in_the_browser_shows_the_clis_figures_per_role(demo: ConsoleDemo, browser_page: Any,
                                                                 login: Any) -> None:
    page = browser_page
    login(page, demo.keys.viewer)
    page.goto(demo.console + "/costs?by=model")
    team = demo.keys.viewer_team
    cli = {k[1:]: v for k, v in costs_table(demo.folder, MONTH, "team,model").items() if k[0] == team}
    shown = cells(page, "costs-breakdown")
    assert {tuple(r[:1]) for r in shown} == set(cli)
    for r in shown:  # team, requests, errors, tokens, cost, [self-hosted], ¥/request, ¥/1k
        assert r[1:5] + r[-2:] == cli_cells(cli[(r[0],)]), r
    # "-" is the team of requests refused before a key was read: a dash is on every page
    others = [k[0] for k in costs_table(demo.folder, MONTH, "team") if k[0] not in (team, "total", "-")]
    page.goto(demo.console + "/costs?by=team")
    body = page.inner_text("main")
    assert team in body and not [o for o in others if o in body]
    # the admin narrows to another team with ?team= and sees that team's figures
    page.context.clear_cookies()
    login(page, demo.keys.admin)
    other = others[0]
    page.goto(demo.console + f"/costs?by=team&team={other}")
    row = cells(page, "costs-breakdown")[0]
    assert row[0] == other and row[4] == costs_table(demo.folder, MONTH, "team")[(other,)][3]
    assert page.get_attribute("#download-csv", "href").endswith(f"&team={other}")


def test_downloads_over_http_keep_to_the_callers_team(demo: ConsoleDemo) -> None:
    async def go() -> tuple[int, str, int]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await http_login(http, demo.console, demo.keys.viewer)
            async with http.get(demo.console + "/costs/download/csv?by=team") as r:
                status, text = r.status, await r.text()
                assert r.headers["content-disposition"].startswith("attachment;")
            other = next(t for t in demo.summary.teams if t != demo.keys.viewer_team)
            async with http.get(demo.console + f"/costs/download/focus?team={other}") as r:
                refused = r.status
            return status, text, refused

    status, text, refused = demo.run(go())  # on the gateway's loop thread, as the conftest's checks do
    assert status == 200 and refused == 403
    rows = csv_rows(text)
    assert [r["team"] for r in rows] == [demo.keys.viewer_team]
    cli = [r for r in csv_rows(costs_csv(demo.folder, MONTH, "team")) if r["team"] == demo.keys.viewer_team]
    assert rows == cli
