"""The routing page over demo data: its figures are ``route_report``'s (the function behind
``GET /admin/reports/routing``), which in turn agree with the ledger rows ``GET /admin/ledger``
returns and with what the demo says it staged (the fallback storm, the budget downgrades); a
viewer sees only its team, and asking the "why" view for another team's request id is answered
like an id that does not exist."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tenbin.console.pages.routing import PAGE
from tenbin.errors import Forbidden
from tenbin.finops.periods import parse_period
from tenbin.ledger.routes import policy_rule, route_report
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.harness import LoopThread

WHOLE = f"{END - dt.timedelta(days=30):%Y-%m-%d}..{END:%Y-%m-%d}"  # every day of the demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def ledger(demo: Demo, key: str | None = None) -> list[dict[str, Any]]:
    """Every ledger row the key may read, from GET /admin/ledger (team by team: at most 1000 a call)."""
    if key is not None:
        return list(demo.admin_get("/admin/ledger?limit=1000", key)["data"])
    return [r for team in demo.summary.teams for r in demo.admin_get(f"/admin/ledger?limit=1000&team={team}")["data"]]


def test_figures_are_the_route_report_and_agree_with_the_ledger_rows(demo: Demo) -> None:
    v = demo.view(PAGE, demo.principal("admin"), {"period": WHOLE})
    rep = demo.lt.run(route_report(demo.rt.store, parse_period(WHOLE), None))
    assert v["report"].requests == rep.requests == demo.summary.requests
    assert [(ln.rule, ln.requests, ln.errors) for ln in v["rules"]] == sorted(
        ((ln.rule, ln.requests, ln.errors) for ln in rep.rules.values()), key=lambda t: (-t[1], t[0]))
    # independently of route_report: the admin API's ledger rows, counted here
    rows = ledger(demo)
    assert len(rows) == demo.summary.requests
    by_rule = Counter(policy_rule(r["route"]) if r["route"] else "(refused before routing)" for r in rows)
    assert {ln.rule: ln.requests for ln in v["rules"]} == dict(by_rule)
    assert {m["model"]: m["requests"] for m in v["models"]} == dict(Counter(r["served_model"] or "-" for r in rows))
    tiers = Counter(r["route"]["complexity"]["tier"] for r in rows
                    if r["route"] and "complexity" in r["route"])
    assert {t["tier"]: t["requests"] for t in v["tiers"]} == dict(tiers)
    # what the demo staged: the fallback storm and the support budget's downgrades
    assert rep.fallbacks == demo.summary.fallbacks > 0
    assert sum(n for _, n in v["downgrades"]) == demo.summary.downgraded > 0
    assert v["causes"] and v["causes"][0]["model"] == "claude-sonnet-4-5"
    assert sum(d["fallbacks"] for d in v["fallback_days"]) == rep.fallbacks


def test_the_default_period_is_the_tokyo_month_of_the_runtime_clock(demo: Demo) -> None:
    v = demo.view(PAGE, demo.principal("admin"))
    assert v["period"] == f"{END:%Y-%m}"
    month = demo.lt.run(route_report(demo.rt.store, parse_period(f"{END:%Y-%m}"), None))
    assert v["report"].requests == month.requests


def test_why_shows_the_stored_trace_of_a_fallback(demo: Demo) -> None:
    rows = ledger(demo)
    fb = next(r for r in rows if r["route"] and r["route"].get("failed") and r["status"] == 200)
    v = demo.view(PAGE, demo.principal("admin"), {"request_id": str(fb["request_id"])})
    why = v["why"]
    assert why["trace"] == fb["route"]  # the very trace the ledger row stores
    assert why["failed"] == fb["route"]["failed"] and why["served_model"] == fb["served_model"]
    assert why["policy_rule"] == "support-draft" and why["action"] == "mask"


def test_a_viewer_sees_its_team_only_and_cannot_explain_another_teams_request(demo: Demo) -> None:
    viewer = demo.principal("viewer")
    v = demo.view(PAGE, viewer, {"period": WHOLE})
    own = ledger(demo, demo.keys.viewer)
    assert own and {r["team"] for r in own} == {viewer.team}
    assert v["report"].requests == len(own)
    assert {ln.rule for ln in v["rules"]} <= {policy_rule(r["route"]) for r in own if r["route"]}
    other = next(r for r in ledger(demo) if r["team"] != viewer.team)
    v2 = demo.view(PAGE, viewer, {"request_id": str(other["request_id"])})
    assert v2["why"] is None and v2["not_found"]
    mine = demo.view(PAGE, viewer, {"request_id": str(own[0]["request_id"])})
    assert mine["why"] is not None and mine["why"]["team"] == viewer.team
    with pytest.raises(Forbidden):
        demo.view(PAGE, viewer, {"team": "demo-eng"})  # naming another team is refused, not ignored


def test_the_admin_api_report_is_the_same_function(demo: Demo) -> None:
    api = demo.admin_get(f"/admin/reports/routing?period={WHOLE}")
    rep = demo.lt.run(route_report(demo.rt.store, parse_period(WHOLE), None))
    assert api["requests"] == demo.summary.requests
    assert {k: v for k, v in api.items() if k not in ("object", "team", "period")} == rep.as_dict()
    viewer = demo.admin_get(f"/admin/reports/routing?period={WHOLE}", demo.keys.viewer)
    v = demo.view(PAGE, demo.principal("viewer"), {"period": WHOLE})
    assert viewer["team"] == demo.keys.viewer_team and viewer["requests"] == v["report"].requests
    assert [r["rule"] for r in viewer["rules"]] == [ln.rule for ln in v["rules"]]
