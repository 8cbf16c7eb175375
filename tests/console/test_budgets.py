"""The budgets page over demo data: each row is ``tenbin budgets``' row for the same store (spend,
state, since when, thresholds crossed), each burn-down day is that day's billed spend in
``tenbin costs --period <day> --format csv``; an admin creates, changes and deletes a stored
budget through the page — stored as ``tenbin budgets set`` stores it, in force at once, and audited
in the verified chain with the admin's key as the actor — while a viewer's or team admin's write is
refused on the server and a POST without the session's CSRF token writes nothing.

Writes run on a copy of the demo store (its own gateway), so the other console tests keep reading
the demo exactly as it was filled."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from tenbin.clock import ManualClock
from tenbin.console.page import PageContext
from tenbin.console.pages.budgets import PAGE, remove_budget, set_budget
from tenbin.demo.run import demo_config, listen
from tenbin.errors import BadRequest, Forbidden
from tenbin.finops.budgets.admin import budget_rule, set_entry
from tenbin.gateway.runtime import Runtime, build_runtime
from tenbin.governance.verify import verify_store
from tests.console.conftest import ConsoleDemo, csrf_of, http_login
from tests.console.govdemo import END, Demo, close_demo, open_demo
from tests.console.money_cli import budgets_json, cli, costs_csv, csv_rows
from tests.harness import LoopThread

ROW_FIELDS = ("limit_jpy", "spent_jpy", "remaining_jpy", "burn_pct", "state", "since", "period_key", "resets_at",
              "source", "action", "downgrade_to", "thresholds_crossed", "actions")


@pytest.fixture(scope="module")
def gov(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    d = open_demo(tmp_path_factory, lt)
    yield d
    close_demo(d)


def test_each_row_is_tenbin_budgets_row(gov: Demo) -> None:
    cli = {(r["budget"], r["subject"]): r for r in budgets_json(gov.folder)}
    v = gov.view(PAGE, gov.principal("admin"))
    assert {(b["budget"], b["subject"]) for b in v["budgets"]} == set(cli)
    for b in v["budgets"]:
        want = cli[(b["budget"], b["subject"])]
        assert b["reserved_jpy"] == "0.00"  # nothing in flight: the CLI's rows hold no reservations
        assert {k: b[k] for k in ROW_FIELDS} == {k: want[k] for k in ROW_FIELDS}, b["budget"]
    # the demo staged a budget that blocks: it is listed as acting, since the time the CLI says
    acting = [(b["budget"], b["state"], b["since"]) for b in v["acting"]]
    assert acting and acting == [(r["budget"], r["state"], r["since"]) for r in cli.values()
                                 if r["state"] in ("blocking", "downgrading")]


def test_each_burn_down_day_is_that_days_billed_spend_and_ends_at_the_spent_figure(gov: Demo) -> None:
    v = gov.view(PAGE, gov.principal("admin"))
    assert v["budgets"]
    checked = 0
    for b in v["budgets"]:
        days = b["burn_down"]
        assert days[-1]["day"] == END.date().isoformat()
        last = days[-1]["cumulative_jpy"]
        assert last.quantize(Decimal("0.01")) == Decimal(b["spent_jpy"])  # settled spend of this period
        if b["period"] == "month":
            assert sum((d["spent_jpy"] for d in days), Decimal(0)) == last
        for d in (days[0], days[-1]):  # against the CLI's CSV of that day (vendor_jpy, 4 places)
            rows = {r["team"]: r for r in csv_rows(costs_csv(gov.folder, d["day"], "team"))}
            want = Decimal(rows[b["subject"]]["vendor_jpy"]) if b["subject"] in rows else Decimal(0)
            assert d["spent_jpy"].quantize(Decimal("0.0001")) == want
            checked += 1
    assert checked >= 4


def test_a_viewer_and_a_team_admin_see_their_teams_budgets_and_no_form(gov: Demo) -> None:
    every = {b["budget"] for b in gov.view(PAGE, gov.principal("admin"))["budgets"]}
    for role in ("viewer", "team-admin"):
        who = gov.principal(role)
        v = gov.view(PAGE, who)
        assert v["budgets"] and {b["subject"] for b in v["budgets"]} == {who.team}
        assert {b["budget"] for b in v["budgets"]} < every
        assert not v["can_edit"] and v["stored"] == [] and v["models"] == []


# ---- writes, on a copy of the demo store ------------------------------------------------------
@dataclass
class Copy:
    folder: Path
    rt: Runtime
    url: str
    runner: Any
    lt: LoopThread

    def run(self, coro: Any) -> Any:
        return self.lt.run(coro)

    def stored(self) -> list[dict[str, Any]]:
        rows = self.run(self.rt.store.query("SELECT rule FROM budgets ORDER BY name"))
        return [orjson.loads(r["rule"]) for r in rows]

    def audit(self, action: str) -> list[dict[str, Any]]:
        return list(self.run(self.rt.store.query(
            "SELECT key_id, team, role, target, detail FROM audit_log WHERE kind = 'admin' AND action = ?"
            " ORDER BY seq", (action,))))


@pytest.fixture(scope="module")
def copy(gov: Demo, tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Copy]:
    folder = tmp_path_factory.mktemp("budget-writes")
    for name in ("tenbin.yaml", "DEMO-DATA.txt"):
        shutil.copy(gov.folder / name, folder / name)
    src, dst = sqlite3.connect(gov.folder / "tenbin.db"), sqlite3.connect(folder / "tenbin.db")
    with dst:
        src.backup(dst)  # a consistent copy while the demo's gateways hold the original open
    src.close()
    dst.close()
    rt = build_runtime(demo_config(folder / "tenbin.yaml"), clock=ManualClock(END))
    runner, url = lt.run(listen(rt))
    yield Copy(folder, rt, url, runner, lt)
    lt.run(runner.cleanup())


def form(**kw: str) -> dict[str, str]:
    base = {"name": "console-test", "scope": "team", "match": "demo-legal", "period": "month", "limit_jpy": "5",
            "action": "downgrade", "downgrade_to": "onprem/qwen3-32b", "thresholds": "50,90", "webhook": ""}
    return {**base, **kw}


def test_an_admin_creates_changes_and_deletes_a_budget_audited_and_in_force_at_once(gov: Demo, copy: Copy) -> None:
    admin = gov.principal("admin")

    def ctx(who: Any = admin, query: dict[str, str] | None = None) -> PageContext:
        return dataclasses.replace(gov.ctx(who, query), rt=copy.rt)  # the copy's runtime, not the demo's

    flash = copy.run(set_budget(ctx(), form()))
    assert flash.ok and "console-test" in flash.message
    assert copy.stored() == [{"name": "console-test", "scope": "team", "match": "demo-legal", "period": "month",
                              "limit_jpy": "5", "action": "downgrade", "downgrade_to": "onprem/qwen3-32b",
                              "thresholds": [50, 90], "webhook": None}]
    assert copy.rt.finops is not None and "console-test" in {r.name for r in copy.rt.finops.rules}  # in force now
    cli = {r["budget"]: r for r in budgets_json(copy.folder)}  # tenbin budgets reads it as it reads its own
    assert cli["console-test"]["source"] == "store" and cli["console-test"]["subject"] == "demo-legal"
    row = next(b for b in copy.run(PAGE.view(ctx()))["budgets"] if b["budget"] == "console-test")
    assert row["spent_jpy"] == cli["console-test"]["spent_jpy"]
    entries = copy.audit("budget.set")
    assert [(e["key_id"], e["role"], e["target"], e["team"]) for e in entries] == [
        (admin.key_id, "admin", "console-test", "demo-legal")]
    assert orjson.loads(entries[0]["detail"])["limit_jpy"] == "5"
    # change it: the same row, the new limit, a second audit entry
    copy.run(set_budget(ctx(), form(limit_jpy="7.5", action="block", downgrade_to="")))
    assert [(r["limit_jpy"], r["action"]) for r in copy.stored()] == [("7.5", "block")]
    assert len(copy.audit("budget.set")) == 2
    edit = copy.run(PAGE.view(ctx(admin, {"edit": "console-test"})))
    assert edit["editing"] and edit["form"]["limit_jpy"] == "7.5"
    # delete it
    copy.run(remove_budget(ctx(), {"name": "console-test"}))
    assert copy.stored() == [] and "console-test" not in {r.name for r in copy.rt.finops.rules}
    assert [e["target"] for e in copy.audit("budget.rm")] == ["console-test"]
    assert copy.run(verify_store(copy.rt.store)).ok  # the entries are chained like every other


def test_a_console_write_is_stored_and_audited_as_tenbin_budgets_set_writes_it(gov: Demo, copy: Copy) -> None:
    """The same fields through the page and through the CLI: the same stored rule and the same audit
    entry, but the name and the actor (the admin's key; the CLI's local operator)."""
    admin = gov.principal("admin")
    copy.run(set_budget(dataclasses.replace(gov.ctx(admin), rt=copy.rt), form(name="via-console")))
    cli(copy.folder, "budgets", "set", "via-cli", "--limit", "5", "--scope", "team", "--match", "demo-legal",
        "--period", "month", "--action", "downgrade", "--downgrade-to", "onprem/qwen3-32b", "--thresholds", "50,90")
    rules = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in copy.stored()}
    assert rules["via-console"] == rules["via-cli"]
    entries = {e["target"]: e for e in copy.audit("budget.set")}
    console_e, cli_e = entries["via-console"], entries["via-cli"]
    assert (console_e["key_id"], cli_e["key_id"]) == (admin.key_id, "cli")
    assert console_e["team"] == cli_e["team"] == "demo-legal"
    detail = [{k: v for k, v in orjson.loads(e["detail"]).items() if k not in ("name", "actor_team")}
              for e in (console_e, cli_e)]  # actor_team: the writer's note of who acted
    assert detail[0] == detail[1]
    copy.run(remove_budget(dataclasses.replace(gov.ctx(admin), rt=copy.rt), {"name": "via-console"}))
    cli(copy.folder, "budgets", "rm", "via-cli")
    assert copy.stored() == []
    rm = [(e["target"], e["key_id"]) for e in copy.audit("budget.rm")][-2:]
    assert rm == [("via-console", admin.key_id), ("via-cli", "cli")]


def test_invalid_and_config_budgets_and_non_admins_write_nothing(gov: Demo, copy: Copy) -> None:
    def ctx(role: str) -> PageContext:
        return dataclasses.replace(gov.ctx(gov.principal(role)), rt=copy.rt)

    before = (copy.stored(), len(copy.audit("budget.set")), len(copy.audit("budget.rm")))
    for bad, match in ((form(limit_jpy="-1"), "limit_jpy"), (form(downgrade_to=""), "downgrade"),
                       (form(downgrade_to="no-such-model"), "unknown model"),
                       (form(name="demo-eng-monthly"), "config file"), (form(thresholds="fifty"), "budget")):
        with pytest.raises(BadRequest, match=match):
            copy.run(set_budget(ctx("admin"), bad))
    with pytest.raises(BadRequest, match="config file"):
        copy.run(remove_budget(ctx("admin"), {"name": "demo-eng-monthly"}))
    for role in ("viewer", "team-admin"):
        with pytest.raises(Forbidden):
            copy.run(set_budget(ctx(role), form()))
        with pytest.raises(Forbidden):
            copy.run(remove_budget(ctx(role), {"name": "console-test"}))
    assert (copy.stored(), len(copy.audit("budget.set")), len(copy.audit("budget.rm"))) == before


async def _post(http: aiohttp.ClientSession, url: str, data: dict[str, str],
                headers: dict[str, str] | None = None) -> int:
    async with http.post(url, data=data, headers=headers or {}, allow_redirects=False) as r:
        await r.read()
        return r.status


def test_over_http_only_an_admins_post_with_the_sessions_csrf_token_writes(copy: Copy) -> None:
    console = copy.url + "/console"
    keys = _keys(copy)

    async def go() -> dict[str, Any]:
        out: dict[str, Any] = {}
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            token = await http_login(http, console, keys["viewer"])
            out["viewer"] = await _post(http, console + "/budgets/set", {**form(name="by-viewer"), "csrf": token})
            async with http.get(console + "/budgets") as r:
                out["viewer_form"] = "budget-form" in await r.text()
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            token = await http_login(http, console, keys["team-admin"])
            out["team-admin"] = await _post(http, console + "/budgets/set", {**form(name="by-team-admin"),
                                                                              "csrf": token})
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            token = await http_login(http, console, keys["admin"])
            out["no_csrf"] = await _post(http, console + "/budgets/set", form(name="no-csrf"))
            out["bad_csrf"] = await _post(http, console + "/budgets/set",
                                          {**form(name="bad-csrf"), "csrf": "x" + token})
            out["cross_site"] = await _post(http, console + "/budgets/set", {**form(name="cross-site"), "csrf": token},
                                            {"origin": "https://evil.example"})
            out["written_before"] = await copy.rt.store.query("SELECT name FROM budgets")
            out["admin"] = await _post(http, console + "/budgets/set", {**form(name="by-admin"), "csrf": token})
            token = await csrf_of(http, console + "/budgets")
            out["rm"] = await _post(http, console + "/budgets/remove", {"name": "by-admin", "csrf": token})
        return out

    before = len(copy.audit("budget.set"))
    out = copy.run(go())
    assert (out["viewer"], out["team-admin"], out["no_csrf"], out["bad_csrf"], out["cross_site"]) == (403,) * 5
    assert not out["viewer_form"] and out["written_before"] == []
    assert (out["admin"], out["rm"]) == (303, 303)
    assert len(copy.audit("budget.set")) == before + 1 and copy.stored() == []


def _keys(copy: Copy) -> dict[str, str]:
    """Fresh keys on the copy (its key table is the demo's, but the plaintexts are the session's)."""
    async def go() -> dict[str, str]:
        kr = copy.rt.keyring
        return {"admin": (await kr.create("demo-platform", "demo-admin", "admin", "copy admin"))[0],
                "team-admin": (await kr.create("demo-eng", "demo-eng", "team-admin", "copy team admin"))[0],
                "viewer": (await kr.create("demo-support", "demo-support", "viewer", "copy viewer"))[0]}
    return dict(copy.run(go()))


# ---- in the browser ---------------------------------------------------------------------------
def test_in_the_browser_an_admin_creates_a_budget_and_a_viewer_has_no_form(copy: Copy, demo: ConsoleDemo,
                                                                         browser_page: Any, login: Any) -> None:
    page = browser_page
    console = copy.url + "/console"
    keys = _keys(copy)
    page.goto(console + "/login")
    page.fill("#login-key", keys["admin"])
    page.click(".login-form button[type=submit]")
    page.goto(console + "/budgets?lang=en")
    page.fill("#b-name", "from-the-browser")
    page.select_option("#b-scope", "team")
    page.fill("#b-match", "demo-web")
    page.fill("#b-limit", "3")
    page.select_option("#b-action", "alert")
    page.click("#budget-form button[type=submit]")
    page.wait_for_selector("[data-flash=ok]")
    assert "from-the-browser" in page.inner_text("[data-flash=ok]")
    assert page.locator('#budgets-stored tr[data-stored="from-the-browser"]').count() == 1
    status = page.eval_on_selector_all("#budgets-status tbody tr", "rows => rows.map(r => r.cells[0].textContent)")
    assert "from-the-browser" in status
    assert [r["name"] for r in copy.stored()] == ["from-the-browser"]
    cli = {r["budget"]: r for r in budgets_json(copy.folder)}
    row = page.eval_on_selector(
        "#budgets-status tbody tr:has(td:text-is('from-the-browser'))",
        "r => [...r.cells].map(c => c.textContent.trim())")
    assert row[1:5] == ["demo-web", cli["from-the-browser"]["period_key"], "¥3.00",
                        f"¥{Decimal(cli['from-the-browser']['spent_jpy']):,.2f}"]
    page.on("dialog", lambda d: d.accept())
    page.click('#budgets-stored tr[data-stored="from-the-browser"] button')
    page.wait_for_selector("[data-flash=ok]")
    assert copy.stored() == []
    # the demo's own gateway, as its viewer: the budgets of its team, and no form to write with
    page.context.clear_cookies()
    login(page, demo.keys.viewer)
    page.goto(demo.console + "/budgets")
    assert page.locator("#budget-form").count() == 0 and page.locator("#edit").count() == 0
    subjects = page.eval_on_selector_all("#budgets-status tbody tr", "rows => rows.map(r => r.cells[1].textContent)")
    assert subjects and set(subjects) == {demo.keys.viewer_team}


def test_the_fields_are_read_as_tenbin_budgets_set_reads_its_options() -> None:
    r = budget_rule({"name": " b ", "limit_jpy": "10"})  # everything else left out: the CLI's defaults
    assert (r.name, r.scope, r.match, r.period, r.action, r.thresholds) == ("b", "team", "*", "month", "block",
                                                                            (50, 80, 100))
    assert budget_rule({"name": "b", "limit_jpy": "10", "thresholds": ""}).thresholds == ()  # --thresholds ""
    with pytest.raises(ValueError, match="match"):
        budget_rule({"name": "b", "limit_jpy": "10", "match": " "})
    with pytest.raises(ValueError, match="thresholds"):
        budget_rule({"name": "b", "limit_jpy": "10", "thresholds": "50,eighty"})
    with pytest.raises(ValueError, match="downgrade_to"):
        budget_rule({"name": "b", "limit_jpy": "10", "action": "downgrade"})
    assert set_entry(r) == {"action": "budget.set", "target": "b", "team": None, "detail": r.model_dump(mode="json")}
    assert set_entry(budget_rule({"name": "b", "limit_jpy": "1", "match": "t1"}))["team"] == "t1"
