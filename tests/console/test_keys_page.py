"""The keys page over demo data: the list is ``GET /admin/keys``'s for each role; its create, revoke
and rotate actions are KeyAdmin's, so a team-admin's new key works on ``/v1/models`` at once and is
audited like an admin API change, and what governance/roles.py refuses (another team, an admin key,
a viewer) is refused with nothing written. These tests call the page's view and actions directly,
on a copy of the session's demo store (they write); the browser tests go through the forms."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import pytest

from tenbin.clock import ManualClock
from tenbin.console.page import Flash
from tenbin.console.pages.keys import PAGE, creatable_roles
from tenbin.context import Principal
from tenbin.demo.run import demo_config, listen
from tenbin.errors import BadRequest, Forbidden, NotFound
from tenbin.gateway.runtime import build_runtime
from tenbin.store.base import KeyRecord
from tests.console.conftest import ConsoleDemo, http_login
from tests.console.govdemo import END, Demo, close_demo, filled
from tests.harness import LoopThread


@pytest.fixture(scope="module")
def keysdemo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    src, keys, summary = filled(tmp_path_factory, lt)
    folder = tmp_path_factory.mktemp("keys-demo") / "demo"
    shutil.copytree(src, folder)  # its own store: these tests create and revoke keys
    rt = build_runtime(demo_config(folder / "tenbin.yaml"), clock=ManualClock(END))
    runner, url = lt.run(listen(rt))
    d = Demo(folder, keys, summary, rt, url, lt, runner)
    yield d
    close_demo(d)


def act(keysdemo: Demo, action: str, who: Principal, form: dict[str, str]) -> Flash:
    async def go() -> Flash:
        return await PAGE.actions[action](keysdemo.ctx(who), form)
    return keysdemo.lt.run(go())


def models_status(keysdemo: Demo, key: str) -> int:
    async def go() -> int:
        async with aiohttp.ClientSession() as http, http.get(
                keysdemo.url + "/v1/models", headers={"authorization": f"Bearer {key}"}) as r:
            return r.status
    return keysdemo.lt.run(go())


def written(keysdemo: Demo) -> tuple[int, int]:
    """(keys, audit entries) in the store: what a refused action must leave unchanged."""
    async def go() -> tuple[int, int]:
        if keysdemo.rt.audit is not None:
            await keysdemo.rt.audit.flush()
        audit = await keysdemo.rt.store.query("SELECT count(*) AS n FROM audit_log WHERE kind = 'admin'", ())
        return len(await keysdemo.rt.store.list_keys(None)), int(audit[0]["n"])
    return keysdemo.lt.run(go())


def audited(keysdemo: Demo, action: str, target: str) -> list[dict[str, Any]]:
    return keysdemo.lt.run(keysdemo.rt.store.query(
        "SELECT * FROM audit_log WHERE kind = 'admin' AND action = ? AND target = ?", (action, target)))


def record_of(keysdemo: Demo, secret: str) -> KeyRecord:
    async def go() -> KeyRecord:
        rec = await keysdemo.rt.store.get_key((await keysdemo.rt.keyring.authenticate(secret)).key_id)
        assert rec is not None
        return rec
    return keysdemo.lt.run(go())


def new_key(keysdemo: Demo, team: str, role: str = "app") -> tuple[str, str]:
    plaintext, rec = keysdemo.lt.run(keysdemo.rt.keyring.create(team, "demo", role, f"test {role}"))
    return plaintext, rec.id


def test_the_list_is_the_admin_apis_for_each_role(keysdemo: Demo) -> None:
    ks = keysdemo.keys
    for role, key in (("admin", ks.admin), ("team-admin", ks.team_admin), ("viewer", ks.viewer)):
        who = keysdemo.principal(role)
        v = keysdemo.view(PAGE, who)
        api = keysdemo.admin_get("/admin/keys", key)["data"]
        assert [k["id"] for k in v["keys"]] and {k["id"] for k in v["keys"]} == {k["id"] for k in api}
        assert not any({"key", "hash", "salt"} & set(k) for k in v["keys"])  # never a secret
        if role != "admin":
            assert {k["team"] for k in v["keys"]} == {who.team}
        assert v["can_manage"] is (role != "viewer") and v["roles"] == creatable_roles(role)
    assert creatable_roles("team-admin") == ["team-admin", "viewer", "app"] and creatable_roles("viewer") == []
    # an admin's page lists every team's keys; narrowing by ?team= shows that team's
    sales = keysdemo.view(PAGE, keysdemo.principal("admin"), {"team": "demo-sales"})["keys"]
    assert {k["team"] for k in sales} == {"demo-sales"}


def test_a_team_admin_creates_a_key_in_its_team_shown_once_that_works(keysdemo: Demo) -> None:
    ta = keysdemo.principal("team-admin")
    before = written(keysdemo)
    flash = act(keysdemo, "create", ta, {"project": "demo-bot", "role": "app", "name": "bot", "team": ""})
    assert flash.ok and flash.message == "keys.created" and flash.secret and flash.secret.startswith("tb-")
    assert models_status(keysdemo, flash.secret) == 200
    rec = record_of(keysdemo, flash.secret)
    assert (rec.team, rec.project, rec.role, rec.name) == (ta.team, "demo-bot", "app", "bot")
    assert written(keysdemo) == (before[0] + 1, before[1] + 1)
    entry = audited(keysdemo, "key.create", rec.id)
    assert len(entry) == 1 and entry[0]["key_id"] == ta.key_id and entry[0]["team"] == ta.team
    # the view lists the key but never its secret again
    v = keysdemo.view(PAGE, ta)
    assert rec.id in {k["id"] for k in v["keys"]} and flash.secret not in repr(v)


@pytest.mark.parametrize("role, form, error", [
    ("team-admin", {"team": "demo-sales", "project": "x"}, "cross_tenant"),
    ("team-admin", {"role": "admin", "project": "x"}, "insufficient_role"),
    ("viewer", {"project": "x"}, "insufficient_role"),
    ("viewer", {"role": "viewer", "project": "x"}, "insufficient_role"),
])
def test_what_the_roles_refuse_writes_nothing(keysdemo: Demo, role: str, form: dict[str, str], error: str) -> None:
    before = written(keysdemo)
    with pytest.raises(Forbidden) as e:
        act(keysdemo, "create", keysdemo.principal(role), form)
    assert e.value.code == error
    assert written(keysdemo) == before


def test_revoke_and_rotate_within_the_team(keysdemo: Demo) -> None:
    ta = keysdemo.principal("team-admin")
    secret, key_id = new_key(keysdemo, ta.team)
    assert models_status(keysdemo, secret) == 200
    flash = act(keysdemo, "rotate", ta, {"key_id": key_id})
    assert flash.secret and flash.secret != secret and flash.message == "keys.rotated"
    assert models_status(keysdemo, secret) == 401 and models_status(keysdemo, flash.secret) == 200
    new = record_of(keysdemo, flash.secret)
    assert audited(keysdemo, "key.rotate", new.id)
    done = act(keysdemo, "revoke", ta, {"key_id": new.id})
    assert done.ok and done.secret is None and done.message == "keys.revoked"
    assert models_status(keysdemo, flash.secret) == 401 and audited(keysdemo, "key.revoke", new.id)
    with pytest.raises(BadRequest):  # already revoked
        act(keysdemo, "revoke", ta, {"key_id": new.id})
    with pytest.raises(NotFound):
        act(keysdemo, "revoke", ta, {"key_id": "nosuchkey"})


def test_a_team_admin_cannot_touch_broader_keys_or_other_teams(keysdemo: Demo) -> None:
    ta = keysdemo.principal("team-admin")
    _, admin_here = new_key(keysdemo, ta.team, "admin")  # an admin key in the team-admin's own team
    other_secret, other = new_key(keysdemo, "demo-sales")
    v = {k["id"]: k for k in keysdemo.view(PAGE, ta)["keys"]}
    assert v[admin_here]["manageable"] is False and other not in v  # no buttons; not even listed
    before = written(keysdemo)
    for action in ("revoke", "rotate"):
        for key_id in (admin_here, other):
            with pytest.raises(Forbidden):
                act(keysdemo, action, ta, {"key_id": key_id})
        with pytest.raises(Forbidden):
            act(keysdemo, action, keysdemo.principal("viewer"), {"key_id": other})
    assert written(keysdemo) == before and models_status(keysdemo, other_secret) == 200


def test_every_text_in_both_languages() -> None:
    ja, en = PAGE.messages["ja"], PAGE.messages["en"]
    assert set(ja) == set(en) and all(k.startswith("keys.") for k in ja)


# ---- in the browser and over HTTP, against the session's console -------------------------------

def _store_counts(demo: ConsoleDemo) -> tuple[int, int]:
    async def go() -> tuple[int, int]:
        if demo.runtime.audit is not None:
            await demo.runtime.audit.flush()
        audit = await demo.runtime.store.query("SELECT count(*) AS n FROM audit_log WHERE kind = 'admin'"
                                               " AND action LIKE 'key.%'", ())
        return len(await demo.runtime.store.list_keys(None)), int(audit[0]["n"])
    return demo.run(go())  # type: ignore[no-any-return]


def test_a_team_admin_creates_a_key_in_the_browser_shown_once(
        demo: ConsoleDemo, console_url: str, browser_page: Any, login: Callable[[Any, str], None]) -> None:
    page = browser_page
    login(page, demo.keys.team_admin)
    page.goto(console_url + "/keys")
    team = demo.team_of("team-admin")
    assert page.locator("[data-team-fixed]").inner_text() == team  # no team to choose
    roles = page.locator("#key-role option").evaluate_all("os => os.map(o => o.value)")
    assert roles == ["team-admin", "viewer", "app"]  # never admin
    page.fill("#key-project", "demo-browser")
    page.fill("#key-name", "made in the browser")
    page.click("#create-form button[type=submit]")
    page.wait_for_selector("[data-secret]")
    secret = page.locator("[data-secret]").inner_text().strip()
    assert secret.startswith("tb-") and page.locator("[data-flash=ok]").count() == 1
    assert not any(secret in c["value"] for c in page.context.cookies())  # not in the session, not anywhere

    async def v1_models() -> int:
        async with aiohttp.ClientSession() as http, http.get(
                demo.url + "/v1/models", headers={"authorization": f"Bearer {secret}"}) as r:
            return r.status
    assert demo.run(v1_models()) == 200
    key_id = secret.split("-")[1]
    row = page.locator(f'tr[data-key-id="{key_id}"]')
    assert row.count() == 1 and team in row.inner_text() and "demo-browser" in row.inner_text()
    page.goto(console_url + "/keys")  # shown once: the next view of the page has no secret
    assert page.locator("[data-secret]").count() == 0 and secret not in page.content()
    # and revoking it through its button ends it
    page.locator(f'tr[data-key-id="{key_id}"] [data-action=revoke]').click()
    page.wait_for_selector("[data-flash=ok]")
    assert page.locator(f'tr[data-key-id="{key_id}"]').get_attribute("data-state") == "revoked"
    assert demo.run(v1_models()) == 401


def posts(demo: ConsoleDemo, key: str, requests: list[tuple[str, dict[str, str], bool]]) -> list[tuple[int, str]]:
    """Log in over HTTP with ``key`` and POST each (path, form, with the session's CSRF token?);
    the (status, body) of each. Sync, on the gateway's loop thread: a Playwright browser owns this
    thread's event loop for the session."""
    async def go() -> list[tuple[int, str]]:
        out = []
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            token = await http_login(http, demo.console, key)
            for path, form, with_token in requests:
                data = {**form, "csrf": token} if with_token else form
                async with http.post(demo.console + path, data=data, allow_redirects=False) as r:
                    out.append((r.status, await r.text()))
        return out
    return demo.run(go())  # type: ignore[no-any-return]


def page_as(demo: ConsoleDemo, key: str, path: str) -> tuple[int, str]:
    async def go() -> tuple[int, str]:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            await http_login(http, demo.console, key)
            async with http.get(demo.console + path) as r:
                return r.status, await r.text()
    return demo.run(go())  # type: ignore[no-any-return]


@pytest.mark.parametrize("form", [{"team": "demo-sales", "project": "x"}, {"role": "admin", "project": "x"}])
def test_a_team_admins_forged_create_is_refused_server_side(demo: ConsoleDemo, form: dict[str, str]) -> None:
    before = _store_counts(demo)
    [(status, body)] = posts(demo, demo.keys.team_admin, [("/keys/create", form, True)])
    assert status == 403 and "data-secret" not in body
    assert _store_counts(demo) == before


def test_a_viewer_sees_no_forms_and_a_forged_post_is_refused(demo: ConsoleDemo) -> None:
    status, body = page_as(demo, demo.keys.viewer, "/keys")
    assert status == 200 and 'id="read-only"' in body
    assert 'id="create-form"' not in body and "data-action=" not in body and "/console/keys/" not in body
    target = next(k for k in demo.run(demo.runtime.store.list_keys(demo.team_of("viewer"))) if k.role == "app")
    before = _store_counts(demo)
    done = posts(demo, demo.keys.viewer, [("/keys/create", {"project": "x"}, True),
                                          ("/keys/revoke", {"key_id": target.id}, True),
                                          ("/keys/rotate", {"key_id": target.id}, True)])
    assert [s for s, _ in done] == [403, 403, 403]
    assert _store_counts(demo) == before


def test_a_revoke_without_the_csrf_token_writes_nothing(demo: ConsoleDemo) -> None:
    _, rec = demo.run(demo.runtime.keyring.create(demo.team_of("viewer"), "demo", "app", "csrf target"))
    before = _store_counts(demo)
    done = posts(demo, demo.keys.admin, [("/keys/revoke", {"key_id": rec.id}, False),
                                         ("/keys/revoke", {"key_id": rec.id, "csrf": "forged"}, False)])
    assert [s for s, _ in done] == [403, 403]
    assert _store_counts(demo) == before
    stored = demo.run(demo.runtime.store.get_key(rec.id))
    assert stored is not None and stored.revoked_at is None
    # the same form with the session's token goes through: the token was what refused it
    assert [s for s, _ in posts(demo, demo.keys.admin, [("/keys/revoke", {"key_id": rec.id}, True)])] == [303]
    stored = demo.run(demo.runtime.store.get_key(rec.id))
    assert stored is not None and stored.revoked_at is not None
