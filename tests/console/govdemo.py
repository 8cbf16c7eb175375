"""A demo store and a runtime over it for the routing, sovereignty, audit and requests page tests,
which call the pages' views directly (and the admin API over HTTP) before any browser is involved.

The demo is filled once per test session (``tenbin.demo.run`` at a fixed Tokyo time, through the
real gateway) and shared by the four test modules; each module opens its own runtime over the
folder, on the session's loop thread, with a clock pinned to the demo's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tenbin.clock import ManualClock
from tenbin.console.page import Page, PageContext
from tenbin.context import Principal
from tenbin.demo.run import Keys, Summary, demo_config, listen, run
from tenbin.demo.traffic import TOKYO
from tenbin.gateway.runtime import Runtime, build_runtime
from tenbin.governance.roles import read_scope
from tests.harness import LoopThread

END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=TOKYO)  # a Friday evening; the demo's three weeks end here
_FILLED: dict[str, tuple[Path, Keys, Summary]] = {}


def filled(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> tuple[Path, Keys, Summary]:
    """The session's demo folder, filled on first use."""
    if "demo" not in _FILLED:
        folder = tmp_path_factory.mktemp("gov-demo") / "demo"
        _, keys, summary = lt.run(run(folder, end=END, serve=False, say=lambda _: None), timeout=300)
        _FILLED["demo"] = (folder, keys, summary)
    return _FILLED["demo"]


@dataclass
class Demo:
    folder: Path
    keys: Keys
    summary: Summary
    rt: Runtime
    url: str  # the gateway (admin API) over the same store
    lt: LoopThread
    runner: Any

    def principal(self, role: str, team: str | None = None) -> Principal:
        teams = {"admin": "demo-platform", "team-admin": self.keys.team_admin_team, "viewer": self.keys.viewer_team}
        return Principal(f"key_{role}", team or teams[role], "demo", role)

    def ctx(self, who: Principal, query: Mapping[str, str] | None = None) -> PageContext:
        """What the console's handler builds: the scope through the admin API's read_scope."""
        q = dict(query or {})
        return PageContext(self.rt, who, read_scope(who, q.get("team")), "en", q, self.rt_now(), "csrf")

    def rt_now(self) -> dt.datetime:
        return END.astimezone(dt.UTC)

    def view(self, page: Page, who: Principal, query: Mapping[str, str] | None = None) -> dict[str, Any]:
        return self.lt.run(page.view(self.ctx(who, query)))

    def admin_get(self, path: str, key: str | None = None) -> Any:
        """A GET on the admin API of the gateway over the same store (the admin key by default)."""
        async def go() -> Any:
            async with aiohttp.ClientSession() as http, http.get(
                    self.url + path, headers={"authorization": f"Bearer {key or self.keys.admin}"}) as r:
                assert r.status == 200, (r.status, await r.text())
                return await r.json()
        return self.lt.run(go())


def open_demo(tmp_path_factory: pytest.TempPathFactory, lt: LoopThread) -> Demo:
    folder, keys, summary = filled(tmp_path_factory, lt)
    rt = build_runtime(demo_config(folder / "tenbin.yaml"), clock=ManualClock(END))
    runner, url = lt.run(listen(rt))  # starts the runtime (and its audit writer) with the app
    return Demo(folder, keys, summary, rt, url, lt, runner)


def close_demo(d: Demo) -> None:
    d.lt.run(d.runner.cleanup())


def over(console: Any) -> Demo:
    """The same helpers over the console tests' gateway (conftest's ``demo``: a copy of this
    store, with its own audit chain once it is written to), for browser tests that compare a page
    with the admin API of the gateway that served it."""
    return Demo(console.folder, console.keys, console.summary, console.runtime, console.url, console.lt, None)
