"""Console sessions over HTTP against the live demo gateway: who may log in, what the cookie is,
and what ends a session (logout, revocation, expiry) — plus CSRF and the origin check on every
POST, with nothing written when they refuse.

These use a plain aiohttp client (no browser): they forge requests a console page never sends.
"""

from __future__ import annotations

from http.cookies import SimpleCookie

import aiohttp
import pytest
from yarl import URL

from tenbin.console import i18n
from tenbin.console.pages import PAGES
from tenbin.console.session import COOKIE
from tests.console.conftest import ConsoleDemo, csrf_of, http_login

ROLES = ("admin", "team-admin", "viewer")


def session_cookie(resp: aiohttp.ClientResponse) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for h in resp.headers.getall("set-cookie", []):
        jar.load(h)
    return jar


async def ended_count(demo: ConsoleDemo) -> int:
    rows = await demo.runtime.store.query("SELECT COUNT(*) AS n FROM console_sessions_ended")
    return int(rows[0]["n"])


async def key_count(demo: ConsoleDemo) -> int:
    return len(await demo.runtime.store.list_keys(None))


@pytest.mark.parametrize("role", ROLES)
async def test_each_console_role_logs_in_with_a_strict_httponly_cookie(
        demo: ConsoleDemo, http: aiohttp.ClientSession, role: str) -> None:
    async with http.post(demo.console + "/login", data={"key": demo.key_for(role)}, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["location"] == "/console/overview"
        jar = session_cookie(r)
    c = jar[COOKIE]
    assert c["httponly"] is True and c["samesite"] == "Strict" and c["path"] == "/console"
    assert not c["secure"]  # plain http on loopback; over https the cookie is Secure
    assert demo.key_for(role) not in c.value and demo.key_for(role).split("-", 2)[2] not in c.value
    assert c.value.split(".")[0] == demo.key_for(role).split("-", 2)[1]  # names the key id, not the secret
    async with http.get(demo.console + "/overview", allow_redirects=False) as r:
        assert r.status == 200 and r.content_type == "text/html"
        body = await r.text()
    assert f'data-scope="{demo.team_of(role)}"' in body or role == "admin"
    assert i18n.COMMON["ja"]["role." + role] in body


async def test_an_app_key_is_refused_with_a_message_that_says_why(refusals_demo: ConsoleDemo,
                                                                   http: aiohttp.ClientSession) -> None:
    demo = refusals_demo
    async with http.post(demo.console + "/login", data={"key": demo.key_for("app")}, allow_redirects=False) as r:
        assert r.status == 403 and r.content_type == "text/html"
        assert COOKIE not in session_cookie(r)
        assert i18n.COMMON["ja"]["login.app_key"] in await r.text()


@pytest.mark.parametrize("key", ["tb-000000000000-wrong", "not a key", "tb-" + "x" * 600])
async def test_a_bad_key_is_refused_in_html_not_json(refusals_demo: ConsoleDemo, http: aiohttp.ClientSession,
                                                      key: str) -> None:
    demo = refusals_demo
    async with http.post(demo.console + "/login?lang=en", data={"key": key}, allow_redirects=False) as r:
        assert r.status == 401 and r.content_type == "text/html"
        assert COOKIE not in session_cookie(r)
        assert i18n.COMMON["en"]["login.bad_key"] in await r.text()


async def test_a_page_without_a_session_sends_to_login_and_back(demo: ConsoleDemo,
                                                                http: aiohttp.ClientSession) -> None:
    async with http.get(demo.console + "/costs?by=model", allow_redirects=False) as r:
        assert r.status == 303
        assert r.headers["location"] == "/console/login?next=%2Fconsole%2Fcosts%3Fby%3Dmodel"
    async with http.post(demo.console + "/login?next=%2Fconsole%2Fcosts%3Fby%3Dmodel",
                         data={"key": demo.keys.viewer}, allow_redirects=False) as r:
        assert r.headers["location"] == "/console/costs?by=model"
    async with http.post(demo.console + "/login?next=https%3A%2F%2Fevil.example%2F",
                         data={"key": demo.keys.viewer}, allow_redirects=False) as r:
        assert r.headers["location"] == "/console/overview"  # never an open redirect


async def test_logout_ends_the_session_and_a_copied_cookie_with_it(demo: ConsoleDemo,
                                                                   http: aiohttp.ClientSession) -> None:
    token = await http_login(http, demo.console, demo.keys.viewer)
    stolen = {COOKIE: http.cookie_jar.filter_cookies(URL(demo.console + "/"))[COOKIE].value}
    async with http.post(demo.console + "/logout", data={"csrf": token}, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["location"] == "/console/login?m=logged_out"
    async with aiohttp.ClientSession(cookies=stolen) as other, \
            other.get(demo.console + "/overview", allow_redirects=False) as r:
        assert r.status == 303 and r.headers["location"].startswith("/console/login?m=ended")


async def test_a_revoked_keys_session_ends_at_its_next_request(demo: ConsoleDemo,
                                                               http: aiohttp.ClientSession) -> None:
    """Revoked through the admin API (this process's key ring) and directly in the store (as
    another replica or `tenbin keys revoke` would): either way the next page view is refused."""
    for how in ("admin-api", "store"):
        key, rec = demo.run(demo.runtime.keyring.create(demo.keys.viewer_team, "demo", "viewer", f"revoke {how}"))
        http.cookie_jar.clear()
        await http_login(http, demo.console, key)
        if how == "admin-api":
            async with http.post(demo.url + f"/admin/keys/{rec.id}/revoke", json={},
                                 headers={"authorization": f"Bearer {demo.keys.admin}"}) as r:
                assert r.status == 200
        else:
            assert demo.run(demo.runtime.store.revoke_key(rec.id, demo.clock.now().timestamp()))
        async with http.get(demo.console + "/overview", allow_redirects=False) as r:
            assert r.status == 303 and r.headers["location"].startswith("/console/login?m=ended"), how


async def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(demo: ConsoleDemo,
                                                                           http: aiohttp.ClientSession) -> None:
    token = await http_login(http, demo.console, demo.keys.admin)
    before = (await ended_count(demo), await key_count(demo))
    targets = ["/logout"] + [f"/{p.slug}/{a}" for p in PAGES for a in (list(p.actions) or ["anything"])]
    for path in targets:
        for form in ({}, {"csrf": "wrong"}, {"csrf": token[:-1] + ("0" if token[-1] != "0" else "1")}):
            async with http.post(demo.console + path, data={**form, "name": "x", "team": "demo-eng"},
                                 allow_redirects=False) as r:
                assert r.status == 403 and r.content_type == "text/html", (path, form, r.status)
                assert i18n.COMMON["ja"]["error.csrf"] in await r.text()
    assert (await ended_count(demo), await key_count(demo)) == before
    async with http.get(demo.console + "/overview", allow_redirects=False) as r:
        assert r.status == 200  # still logged in: the refused logout did nothing


async def test_a_cross_origin_post_is_refused_even_with_the_token(demo: ConsoleDemo,
                                                                  http: aiohttp.ClientSession) -> None:
    token = await http_login(http, demo.console, demo.keys.admin)
    before = await ended_count(demo)
    for origin in ({"origin": "http://evil.example"}, {"origin": "null"},
                   {"referer": "http://evil.example/console/overview"}):
        async with http.post(demo.console + "/logout", data={"csrf": token}, headers=origin,
                             allow_redirects=False) as r:
            assert r.status == 403, origin
        async with http.post(demo.console + "/login", data={"key": demo.keys.admin}, headers=origin,
                             allow_redirects=False) as r:
            assert r.status == 403, origin  # a login form on another site cannot log you in either
    assert await ended_count(demo) == before
    same = {"origin": demo.url}
    async with http.post(demo.console + "/logout", data={"csrf": token}, headers=same, allow_redirects=False) as r:
        assert r.status == 303
    assert await ended_count(demo) == before + 1


@pytest.mark.parametrize("role", ROLES)
async def test_every_page_renders_for_each_role_it_allows_and_refuses_the_others(
        demo: ConsoleDemo, http: aiohttp.ClientSession, role: str) -> None:
    await http_login(http, demo.console, demo.key_for(role))
    for page in PAGES:
        for lang in ("ja", "en"):
            async with http.get(f"{demo.console}/{page.slug}?lang={lang}", allow_redirects=False) as r:
                body = await r.text()
                if role in page.roles:
                    assert r.status == 200, (page.slug, lang, body[:2000])
                    assert f'data-page="{page.slug}"' in body and f'<html lang="{lang}">' in body
                    assert r.headers["content-security-policy"].startswith("default-src 'none'")
                    assert r.headers["cache-control"] == "no-store"
                else:
                    assert r.status == 403, (page.slug, role)
        nav = f'data-nav="{page.slug}"'
        async with http.get(demo.console + "/overview", allow_redirects=False) as r:
            assert (nav in await r.text()) == (role in page.roles)


async def test_a_viewer_cannot_name_another_team_and_sees_no_team_picker(demo: ConsoleDemo,
                                                                         http: aiohttp.ClientSession) -> None:
    await http_login(http, demo.console, demo.keys.viewer)
    other = next(t for t in demo.summary.teams if t != demo.keys.viewer_team)
    async with http.get(demo.console + f"/overview?team={other}", allow_redirects=False) as r:
        assert r.status == 403 and r.content_type == "text/html"
        assert "data-page=" not in await r.text()  # the error page, none of the page's figures
    async with http.get(demo.console + "/overview", allow_redirects=False) as r:
        body = await r.text()
    assert 'id="scope-team"' not in body
    token = await csrf_of(http, demo.console + "/overview")
    before = await key_count(demo)
    for page in PAGES:
        for action in page.actions:
            async with http.post(f"{demo.console}/{page.slug}/{action}", data={"csrf": token},
                                 allow_redirects=False) as r:
                if "viewer" not in page.action_roles:
                    assert r.status == 403, (page.slug, action)
    assert await key_count(demo) == before


async def test_an_admin_narrows_to_one_team_with_the_picker(demo: ConsoleDemo, http: aiohttp.ClientSession) -> None:
    await http_login(http, demo.console, demo.keys.admin)
    team = demo.keys.viewer_team
    async with http.get(demo.console + f"/overview?team={team}", allow_redirects=False) as r:
        body = await r.text()
    assert r.status == 200 and 'id="scope-team"' in body
    assert f'<option value="{team}" selected>' in body
    assert all(f'<option value="{t}"' in body for t in demo.summary.teams)


async def test_console_failures_are_html_pages_in_the_users_language(demo: ConsoleDemo,
                                                                     http: aiohttp.ClientSession) -> None:
    await http_login(http, demo.console, demo.keys.viewer)
    for path, status in (("/nosuch", 404), ("/a/b/c/d", 404), ("/overview?team=%00", 400)):
        async with http.get(demo.console + path + ("&" if "?" in path else "?") + "lang=en",
                            allow_redirects=False) as r:
            assert r.status == status and r.content_type == "text/html", path
            assert '<html lang="en">' in await r.text()
    for raw in (b"key=tb-a-b%00c", b"k%00=x", b"key=" + b"x" * 20_000):
        async with http.post(demo.console + "/login", data=raw, allow_redirects=False,
                             headers={"content-type": "application/x-www-form-urlencoded"}) as r:
            assert r.status == 400 and r.content_type == "text/html", raw[:20]  # not stored, not echoed
    async with http.get(demo.url + "/v1/nosuch") as r:
        assert r.content_type == "application/json"  # the API keeps its JSON errors
    async with http.post(demo.url + "/admin/keys", data={"team": "x"},
                         headers={"authorization": f"Bearer {demo.keys.admin}"}) as r:
        assert r.status == 415  # only the console's forms are exempt from the JSON-only guard


async def test_the_language_cookie_and_the_query_parameter(demo: ConsoleDemo, http: aiohttp.ClientSession) -> None:
    await http_login(http, demo.console, demo.keys.viewer)
    async with http.get(demo.console + "/overview") as r:
        assert '<html lang="ja">' in await r.text()
    async with http.get(demo.console + "/lang/en?next=%2Fconsole%2Fcosts", allow_redirects=False) as r:
        assert r.status == 303 and r.headers["location"] == "/console/costs"
    async with http.get(demo.console + "/overview") as r:
        assert '<html lang="en">' in await r.text()
    async with http.get(demo.console + "/overview?lang=ja") as r:
        assert '<html lang="ja">' in await r.text()
    async with http.get(demo.console + "/lang/fr", allow_redirects=False) as r:
        assert r.status == 404


async def test_the_demo_store_carries_the_demo_banner(demo: ConsoleDemo, http: aiohttp.ClientSession) -> None:
    async with http.get(demo.console + "/login") as r:
        body = await r.text()
    assert "data-demo" in body and i18n.COMMON["ja"]["demo.banner"] in body


async def test_static_files_and_the_vendored_chart_library(demo: ConsoleDemo, http: aiohttp.ClientSession) -> None:
    async with http.get(demo.console + "/static/vendor/chart.umd.min.js") as r:
        assert r.status == 200
        assert (await r.read()).startswith(b"/*!\n * Chart.js v4.")
    for name in ("console.css", "console.js", "vendor/chart.js-LICENSE.md"):
        async with http.get(demo.console + "/static/" + name) as r:
            assert r.status == 200, name


async def test_logins_and_logouts_are_audited_and_refused_logins_recorded(refusals_demo: ConsoleDemo,
                                                                         http: aiohttp.ClientSession) -> None:
    demo = refusals_demo
    async def audit(action: str) -> list[dict[str, object]]:
        assert demo.runtime.audit is not None
        demo.run(demo.runtime.audit.flush())  # on the gateway's loop, whose writer it is
        return await demo.runtime.store.query("SELECT key_id, team, role FROM audit_log WHERE action = ?", (action,))

    key, rec = demo.run(demo.runtime.keyring.create(demo.keys.team_admin_team, "demo", "team-admin", "audited"))
    token = await http_login(http, demo.console, key)
    async with http.post(demo.console + "/logout", data={"csrf": token}, allow_redirects=False) as r:
        assert r.status == 303
    who = {"key_id": rec.id, "team": demo.keys.team_admin_team, "role": "team-admin"}
    assert who in await audit("console.login") and who in await audit("console.logout")
    refused = len(await audit("auth.refused"))
    async with http.post(demo.console + "/login", data={"key": "tb-000000000000-nope"}, allow_redirects=False) as r:
        assert r.status == 401
    assert len(await audit("auth.refused")) == refused + 1
