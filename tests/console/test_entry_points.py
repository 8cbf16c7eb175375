"""``/`` and ``/ui`` send a browser to the console (they were 404s, and they are what people type)."""

from __future__ import annotations

import aiohttp
import pytest

from tests.console.conftest import ConsoleDemo

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("path", ["/", "/ui"])
async def test_root_and_ui_redirect_to_the_console(demo: ConsoleDemo, http: aiohttp.ClientSession,
                                                   path: str) -> None:
    base = demo.console.removesuffix("/console")
    async with http.get(base + path, allow_redirects=False) as r:
        assert r.status == 303 and r.headers["location"] == "/console"
    async with http.get(base + path) as r:  # followed: no session yet, so the login page in Japanese
        assert r.status == 200 and r.url.path == "/console/login"
        assert "ログイン" in await r.text()
