"""The console under test: demo data, a live gateway serving ``/console`` over it on 127.0.0.1,
and a real headless Chromium driven by Playwright.

- ``demo``: the session's demo store (``tenbin.demo.run`` through the real gateway, at a fixed
  Tokyo time — filled once per session by ``govdemo.filled`` for the view tests too, then copied,
  so what these tests write never changes the view tests' figures), its config, keys and summary,
  and a gateway over the copy whose clock is pinned to the demo's end (``ManualClock``), so
  "today" and "this month" are the demo's.
- ``console_url``: ``http://127.0.0.1:<port>/console``.
- ``browser``: one Chromium per test module (the fixture says why not per session): Debian's
  ``/usr/bin/chromium`` (``.ci/run`` installs it; nothing is downloaded, no ``playwright
  install``). Missing it skips the browser tests on a developer's machine and fails them in CI
  (``CI=true``).
- ``login(page, key)``: the login form, filled and sent like a person would.
- ``http``: an aiohttp client (its own cookie jar) for checks a browser cannot make — forged
  POSTs, replayed cookies, status codes.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tenbin.clock import ManualClock
from tenbin.config.schema import Config
from tenbin.demo.run import MARKER, Keys, Summary, demo_config, listen
from tenbin.gateway.runtime import Runtime, build_runtime
from tests.console.govdemo import END, filled
from tests.harness import LoopThread

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1280, "height": 800}
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class ConsoleDemo:
    folder: Path
    config: Config
    keys: Keys
    summary: Summary
    runtime: Runtime
    clock: ManualClock
    url: str  # the gateway's root: http://127.0.0.1:<port>
    lt: LoopThread

    @property
    def console(self) -> str:
        return self.url + "/console"

    def key_for(self, role: str) -> str:
        return {"admin": self.keys.admin, "team-admin": self.keys.team_admin, "viewer": self.keys.viewer,
                "app": self.keys.apps[self.keys.viewer_team]}[role]

    def team_of(self, role: str) -> str:
        return {"admin": "demo-platform", "team-admin": self.keys.team_admin_team,
                "viewer": self.keys.viewer_team}[role]

    def run(self, coro: Any) -> Any:
        """Run a coroutine on the gateway's loop (store reads and writes beside the server)."""
        return self.lt.run(coro)


def _gateway_over_a_copy(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread,
                         name: str) -> Iterator[ConsoleDemo]:
    shared, keys, summary = filled(tmp_path_factory, lt)
    # A copy of its own: the console tests write to the store (refused logins are ledger rows,
    # keys and budgets get created), and the view tests over the shared folder compare its
    # figures with the demo's summary, which those writes would change.
    folder = tmp_path_factory.mktemp(name) / "demo"
    folder.mkdir()
    for f in ("tenbin.yaml", MARKER):
        shutil.copy2(shared / f, folder / f)
    src, dst = sqlite3.connect(shared / "tenbin.db"), sqlite3.connect(folder / "tenbin.db")
    try:
        src.backup(dst)  # consistent even if a view test's runtime over the shared store is writing
    finally:
        src.close()
        dst.close()
    cfg = demo_config(folder / "tenbin.yaml")
    clock = ManualClock(END)
    rt = build_runtime(cfg, clock=clock)
    runner, url = lt.run(listen(rt))  # create_app: the console is on every gateway
    yield ConsoleDemo(folder, cfg, keys, summary, rt, clock, url, lt)
    lt.run(runner.cleanup())


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[ConsoleDemo]:
    yield from _gateway_over_a_copy(tmp_path_factory, lt, "console")


@pytest.fixture(scope="session")
def refusals_demo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Iterator[ConsoleDemo]:
    """Another copy and gateway, for the tests that are refused a login: each refusal is a ledger
    row (team ``-``), which would show in the figures the page tests compare on ``demo``."""
    yield from _gateway_over_a_copy(tmp_path_factory, lt, "console-refusals")


@pytest.fixture(scope="session")
def console_url(demo: ConsoleDemo) -> str:
    return demo.console


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium per test module, not per session: Playwright's sync API keeps its event loop
    set as the thread's running loop while it is open, so every async test that ran after it in
    the same session (the rest of the suite) would fail with "cannot be called from a running
    event loop". Keep browser tests sync, in modules of their own; launching takes about a second."""
    if not os.path.exists(CHROMIUM):
        msg = f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)
        yield b
        b.close()


def do_login(page: Any, console_url: str, key: str) -> None:
    page.goto(console_url + "/login")
    page.fill("#login-key", key)
    page.click(".login-form button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


@pytest.fixture(scope="session")
def login(console_url: str) -> Callable[[Any, str], None]:
    """``login(page, key)``: log ``page``'s browser context in through the form."""
    def go(page: Any, key: str) -> None:
        do_login(page, console_url, key)
    return go


@pytest.fixture
def browser_page(browser: Any) -> Iterator[Any]:
    """A fresh context (its own cookies) at 1280x800, closed after the test."""
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    yield page
    ctx.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    # unsafe=True: keep cookies set by an IP-address host (127.0.0.1), which the default jar drops
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as s:
        yield s


async def http_login(http: aiohttp.ClientSession, console_url: str, key: str) -> str:
    """Log the client in; returns the session's CSRF token as the pages render it."""
    async with http.post(console_url + "/login", data={"key": key}, allow_redirects=False) as r:
        assert r.status == 303, (r.status, await r.text())
    return await csrf_of(http, console_url + "/overview")


async def csrf_of(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url, allow_redirects=False) as r:
        assert r.status == 200, (r.status, await r.text())
        m = _CSRF.search(await r.text())
        assert m, "the page has no CSRF field"
        return m.group(1)
