"""Roles and tenant isolation on the admin API, over real HTTP against a real gateway."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from tenbin.api.admin import ADMIN_ONLY_GETS, TEAM_SCOPED_GETS
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, admin_http, audit_rows, gov_config, ledger_rows, ledger_settle, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway


def chat(gw: GatewayHandle, key: str, content: str = "hi") -> openai.types.chat.ChatCompletion:
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)
    return c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": content}])


def assert_openai_error(resp: object, status: int, code: str) -> None:
    import httpx

    assert isinstance(resp, httpx.Response)
    assert resp.status_code == status, resp.text
    err = resp.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["code"] == code and err["message"]


@pytest.fixture
def keys(gw: GatewayHandle) -> dict[str, str]:
    return {
        "admin": make_key(gw, "ops", "admin"),
        "sales-admin": make_key(gw, "sales", "team-admin"),
        "sales-viewer": make_key(gw, "sales", "viewer"),
        "sales-app": make_key(gw, "sales", "app"),
        "hr-app": make_key(gw, "hr", "app"),
        "hr-viewer": make_key(gw, "hr", "viewer"),
    }


@pytest.mark.parametrize("path", TEAM_SCOPED_GETS)
@pytest.mark.parametrize("who", ["sales-admin", "sales-viewer"])
def test_cross_tenant_reads_refused(gw: GatewayHandle, keys: dict[str, str], path: str, who: str) -> None:
    with admin_http(gw, keys[who]) as h:
        assert_openai_error(h.get(path, params={"team": "hr"}), 403, "cross_tenant")
        own = h.get(path, params={"team": "sales"})
        assert own.status_code == 200, own.text
        assert own.json().get("team", "sales") == "sales"
        assert h.get(path).status_code == 200  # no team: defaults to the key's own


@pytest.mark.parametrize("path", [*TEAM_SCOPED_GETS, *ADMIN_ONLY_GETS])
def test_app_keys_cannot_use_admin_api(gw: GatewayHandle, keys: dict[str, str], path: str) -> None:
    with admin_http(gw, keys["sales-app"]) as h:
        assert_openai_error(h.get(path), 403, "insufficient_role")
    with admin_http(gw, keys["admin"]) as h:
        assert h.get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_ONLY_GETS)
def test_admin_only_endpoints(gw: GatewayHandle, keys: dict[str, str], path: str) -> None:
    for who in ("sales-admin", "sales-viewer"):
        with admin_http(gw, keys[who]) as h:
            assert_openai_error(h.get(path), 403, "insufficient_role")


def test_unauthenticated_admin_is_401(gw: GatewayHandle, keys: dict[str, str]) -> None:
    import httpx

    assert_openai_error(httpx.get(gw.url + "/admin/keys"), 401, "invalid_api_key")


def test_viewer_sees_only_own_team_rows(gw: GatewayHandle, keys: dict[str, str]) -> None:
    chat(gw, keys["sales-app"], "営業の質問")
    chat(gw, keys["hr-app"], "人事の質問")
    ledger_settle(gw)
    with admin_http(gw, keys["sales-viewer"]) as h:
        ledger = h.get("/admin/ledger").json()["data"]
        audit = h.get("/admin/audit").json()["data"]
        keys_seen = h.get("/admin/keys").json()["data"]
        costs = h.get("/admin/reports/costs").json()["data"]
    assert [r["team"] for r in ledger] == ["sales"]
    assert {r["team"] for r in audit} == {"sales"} and any(r["kind"] == "request" for r in audit)
    assert {k["team"] for k in keys_seen} == {"sales"} and all("hash" not in k for k in keys_seen)
    assert [r["team"] for r in costs] == ["sales"]
    with admin_http(gw, keys["admin"]) as h:
        assert {r["team"] for r in h.get("/admin/ledger").json()["data"]} == {"sales", "hr"}
        assert [r["team"] for r in h.get("/admin/ledger", params={"team": "hr"}).json()["data"]] == ["hr"]


def test_team_admin_manages_only_own_team_keys(gw: GatewayHandle, keys: dict[str, str]) -> None:
    with admin_http(gw, keys["sales-admin"]) as h:
        made = h.post("/admin/keys", json={"project": "crm", "role": "app", "name": "crm-bot"})
        assert made.status_code == 201, made.text
        assert made.json()["team"] == "sales" and made.json()["key"].startswith("tb-")
        assert_openai_error(h.post("/admin/keys", json={"team": "hr"}), 403, "cross_tenant")
        assert_openai_error(h.post("/admin/keys", json={"role": "admin"}), 403, "insufficient_role")
        hr_key_id = keys["hr-app"].split("-")[1]
        assert_openai_error(h.post(f"/admin/keys/{hr_key_id}/revoke"), 403, "cross_tenant")
        assert_openai_error(h.post(f"/admin/keys/{hr_key_id}/rotate"), 403, "cross_tenant")
        assert_openai_error(h.post("/admin/keys", json={"role": "root"}), 400, None)  # type: ignore[arg-type]
    with admin_http(gw, keys["sales-viewer"]) as h:
        assert_openai_error(h.post("/admin/keys", json={}), 403, "insufficient_role")
    chat(gw, keys["hr-app"])  # untouched


def test_bad_admin_input_is_a_clear_400(gw: GatewayHandle, keys: dict[str, str]) -> None:
    with admin_http(gw, keys["admin"]) as h:
        r = h.post("/admin/keys", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["message"]
        assert h.get("/admin/ledger", params={"limit": "lots"}).json()["error"]["param"] == "limit"
        bad_period = h.get("/admin/reports/costs", params={"period": "2026/11"})
        assert bad_period.json()["error"]["param"] == "period"
        assert h.post("/admin/keys/nope/revoke").status_code == 404


def test_revoke_takes_effect_at_once(gw: GatewayHandle, keys: dict[str, str]) -> None:
    chat(gw, keys["sales-app"])  # now cached in the KeyRing
    key_id = keys["sales-app"].split("-")[1]
    with admin_http(gw, keys["sales-admin"]) as h:
        r = h.post(f"/admin/keys/{key_id}/revoke")
        assert r.status_code == 200 and r.json()["revoked_at"]
    with pytest.raises(openai.AuthenticationError) as e:
        chat(gw, keys["sales-app"])
    assert e.value.code == "revoked_api_key"


def test_rotate_replaces_the_secret_at_once(gw: GatewayHandle, keys: dict[str, str]) -> None:
    chat(gw, keys["sales-app"])
    old_id = keys["sales-app"].split("-")[1]
    with admin_http(gw, keys["admin"]) as h:
        r = h.post(f"/admin/keys/{old_id}/rotate")
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["replaces"] == old_id and new["team"] == "sales" and new["role"] == "app"
    with pytest.raises(openai.AuthenticationError):
        chat(gw, keys["sales-app"])
    assert chat(gw, new["key"]).choices[0].message.content
    assert ledger_rows(gw)[-1]["key_id"] == new["id"]


def test_admin_actions_are_audited(gw: GatewayHandle, keys: dict[str, str]) -> None:
    with admin_http(gw, keys["sales-admin"]) as h:
        made = h.post("/admin/keys", json={"name": "tmp"}).json()
        h.post(f"/admin/keys/{made['id']}/rotate")
    with admin_http(gw, keys["admin"]) as h:
        h.post(f"/admin/keys/{keys['hr-app'].split('-')[1]}/revoke")
    admin = [r for r in audit_rows(gw) if r["kind"] == "admin" and r["action"] != "config.load"]
    assert [(r["action"], r["team"], r["role"]) for r in admin] == [
        ("key.create", "sales", "team-admin"), ("key.rotate", "sales", "team-admin"),
        ("key.revoke", "hr", "admin")]
    assert admin[0]["target"] == made["id"] and admin[0]["key_id"] == keys["sales-admin"].split("-")[1]
    assert made["key"].split("-", 2)[2] not in str(admin)  # never the secret (it may itself contain "-")


def test_spoofed_attribution_headers_are_ignored(gw: GatewayHandle, keys: dict[str, str]) -> None:
    spoof = {"x-tenbin-team": "hr", "x-team": "hr", "x-tenbin-project": "payroll", "x-tenbin-key-id": "x",
             "x-tenbin-role": "admin", "x-forwarded-user": "ceo"}
    c = openai.OpenAI(base_url=gw.base_url, api_key=keys["sales-app"], max_retries=0, default_headers=spoof)
    c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}],
                              extra_body={"metadata": {"team": "hr", "user": "ceo"}})
    row = ledger_rows(gw)[-1]
    sales_id = keys["sales-app"].split("-")[1]
    assert (row["team"], row["project"], row["key_id"]) == ("sales", "default", sales_id)
    entry = audit_rows(gw)[-1]
    assert (entry["team"], entry["role"]) == ("sales", "app")
    with admin_http(gw, keys["sales-app"]) as h:  # a header cannot promote an app key either
        assert_openai_error(h.get("/admin/ledger", headers=spoof), 403, "insufficient_role")


# ---- roles as documented: no key broader than the caller's; reads of the caller's team only ----

def test_team_admin_never_touches_its_teams_admin_key(gw: GatewayHandle, keys: dict[str, str]) -> None:
    sales_root = make_key(gw, "sales", "admin")  # an admin key that happens to sit in team sales
    root_id = sales_root.split("-")[1]
    with admin_http(gw, keys["sales-admin"]) as h:
        assert_openai_error(h.post(f"/admin/keys/{root_id}/revoke"), 403, "insufficient_role")
        assert_openai_error(h.post(f"/admin/keys/{root_id}/rotate"), 403, "insufficient_role")
        app_id = keys["sales-app"].split("-")[1]
        assert h.post(f"/admin/keys/{app_id}/revoke").status_code == 200  # a lower role: allowed
    with admin_http(gw, sales_root) as h:
        assert h.get("/admin/keys").status_code == 200  # still valid, not rotated away
    with admin_http(gw, keys["sales-viewer"]) as h:
        assert_openai_error(h.post(f"/admin/keys/{root_id}/revoke"), 403, "insufficient_role")


def test_a_model_restricted_team_admin_cannot_mint_a_broader_key(gw: GatewayHandle) -> None:
    narrow, _ = gw.lt.run(gw.runtime.keyring.create("sales", "crm", "team-admin", allowed_models=("jp-model",)))
    wide_app = make_key(gw, "sales", "app")
    with admin_http(gw, narrow) as h:
        r = h.post("/admin/keys", json={"models": ["gpt-4o"]})
        assert_openai_error(r, 403, "insufficient_role")
        assert r.json()["error"]["param"] == "models"
        assert_openai_error(h.post("/admin/keys", json={"models": ["jp-model", "gpt-4o"]}), 403, "insufficient_role")
        inherited = h.post("/admin/keys", json={"role": "app"})  # no models named: its own restriction
        assert inherited.status_code == 201, inherited.text
        assert inherited.json()["allowed_models"] == ["jp-model"]
        same = h.post("/admin/keys", json={"models": ["jp-model"], "role": "team-admin"})
        assert same.status_code == 201 and same.json()["allowed_models"] == ["jp-model"]
        # rotating would hand the caller the secret of a key broader than its own
        assert_openai_error(h.post(f"/admin/keys/{wide_app.split('-')[1]}/rotate"), 403, "insufficient_role")
    with pytest.raises(openai.PermissionDeniedError):
        chat(gw, inherited.json()["key"])  # gpt-4o: not for this key
    c = openai.OpenAI(base_url=gw.base_url, api_key=inherited.json()["key"], max_retries=0)
    assert c.chat.completions.create(model="jp-model", messages=[{"role": "user", "content": "hi"}]).choices


def test_viewers_see_only_their_teams_budgets_and_never_custom_terms(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    budgets = [{"name": "sales-month", "scope": "team", "match": "sales", "limit_jpy": "1000"},
               {"name": "hr-month", "scope": "team", "match": "hr", "limit_jpy": "2000"},
               {"name": "each-team", "scope": "team", "match": "*", "limit_jpy": "5000"},
               {"name": "payroll", "scope": "project", "match": "payroll", "limit_jpy": "300"},
               {"name": "company", "scope": "all", "limit_jpy": "90000"}]
    cfg = gov_config(fake_openai.url, finops={"budgets": budgets},
                     privacy={"mode": "pseudonymize", "custom_terms": ["Project Falcon"]})
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        for role in ("viewer", "team-admin"):
            with admin_http(gw, make_key(gw, "sales", role)) as h:
                seen = h.get("/admin/budgets").json()
                assert seen["team"] == "sales"
                assert [b["name"] for b in seen["budgets"]] == ["sales-month", "each-team"], role
                policies = h.get("/admin/policies").json()
                assert "custom_terms" not in policies["privacy"] and policies["privacy"]["mode"] == "pseudonymize"
                assert "Project Falcon" not in str(policies)
        with admin_http(gw, make_key(gw, "ops", "admin")) as h:
            assert [b["name"] for b in h.get("/admin/budgets").json()["budgets"]] == [b["name"] for b in budgets]
            assert h.get("/admin/policies").json()["privacy"]["custom_terms"] == ["Project Falcon"]
            narrowed = h.get("/admin/budgets", params={"team": "hr"}).json()["budgets"]
            assert [b["name"] for b in narrowed] == ["hr-month", "each-team"]
    finally:
        gw.stop()
