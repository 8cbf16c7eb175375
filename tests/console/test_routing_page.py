"""The routing page over demo data: its figures are ``route_report``'s (the function behind
``GET /admin/reports/routing``), which in turn agree with the ledger rows ``GET /admin/ledger``
returns and with what the demo says it staged (the fallback storm, the budget downgrades); a
viewer sees only its team, and asking the "why" view for another team's request id is answered
like an id that does not exist."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import asyncpg
import orjson
import pytest

from tenbin.console.pages.routing import PAGE
from tenbin.errors import Forbidden
from tenbin.finops.periods import parse_period
from tenbin.ledger.query import LedgerFilter, ledger_rows
from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.ledger.routes import policy_rule, route_report
from tenbin.store.factory import open_store
from tests.console.conftest import ConsoleDemo
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.harness import LoopThread
from tests.scale.services import PG_BASE, new_schema, pg_url, require

WHOLE = f"{END - dt.timedelta(days=30):%Y-%m-%d}..{END:%Y-%m-%d}"  # every day of the demo


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def ledger(gov: Demo, key: str | None = None) -> list[dict[str, Any]]:
    """Every ledger row the key may read, from GET /admin/ledger (team by team: at most 1000 a call)."""
    if key is not None:
        return list(gov.admin_get("/admin/ledger?limit=1000", key)["data"])
    return [r for team in gov.summary.teams for r in gov.admin_get(f"/admin/ledger?limit=1000&team={team}")["data"]]


def test_figures_are_the_route_report_and_agree_with_the_ledger_rows(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"), {"period": WHOLE})
    rep = gov.lt.run(route_report(gov.rt.store, parse_period(WHOLE), None))
    assert v["report"].requests == rep.requests == gov.summary.requests
    assert [(ln.rule, ln.requests, ln.errors) for ln in v["rules"]] == sorted(
        ((ln.rule, ln.requests, ln.errors) for ln in rep.rules.values()), key=lambda t: (-t[1], t[0]))
    # independently of route_report: the admin API's ledger rows, counted here
    rows = ledger(gov)
    assert len(rows) == gov.summary.requests
    by_rule = Counter(policy_rule(r["route"]) if r["route"] else "(refused before routing)" for r in rows)
    assert {ln.rule: ln.requests for ln in v["rules"]} == dict(by_rule)
    assert {m["model"]: m["requests"] for m in v["models"]} == dict(Counter(r["served_model"] or "-" for r in rows))
    tiers = Counter(r["route"]["complexity"]["tier"] for r in rows
                    if r["route"] and "complexity" in r["route"])
    assert {t["tier"]: t["requests"] for t in v["tiers"]} == dict(tiers)
    # what the demo staged: the fallback storm and the support budget's downgrades
    assert rep.fallbacks == gov.summary.fallbacks > 0
    assert sum(n for _, n in v["downgrades"]) == gov.summary.downgraded > 0
    assert v["causes"] and v["causes"][0]["model"] == "claude-sonnet-4-5"
    assert sum(d["fallbacks"] for d in v["fallback_days"]) == rep.fallbacks


def test_the_default_period_is_the_tokyo_month_of_the_runtime_clock(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"))
    assert v["period"] == f"{END:%Y-%m}"
    month = gov.lt.run(route_report(gov.rt.store, parse_period(f"{END:%Y-%m}"), None))
    assert v["report"].requests == month.requests


def test_why_shows_the_stored_trace_of_a_fallback(gov: Demo) -> None:
    rows = ledger(gov)
    fb = next(r for r in rows if r["route"] and r["route"].get("failed") and r["status"] == 200)
    v = gov.view(PAGE, gov.principal("admin"), {"request_id": str(fb["request_id"])})
    why = v["why"]
    assert why["trace"] == fb["route"]  # the very trace the ledger row stores
    assert why["failed"] == fb["route"]["failed"] and why["served_model"] == fb["served_model"]
    assert why["policy_rule"] == "support-draft" and why["action"] == "mask"


def test_a_viewer_sees_its_team_only_and_cannot_explain_another_teams_request(gov: Demo) -> None:
    viewer = gov.principal("viewer")
    v = gov.view(PAGE, viewer, {"period": WHOLE})
    own = ledger(gov, gov.keys.viewer)
    assert own and {r["team"] for r in own} == {viewer.team}
    assert v["report"].requests == len(own)
    assert {ln.rule for ln in v["rules"]} <= {policy_rule(r["route"]) for r in own if r["route"]}
    other = next(r for r in ledger(gov) if r["team"] != viewer.team)
    v2 = gov.view(PAGE, viewer, {"request_id": str(other["request_id"])})
    assert v2["why"] is None and v2["not_found"]
    mine = gov.view(PAGE, viewer, {"request_id": str(own[0]["request_id"])})
    assert mine["why"] is not None and mine["why"]["team"] == viewer.team
    with pytest.raises(Forbidden):
        gov.view(PAGE, viewer, {"team": "demo-eng"})  # naming another team is refused, not ignored


def test_the_admin_api_report_is_the_same_function(gov: Demo) -> None:
    api = gov.admin_get(f"/admin/reports/routing?period={WHOLE}")
    rep = gov.lt.run(route_report(gov.rt.store, parse_period(WHOLE), None))
    assert api["requests"] == gov.summary.requests
    assert {k: v for k, v in api.items() if k not in ("object", "team", "period")} == rep.as_dict()
    viewer = gov.admin_get(f"/admin/reports/routing?period={WHOLE}", gov.keys.viewer)
    v = gov.view(PAGE, gov.principal("viewer"), {"period": WHOLE})
    assert viewer["team"] == gov.keys.viewer_team and viewer["requests"] == v["report"].requests
    assert [r["rule"] for r in viewer["rules"]] == [ln.rule for ln in v["rules"]]


def cells(page: Any, table: str) -> list[list[str]]:
    """A table's body rows as the browser shows them."""
    return list(page.eval_on_selector_all(
        f"#{table} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"))


