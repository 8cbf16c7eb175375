"""The requests page over demo data: for every filter the rows are the ones ``GET /admin/ledger``
returns with the same filter and team, in the same order; a viewer gets its own team's rows only;
no prompt text is on the page — and only with raw retention on may an admin open one request's
retained text, which writes a ``raw.read`` entry into the audit chain."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tenbin.clock import ManualClock
from tenbin.console.page import PageContext
from tenbin.console.pages.requests import LIMIT, PAGE
from tenbin.context import Principal
from tenbin.demo.run import demo_config
from tenbin.demo.traffic import _NAMES
from tenbin.errors import BadRequest
from tenbin.gateway.runtime import Runtime, build_runtime
from tenbin.governance.raw import RawVault
from tenbin.governance.roles import read_scope
from tests.console.conftest import ConsoleDemo
from tests.console.govdemo import END, Demo, close_demo, open_demo, over
from tests.harness import LoopThread

FILTERS: list[dict[str, str]] = [
    {}, {"model": "gpt-5"}, {"status": "error"}, {"status": "429"}, {"data_class": "personal"},
    {"use_case": "support"}, {"day": f"{END:%Y-%m-%d}"}, {"use_case": "support", "status": "ok", "model": "gpt-5"},
]


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def api_ids(d: Demo, q: dict[str, str], key: str | None = None) -> list[str]:
    return [r["request_id"] for r in d.admin_get(f"/admin/ledger?{urlencode({**q, 'limit': LIMIT})}", key)["data"]]


@pytest.mark.parametrize("q", FILTERS, ids=lambda q: urlencode(q) or "none")
def test_rows_are_the_admin_ledgers_for_the_same_filter(gov: Demo, q: dict[str, str]) -> None:
    v = gov.view(PAGE, gov.principal("admin"), q)
    ids = [r["request_id"] for r in v["rows"]]
    assert ids == api_ids(gov, q)
    assert ids or q.get("model") == "gpt-5"  # every other filter matches demo rows
    for r in v["rows"]:
        if "status" in q:
            assert (r["status"] == 200) == (q["status"] == "ok") if q["status"] in ("ok", "error") \
                else r["status"] == int(q["status"])
        if "use_case" in q:
            assert r["use_case"] == q["use_case"]


def test_a_viewer_gets_its_own_teams_rows_only(gov: Demo) -> None:
    viewer = gov.principal("viewer")
    v = gov.view(PAGE, viewer, {"status": "ok"})
    assert v["rows"] and {r["team"] for r in v["rows"]} == {viewer.team}
    assert [r["request_id"] for r in v["rows"]] == api_ids(gov, {"status": "ok"}, gov.keys.viewer)
    assert gov.view(PAGE, viewer, {"use_case": "code-review"})["rows"] == []  # another team's use case
    assert "code-review" not in v["choices"]["use_case"]  # not even offered as a choice
    assert not v["raw_allowed"] and v["raw"] is None


def test_a_team_admin_gets_its_own_teams_rows_only(gov: Demo) -> None:
    ta = gov.principal("team-admin")
    v = gov.view(PAGE, ta, {"use_case": "code-review"})
    assert v["rows"] and {r["team"] for r in v["rows"]} == {gov.keys.team_admin_team}
    assert [r["request_id"] for r in v["rows"]] == api_ids(gov, {"use_case": "code-review"}, gov.keys.team_admin)
    assert gov.view(PAGE, ta, {"use_case": "support"})["rows"] == []  # the viewer's team's use case


def test_a_malformed_filter_is_refused(gov: Demo) -> None:
    with pytest.raises(BadRequest):
        gov.view(PAGE, gov.principal("admin"), {"day": "yesterday"})
    with pytest.raises(BadRequest):
        gov.view(PAGE, gov.principal("admin"), {"status": "bad"})


def test_raw_text_only_with_retention_on_and_for_admins_and_every_opening_is_audited(
        gov: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a copy of the demo store with raw retention on, one request's text sealed by the real vault
    src = sqlite3.connect(gov.folder / "tenbin.db")
    dst = sqlite3.connect(tmp_path / "tenbin.db")
    src.backup(dst)
    src.close()
    dst.close()
    key = base64.b64encode(bytes(range(32))).decode()
    monkeypatch.setenv("TENBIN_TEST_RAW_KEY", key)
    cfg = demo_config(gov.folder / "tenbin.yaml")
    cfg = cfg.model_copy(update={"store": f"sqlite:///{tmp_path / 'tenbin.db'}", "governance": {
        **cfg.governance, "retain_raw": {"enabled": True, "key_env": "TENBIN_TEST_RAW_KEY"}}})
    rt = build_runtime(cfg, clock=ManualClock(END))
    assert rt.audit is not None and rt.audit.vault is not None
    gov.lt.run(rt.start())
    try:
        row = gov.lt.run(rt.store.query("SELECT request_id, team FROM usage WHERE team = ? AND status = 200 LIMIT 1",
                                        [gov.keys.viewer_team]))[0]
        sealed = rt.audit.vault.seal(row["request_id"], row["team"], b'[{"role":"user","content":"secret words"}]',
                                     "the answer", END.timestamp())
        gov.lt.run(RawVault.store_rows(rt.store, [sealed]))
        admin = gov.principal("admin")
        shown = gov.lt.run(PAGE.view(ctx_on(gov, rt, admin, {"raw": row["request_id"]})))
        assert shown["raw_allowed"] and shown["raw"]["found"]
        assert shown["raw"]["messages"] == [{"role": "user", "content": "secret words"}]
        assert shown["raw"]["answer"] == "the answer"
        reads = gov.lt.run(rt.store.query("SELECT * FROM audit_log WHERE action = 'raw.read'"))
        assert [(r["target"], r["team"], r["key_id"]) for r in reads] == [
            (row["request_id"], row["team"], admin.key_id)]
        viewer = gov.principal("viewer")  # the row's own team, but not an admin
        refused = gov.lt.run(PAGE.view(ctx_on(gov, rt, viewer, {"raw": row["request_id"]})))
        assert not refused["raw_allowed"] and refused["raw"] is None
        assert len(gov.lt.run(rt.store.query("SELECT * FROM audit_log WHERE action = 'raw.read'"))) == 1
    finally:
        gov.lt.run(rt.stop())


def ctx_on(gov: Demo, rt: Runtime, who: Principal, q: dict[str, str]) -> PageContext:
    return PageContext(rt, who, read_scope(who, None), "en", q, gov.rt_now(), "csrf")


def cells(page: Any, selector: str) -> list[list[str]]:
    return list(page.eval_on_selector_all(
        selector, "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"))


def test_in_a_browser_the_filtered_rows_are_the_ledgers_and_no_prompt_text_shows(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    api = over(demo)  # the gateway the browser reads
    login(browser_page, demo.keys.admin)
    browser_page.goto(f"{demo.console}/requests?lang=en")
    browser_page.select_option("#f-use-case", "support")
    browser_page.select_option("#f-status", "ok")
    browser_page.click("#requests-form button[type=submit]")
    browser_page.wait_for_url("**use_case=support**")
    ids = browser_page.eval_on_selector_all("#requests-rows tbody tr", "rows => rows.map(r => r.dataset.requestId)")
    assert ids == api_ids(api, {"use_case": "support", "status": "ok"})
    first = api.admin_get(f"/admin/ledger?{urlencode({'use_case': 'support', 'status': 'ok', 'limit': 1})}")["data"][0]
    row = cells(browser_page, "#requests-rows tbody tr")[0]
    assert row[1] == first["team"] and row[3] == first["served_model"]
    assert row[6] == f"{first['prompt_tokens']:,} / {first['completion_tokens']:,}"
    text = browser_page.text_content("main") or ""
    assert not any(name in text for name in _NAMES)  # the support prompts name these people: not shown
    assert browser_page.locator(".raw-open").count() == 0  # retention is off in the demo
    browser_page.context.clear_cookies()
    login(browser_page, demo.keys.viewer)
    browser_page.goto(f"{demo.console}/requests?status=ok")
    teams = {r[1] for r in cells(browser_page, "#requests-rows tbody tr")}
    assert teams == {demo.keys.viewer_team}
