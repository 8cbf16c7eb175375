"""The console in real headless Chromium (Debian's): what a person does — log in per role, read
the navigation their role gets, switch the language, log out — with the cookie as the browser
stores it. Few and quick: one browser for the session, one context per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tenbin.console import i18n
from tenbin.console.pages import PAGES
from tenbin.console.session import COOKIE
from tests.console.conftest import VIEWPORT, ConsoleDemo, do_login

JA, EN = i18n.COMMON["ja"], i18n.COMMON["en"]


@pytest.mark.parametrize("role", ["admin", "team-admin", "viewer"])
def test_login_per_role_shows_the_pages_that_role_may_open(
        demo: ConsoleDemo, console_url: str, browser: Any, login: Callable[[Any, str], None], role: str) -> None:
    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        page = ctx.new_page()
        login(page, demo.key_for(role))
        assert page.url == console_url + "/overview"
        assert page.locator("html").get_attribute("lang") == "ja"
        nav = page.locator("nav.side a").evaluate_all("els => els.map(e => e.dataset.nav)")
        assert nav == [p.slug for p in PAGES if role in p.roles]
        assert page.locator(".who").inner_text() == JA["who.signed_in"].format(
            role=JA["role." + role], team=demo.team_of(role), key_id=demo.key_for(role).split("-", 2)[1])
        # the team picker is an admin's; the others see which team they are limited to
        assert page.locator("#scope-team").count() == (1 if role == "admin" else 0)
        if role != "admin":
            assert page.locator("[data-scope]").get_attribute("data-scope") == demo.team_of(role)
        cookie = next(c for c in ctx.cookies() if c["name"] == COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
        assert page.evaluate("document.cookie").find(COOKIE) == -1  # not readable by page scripts
        # every page the role may open renders inside the console frame
        for p in PAGES:
            if role in p.roles:
                resp = page.goto(f"{console_url}/{p.slug}")
                assert resp is not None and resp.status == 200, p.slug
                assert page.locator("body").get_attribute("data-page") == p.slug
                assert page.locator(f'nav.side a[data-nav="{p.slug}"]').get_attribute("aria-current") == "page"
    finally:
        ctx.close()


def test_a_wrong_key_is_refused_with_a_clear_message(refusals_demo: ConsoleDemo, browser_page: Any) -> None:
    do_login(browser_page, refusals_demo.console, "tb-000000000000-not-a-real-secret")
    assert browser_page.url.startswith(refusals_demo.console + "/login")
    assert browser_page.locator("[data-error]").inner_text() == JA["login.bad_key"]
    assert not [c for c in browser_page.context.cookies() if c["name"] == COOKIE]


def test_language_switch_and_logout(demo: ConsoleDemo, console_url: str, browser_page: Any,
                                    login: Callable[[Any, str], None]) -> None:
    page = browser_page
    login(page, demo.keys.viewer)
    assert page.locator('nav.side a[data-nav="overview"]').inner_text() == JA["nav.overview"]
    page.click('nav.lang a[hreflang="en"]')
    page.wait_for_load_state("domcontentloaded")
    assert page.url == console_url + "/overview"  # back where the switch was clicked
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator('nav.side a[data-nav="overview"]').inner_text() == EN["nav.overview"]
    page.locator("nav.side a").nth(1).click()  # the choice sticks from page to page
    page.wait_for_load_state("domcontentloaded")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator(".logout button").inner_text() == EN["logout"]
    page.click(".logout button")
    page.wait_for_load_state("domcontentloaded")
    assert page.url == console_url + "/login?m=logged_out"
    assert page.locator("[data-notice]").inner_text() == EN["login.logged_out"]
    page.goto(console_url + "/overview")
    assert page.url.startswith(console_url + "/login")  # the session is over