def test_in_a_browser_the_tables_show_the_report_and_why_explains_a_fallback(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    rep = demo.run(route_report(demo.runtime.store, parse_period(WHOLE), None))
    login(browser_page, demo.keys.admin)
    browser_page.goto(f"{demo.console}/routing?period={WHOLE}&lang=en")
    want = sorted(rep.rules.values(), key=lambda ln: (-ln.requests, ln.rule))
    assert [r[:3] for r in cells(browser_page, "routing-rules")] == [
        [ln.rule, f"{ln.requests:,}", f"{ln.errors:,}"] for ln in want]
    assert {r[0]: r[4] for r in cells(browser_page, "routing-models")} == {
        ("(none served)" if m == "-" else m): f"{n:,}" for m, n in rep.models.items()}
    assert {r[0]: r[2] for r in cells(browser_page, "routing-causes")} == {
        m: f"{n:,}" for (m, _), n in rep.causes.items()}
    assert browser_page.text_content("#stat-fallbacks .stat-value") == f"{rep.fallbacks:,}"
    assert browser_page.locator("#rules-chart").get_attribute("data-chart")  # drawn from the same figures
    fb = demo.run(demo.runtime.store.query(
        "SELECT request_id FROM usage WHERE route LIKE '%\"failed\"%' AND status = 200 LIMIT 1"))[0]["request_id"]
    browser_page.fill("#why-id", fb)
    browser_page.click("#why-form button[type=submit]")
    browser_page.wait_for_selector("#why-result")
    assert cells(browser_page, "why-failed") == [["claude-sonnet-4-5", "server"]]


def test_in_a_browser_a_viewer_cannot_explain_another_teams_request(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    row = demo.run(demo.runtime.store.query("SELECT request_id, team FROM usage WHERE team <> ? LIMIT 1",
                                            [demo.keys.viewer_team]))[0]
    other = row["request_id"]
    login(browser_page, demo.keys.viewer)
    browser_page.goto(f"{demo.console}/routing?request_id={other}&period={WHOLE}")
    assert browser_page.locator("#why-not-found").is_visible()
    assert browser_page.locator("#why-result").count() == 0
    assert row["team"] not in (browser_page.text_content("main") or "")  # nothing of that team on the page
    rep = demo.run(route_report(demo.runtime.store, parse_period(WHOLE), demo.keys.viewer_team))
    assert sum(int(r[1].replace(",", "")) for r in cells(browser_page, "routing-rules")) == rep.requests


@pytest.fixture
def pg(lt: LoopThread) -> Iterator[str]:
    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    yield pg_url(schema)

    async def drop() -> None:
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()

    lt.run(drop())  # on the loop thread: a browser test's Playwright may hold this thread's loop


def test_the_same_report_and_rows_on_postgresql(gov: Demo, pg: str) -> None:
    """The report groups inside the database with per-dialect JSON paths: PostgreSQL holding the
    demo's ledger rows gives what SQLite gives, and the requests page's filters select the same rows."""
    async def go() -> None:
        rows = await gov.rt.store.query("SELECT * FROM usage")
        records = [UsageRecord(**{**{c: r[c] for c in COLUMNS}, "tokens_reported": bool(r["tokens_reported"]),
                                  "stream": bool(r["stream"]),
                                  "route": orjson.loads(r["route"]) if r["route"] else None}) for r in rows]
        s = open_store(pg)
        await s.migrate()
        try:
            await s.insert_usage(records)
            for team in (None, gov.keys.viewer_team):
                for period in (WHOLE, f"{END:%Y-%m}"):
                    want = await route_report(gov.rt.store, parse_period(period), team)
                    assert (await route_report(s, parse_period(period), team)).as_dict() == want.as_dict()
                for q in ({"status": "error"}, {"use_case": "support", "day": f"{END:%Y-%m-%d}"}, {"model": "gpt-5"}):
                    f = LedgerFilter.from_query(q)
                    assert [r["request_id"] for r in await ledger_rows(s, team, 100, f)] == [
                        r["request_id"] for r in await ledger_rows(gov.rt.store, team, 100, f)]
        finally:
            await s.close()
    gov.lt.run(go())
