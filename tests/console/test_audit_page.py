"""The audit page over demo data: the chain status and checkpoint are ``/admin/audit/verify`` and
``/admin/audit/checkpoint``'s (admins only, as there), the admin actions are the ``kind = admin``
entries ``/admin/audit`` returns for the caller's team — a key created for another team is not in
a viewer's list, one created for its own team is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tenbin.clock import ManualClock
from tenbin.console.page import PageContext
from tenbin.console.pages import audit as audit_page
from tenbin.console.pages.audit import PAGE, RECENT
from tenbin.demo.run import demo_config
from tenbin.gateway.runtime import build_runtime
from tenbin.governance.verify import verify_store
from tests.console.conftest import ConsoleDemo
from tests.console.govdemo import END, Demo, close_demo, open_demo, over
from tests.harness import LoopThread


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    for team in (d.keys.viewer_team, "demo-eng"):  # an admin action on each of two teams
        d.lt.run(create_key(d, team))
    yield d
    close_demo(d)


async def create_key(d: Demo, team: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(
            d.url + "/admin/keys", json={"team": team, "role": "viewer", "name": f"audit-page test {team}"},
            headers={"authorization": f"Bearer {d.keys.admin}"}) as r:
        assert r.status == 201, await r.text()


def admin_actions(d: Demo, key: str | None = None) -> list[dict[str, Any]]:
    """Every admin entry /admin/audit returns to ``key``, newest first (paging through the chain)."""
    out: list[dict[str, Any]] = []
    after = 0
    while True:
        page = d.admin_get(f"/admin/audit?limit=1000&after_seq={after}", key)["data"]
        if not page:
            return sorted(out, key=lambda r: -r["seq"])
        out += [r for r in page if r["kind"] == "admin"]
        after = page[-1]["seq"]


def test_an_admin_sees_the_chain_check_and_checkpoint_of_the_admin_api(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"))
    api = gov.admin_get("/admin/audit/verify")
    assert v["verify"] == {k: api[k] for k in ("ok", "checked", "head_seq", "head_hash", "purged_through", "broken")}
    assert api["ok"] and api["checked"] > gov.summary.requests  # one entry per vendor reached, plus admin entries
    cp = gov.admin_get("/admin/audit/checkpoint")
    assert v["checkpoint"] == {"seq": cp["seq"], "hash": cp["hash"]}
    want = admin_actions(gov)[:RECENT]
    assert [(a["seq"], a["action"], a["team"], a["target"]) for a in v["actions"]] == [
        (r["seq"], r["action"], r["team"], r["target"]) for r in want]
    assert {"key.create"} <= {a["action"] for a in v["actions"]}


def test_a_viewer_sees_its_teams_admin_actions_and_no_chain(gov: Demo) -> None:
    viewer = gov.principal("viewer")
    v = gov.view(PAGE, viewer)
    assert "verify" not in v and "checkpoint" not in v  # admin-only, as /admin/audit/verify
    want = admin_actions(gov, gov.keys.viewer)
    assert want and {r["team"] for r in want} == {viewer.team}
    assert [a["seq"] for a in v["actions"]] == [r["seq"] for r in want][:RECENT]
    names = {a["target"] for a in v["actions"] if a["action"] == "key.create"}
    created = {r["target"]: r for r in admin_actions(gov) if r["action"] == "key.create"}
    assert any(created[n]["team"] == viewer.team for n in names)
    assert not any(r["team"] == "demo-eng" and k in names for k, r in created.items())


def test_a_long_chain_is_verified_when_asked(gov: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_page, "AUTO_VERIFY_MAX", 10)  # the demo's chain is longer than this
    v = gov.view(PAGE, gov.principal("admin"))
    assert v["verify"] is None and v["checkpoint"]["seq"] > 10
    asked = gov.view(PAGE, gov.principal("admin"), {"verify": "1"})
    assert asked["verify"] is not None and asked["verify"]["ok"]


def test_a_tampered_chain_shows_broken_at_the_entry_verify_names(gov: Demo, tmp_path: Path) -> None:
    src = sqlite3.connect(gov.folder / "tenbin.db")
    dst = sqlite3.connect(tmp_path / "tenbin.db")
    src.backup(dst)
    src.close()
    victim = dst.execute("SELECT seq FROM audit_log WHERE kind = 'request' AND provider = 'anthropic'"
                         " ORDER BY seq LIMIT 1 OFFSET 10").fetchone()[0]
    # someone rewrites where a request's data went
    dst.execute("UPDATE audit_log SET provider = 'onprem', region = 'on-prem' WHERE seq = ?", (victim,))
    dst.commit()
    dst.close()
    cfg = demo_config(gov.folder / "tenbin.yaml")
    rt = build_runtime(cfg.model_copy(update={"store": f"sqlite:///{tmp_path / 'tenbin.db'}"}),
                       clock=ManualClock(END))
    gov.lt.run(rt.start())
    try:
        admin = gov.principal("admin")
        v = gov.lt.run(PAGE.view(PageContext(rt, admin, None, "en", {}, gov.rt_now(), "csrf")))
        res = gov.lt.run(verify_store(rt.store))
        assert not res.ok and res.broken is not None and res.broken.seq == victim
        assert v["verify"]["ok"] is False and v["verify"]["broken"] == {"seq": victim, "reason": res.broken.reason}
    finally:
        gov.lt.run(rt.stop())


def seq_hash_seq(seq: str) -> str:
    return f"{int(seq):,}"


def cells(page: Any, selector: str) -> list[list[str]]:
    return list(page.eval_on_selector_all(
        selector, "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"))


def test_in_a_browser_admins_see_the_status_and_viewers_do_not(
        demo: ConsoleDemo, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    api = over(demo)  # the gateway the browser reads
    login(browser_page, demo.keys.admin)
    browser_page.goto(f"{demo.console}/audit?lang=en")
    assert browser_page.get_attribute("#chain-status", "data-ok") == "true"
    seq, h = (browser_page.text_content("#audit-checkpoint") or "").split()
    cp = api.admin_get("/admin/audit/checkpoint")  # the head now (a login since may have moved it on)
    assert int(seq) <= cp["seq"]
    assert demo.run(demo.runtime.store.query("SELECT hash FROM audit_log WHERE seq = ?", [int(seq)]))[0]["hash"] == h
    verify = cells(browser_page, "#audit-verify tbody tr")
    assert verify[1][1] == seq_hash_seq(seq) and verify[2][1] == h  # the head verify_store reached
    shown = [int(r[0]) for r in cells(browser_page, "#audit-actions tbody tr")]
    listed = [r["seq"] for r in admin_actions(api)]
    assert shown == [s for s in listed if s <= shown[0]][:len(shown)] and len(shown) == min(RECENT, len(listed))
    browser_page.context.clear_cookies()
    login(browser_page, demo.keys.viewer)
    browser_page.goto(f"{demo.console}/audit")
    assert browser_page.locator("#chain-admins-only").is_visible()
    assert browser_page.locator("#audit-verify").count() == 0 and browser_page.locator("#audit-checkpoint").count() == 0
    teams = {r[6] for r in cells(browser_page, "#audit-actions tbody tr")}
    assert teams == {demo.keys.viewer_team}
