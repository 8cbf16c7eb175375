"""The keys page over demo data: the list is ``GET /admin/keys``'s for each role; its create, revoke
and rotate actions are KeyAdmin's, so a team-admin's new key works on ``/v1/models`` at once and is
audited like an admin API change, and what governance/roles.py refuses (another team, an admin key,
a viewer) is refused with nothing written. These tests call the page's view and actions directly,
on a copy of the session's demo store (they write); the browser tests go through the forms."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
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
from tests.console.govdemo import END, Demo, close_demo, filled
from tests.harness import LoopThread


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[Demo]:
    src, keys, summary = filled(tmp_path_factory, lt)
    folder = tmp_path_factory.mktemp("keys-demo") / "demo"
    shutil.copytree(src, folder)  # its own store: these tests create and revoke keys
    rt = build_runtime(demo_config(folder / "tenbin.yaml"), clock=ManualClock(END))
    runner, url = lt.run(listen(rt))
    d = Demo(folder, keys, summary, rt, url, lt, runner)
    yield d
    close_demo(d)


def act(demo: Demo, action: str, who: Principal, form: dict[str, str]) -> Flash:
    return demo.lt.run(PAGE.actions[action](demo.ctx(who), form))


def models_status(demo: Demo, key: str) -> int:
    async def go() -> int:
        async with aiohttp.ClientSession() as http, http.get(
                demo.url + "/v1/models", headers={"authorization": f"Bearer {key}"}) as r:
            return r.status
    return demo.lt.run(go())


def written(demo: Demo) -> tuple[int, int]:
    """(keys, audit entries) in the store: what a refused action must leave unchanged."""
    async def go() -> tuple[int, int]:
        if demo.rt.audit is not None:
            await demo.rt.audit.flush()
        audit = await demo.rt.store.query("SELECT count(*) AS n FROM audit_log WHERE kind = 'admin'", ())
        return len(await demo.rt.store.list_keys(None)), int(audit[0]["n"])
    return demo.lt.run(go())


def audited(demo: Demo, action: str, target: str) -> list[dict[str, Any]]:
    return demo.lt.run(demo.rt.store.query(
        "SELECT * FROM audit_log WHERE kind = 'admin' AND action = ? AND target = ?", (action, target)))


def record_of(demo: Demo, secret: str) -> KeyRecord:
    async def go() -> KeyRecord:
        rec = await demo.rt.store.get_key((await demo.rt.keyring.authenticate(secret)).key_id)
        assert rec is not None
        return rec
    return demo.lt.run(go())


def new_key(demo: Demo, team: str, role: str = "app") -> tuple[str, str]:
    plaintext, rec = demo.lt.run(demo.rt.keyring.create(team, "demo", role, f"test {role}"))
    return plaintext, rec.id


def test_the_list_is_the_admin_apis_for_each_role(demo: Demo) -> None:
    for role, key in (("admin", demo.keys.admin), ("team-admin", demo.keys.team_admin), ("viewer", demo.keys.viewer)):
        who = demo.principal(role)
        v = demo.view(PAGE, who)
        api = demo.admin_get("/admin/keys", key)["data"]
        assert [k["id"] for k in v["keys"]] and {k["id"] for k in v["keys"]} == {k["id"] for k in api}
        assert not any({"key", "hash", "salt"} & set(k) for k in v["keys"])  # never a secret
        if role != "admin":
            assert {k["team"] for k in v["keys"]} == {who.team}
        assert v["can_manage"] is (role != "viewer") and v["roles"] == creatable_roles(role)
    assert creatable_roles("team-admin") == ["team-admin", "viewer", "app"] and creatable_roles("viewer") == []
    # an admin's page lists every team's keys; narrowing by ?team= shows that team's
    sales = demo.view(PAGE, demo.principal("admin"), {"team": "demo-sales"})["keys"]
    assert {k["team"] for k in sales} == {"demo-sales"}


def test_a_team_admin_creates_a_key_in_its_team_shown_once_that_works(demo: Demo) -> None:
    ta = demo.principal("team-admin")
    before = written(demo)
    flash = act(demo, "create", ta, {"project": "demo-bot", "role": "app", "name": "bot", "team": ""})
    assert flash.ok and flash.message == "keys.created" and flash.secret and flash.secret.startswith("tb-")
    assert models_status(demo, flash.secret) == 200
    rec = record_of(demo, flash.secret)
    assert (rec.team, rec.project, rec.role, rec.name) == (ta.team, "demo-bot", "app", "bot")
    assert written(demo) == (before[0] + 1, before[1] + 1)
    entry = audited(demo, "key.create", rec.id)
    assert len(entry) == 1 and entry[0]["key_id"] == ta.key_id and entry[0]["team"] == ta.team
    # the view lists the key but never its secret again
    v = demo.view(PAGE, ta)
    assert rec.id in {k["id"] for k in v["keys"]} and flash.secret not in repr(v)


@pytest.mark.parametrize("role, form, error", [
    ("team-admin", {"team": "demo-sales", "project": "x"}, "cross_tenant"),
    ("team-admin", {"role": "admin", "project": "x"}, "insufficient_role"),
    ("viewer", {"project": "x"}, "insufficient_role"),
    ("viewer", {"role": "viewer", "project": "x"}, "insufficient_role"),
])
def test_what_the_roles_refuse_writes_nothing(demo: Demo, role: str, form: dict[str, str], error: str) -> None:
    before = written(demo)
    with pytest.raises(Forbidden) as e:
        act(demo, "create", demo.principal(role), form)
    assert e.value.code == error
    assert written(demo) == before


def test_revoke_and_rotate_within_the_team(demo: Demo) -> None:
    ta = demo.principal("team-admin")
    secret, key_id = new_key(demo, ta.team)
    assert models_status(demo, secret) == 200
    flash = act(demo, "rotate", ta, {"key_id": key_id})
    assert flash.secret and flash.secret != secret and flash.message == "keys.rotated"
    assert models_status(demo, secret) == 401 and models_status(demo, flash.secret) == 200
    new = record_of(demo, flash.secret)
    assert audited(demo, "key.rotate", new.id)
    done = act(demo, "revoke", ta, {"key_id": new.id})
    assert done.ok and done.secret is None and done.message == "keys.revoked"
    assert models_status(demo, flash.secret) == 401 and audited(demo, "key.revoke", new.id)
    with pytest.raises(BadRequest):  # already revoked
        act(demo, "revoke", ta, {"key_id": new.id})
    with pytest.raises(NotFound):
        act(demo, "revoke", ta, {"key_id": "nosuchkey"})


def test_a_team_admin_cannot_touch_broader_keys_or_other_teams(demo: Demo) -> None:
    ta = demo.principal("team-admin")
    _, admin_here = new_key(demo, ta.team, "admin")  # an admin key in the team-admin's own team
    other_secret, other = new_key(demo, "demo-sales")
    v = {k["id"]: k for k in demo.view(PAGE, ta)["keys"]}
    assert v[admin_here]["manageable"] is False and other not in v  # no buttons; not even listed
    before = written(demo)
    for action in ("revoke", "rotate"):
        for key_id in (admin_here, other):
            with pytest.raises(Forbidden):
                act(demo, action, ta, {"key_id": key_id})
        with pytest.raises(Forbidden):
            act(demo, action, demo.principal("viewer"), {"key_id": other})
    assert written(demo) == before and models_status(demo, other_secret) == 200


def test_every_text_in_both_languages() -> None:
    ja, en = PAGE.messages["ja"], PAGE.messages["en"]
    assert set(ja) == set(en) and all(k.startswith("keys.") for k in ja)
