"""The sovereignty page over demo data: the matrix, the masked/unmasked figures and the APPI record
are what ``/admin/reports/processing``, ``/admin/reports/cross-border`` and ``/admin/reports/appi``
return for the same store and team (and what the demo says it staged: personal data sent abroad
masked); a viewer sees its own team's transfers only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tenbin.console.pages.sovereignty import PAGE
from tenbin.errors import BadRequest
from tests.console.conftest import ConsoleDemo
from tests.console.govdemo import END, Demo, close_demo, open_demo, over
from tests.harness import LoopThread


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def per_vendor(cross: list[dict[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """The admin API's cross-border rows (per team and vendor) summed per vendor: requests,
    personal, masked."""
    out: dict[str, tuple[int, int, int]] = {}
    for r in cross:
        a, b, c = out.get(r["provider"], (0, 0, 0))
        out[r["provider"]] = (a + r["requests"], b + r["personal"], c + r["personal_masked"])
    return out


@pytest.mark.parametrize("period", ["all", f"{END:%Y-%m}"])
def test_figures_are_the_admin_reports(gov: Demo, period: str) -> None:
    v = gov.view(PAGE, gov.principal("admin"), {"period": period})
    q = "" if period == "all" else f"?period={period}"
    processing = gov.admin_get("/admin/reports/processing" + q)["data"]
    assert [(d["provider"], d["jurisdiction"], d["region"], d["requests"]) for d in v["matrix"]] == [
        (p["provider"], p["jurisdiction"], p["region"], p["requests"]) for p in processing]
    for d, p in zip(v["matrix"], processing, strict=True):
        assert dict(zip(v["classes"], d["cells"], strict=True)) == {
            c: p["data_classes"].get(c, 0) for c in v["classes"]}
    cross = gov.admin_get("/admin/reports/cross-border" + q)["data"]
    assert {x["provider"]: (x["requests"], x["personal"], x["masked"]) for x in v["masking"]} == per_vendor(cross)
    assert {d["provider"] for d in v["matrix"] if d["abroad"]} == {r["provider"] for r in cross}
    appi = gov.admin_get("/admin/reports/appi" + q)
    assert [r.as_dict() for r in v["appi"]] == appi["data"] and v["appi_warnings"] == appi["warnings"]
    if period == "all":  # what the demo says it staged
        assert v["totals"]["masked"] == gov.summary.masked_abroad > 0


def test_a_viewer_sees_its_own_teams_transfers_only(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("viewer"), {"period": "all"})
    own = gov.admin_get("/admin/reports/cross-border", gov.keys.viewer)
    assert own["team"] == gov.keys.viewer_team
    assert {r["team"] for r in v["cross_border"]} == {gov.keys.viewer_team}
    assert v["cross_border"] == own["data"]
    everyone = gov.view(PAGE, gov.principal("admin"), {"period": "all"})
    assert v["totals"]["requests"] < everyone["totals"]["requests"]  # the other teams' transfers are not in it


def test_a_malformed_period_is_refused(gov: Demo) -> None:
    with pytest.raises(BadRequest):
        gov.view(PAGE, gov.principal("admin"), {"period": "2026-11-01"})


def cells(page: Any, selector: str) -> list[list[str]]:
    return list(page.eval_on_selector_all(
        selector, "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"))


def test_in_a_browser_the_tables_show_the_admin_reports(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    api = over(demo)  # the gateway the browser reads
    login(browser_page, demo.keys.admin)
    browser_page.goto(f"{demo.console}/sovereignty?period=all&lang=en")
    cross = api.admin_get("/admin/reports/cross-border")["data"]
    shown = {r[0]: (r[3], r[4], r[6], r[7]) for r in cells(browser_page, "#sovereignty-masking tbody tr")}
    assert shown == {p: (f"{a:,}", f"{b:,}", f"{c:,}", f"{b - c:,}") for p, (a, b, c) in per_vendor(cross).items()}
    total = cells(browser_page, "#sovereignty-masking tfoot tr")[0]
    assert total[6] == f"{demo.summary.masked_abroad:,}"
    appi = api.admin_get("/admin/reports/appi")["data"]
    rows = cells(browser_page, "#sovereignty-appi tbody tr")
    assert [(r[0], r[1], r[7], r[10]) for r in rows] == [
        (a["period"], a["provider"], f"{a['transfers']:,}", f"{a['personal_unmasked']:,}") for a in appi]
    processing = api.admin_get("/admin/reports/processing")["data"]
    assert [r[-1] for r in cells(browser_page, "#sovereignty-matrix tbody tr")] == [
        f"{p['requests']:,}" for p in processing]


def test_in_a_browser_a_viewer_sees_only_its_team(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    login(browser_page, demo.keys.viewer)
    browser_page.goto(f"{demo.console}/sovereignty?period=all")
    teams = {r[0] for r in cells(browser_page, "#sovereignty-cross-border tbody tr")}
    assert teams == {demo.keys.viewer_team}
    refused = browser_page.goto(f"{demo.console}/sovereignty?period=all&team=demo-eng")
    assert refused.status == 403  # another team named: refused, as the admin API refuses it
    assert browser_page.locator("#sovereignty-cross-border").count() == 0
