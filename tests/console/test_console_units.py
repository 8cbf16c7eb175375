"""The console's pieces on their own: texts in both languages, the CLI's number strings, sessions
over a real SQLite store with a pinned clock (expiry, forgery, two worker processes sharing one
secret), the demo marker, redirects, and the package data that must ship in the wheel."""

from __future__ import annotations

import asyncio
import fnmatch
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tenbin.auth.keys import KeyRing
from tenbin.cli.costs import _money
from tenbin.clock import ManualClock
from tenbin.console import format as fmt
from tenbin.console import i18n
from tenbin.console.app import DEMO_MARKER, RESERVED_SLUGS, is_demo, safe_next
from tenbin.console.pages import PAGES
from tenbin.console.session import COOKIE, ConsoleSecret, Sessions
from tenbin.demo.run import MARKER
from tenbin.errors import Forbidden, Unauthorized
from tenbin.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "src" / "tenbin" / "console"
_T_CALL = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_.\-]+)["']\s*[,)]""")  # t("key") / t("key", x=…)


def test_common_texts_exist_in_both_languages() -> None:
    assert set(i18n.COMMON["ja"]) == set(i18n.COMMON["en"])
    assert all(v.strip() for lang in i18n.LANGS for v in i18n.COMMON[lang].values())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.slug)
def test_each_pages_texts_exist_in_both_languages_under_its_slug(page: Any) -> None:
    ja, en = dict(page.messages.get("ja", {})), dict(page.messages.get("en", {}))
    assert set(ja) == set(en), set(ja) ^ set(en)
    assert all(k.startswith(page.slug + ".") for k in ja), [k for k in ja if not k.startswith(page.slug + ".")]
    assert page.slug not in RESERVED_SLUGS


def test_every_literal_text_key_a_template_uses_exists_in_both_languages() -> None:
    known = {lang: set(i18n.COMMON[lang]).union(*(p.messages.get(lang, {}) for p in PAGES)) for lang in i18n.LANGS}
    missing = []
    for tpl in sorted((CONSOLE / "templates").glob("*.html")):
        for key in _T_CALL.findall(tpl.read_text(encoding="utf-8")):
            missing += [(tpl.name, key, lang) for lang in i18n.LANGS if key not in known[lang]]
    assert not missing
    for p in PAGES:
        assert all(p.title in known[lang] for lang in i18n.LANGS), p.slug


def test_translator_fills_values_and_shows_a_missing_key_as_itself() -> None:
    t = i18n.Translator("en")
    assert t("team.yours", team="demo-eng") == "Showing team demo-eng's data only"
    assert t("no.such.key") == "no.such.key"
    assert i18n.Translator("fr").lang == "ja"  # anything unknown is the default


@pytest.mark.parametrize("v", [Decimal("1234.565"), Decimal("1234.575"), Decimal("0"), Decimal("-12.5"),
                               Decimal("1000000.004999"), Decimal("0.005")])
def test_money_is_the_cli_string(v: Decimal) -> None:
    assert fmt.money_jpy(v) == _money(v)
    assert fmt.money_jpy(v, 0) == _money(v, 0)
    assert fmt.money_jpy(None) == _money(None) == "-"


def test_percent_and_number_formats() -> None:
    assert fmt.pct(Decimal("0.1234")) == "12.3%" and fmt.pct(0.5, 0) == "50%" and fmt.pct(None) == "-"
    assert fmt.number(1234567) == "1,234,567" and fmt.number("x") == "x" and fmt.number(None) == "-"
    assert fmt.is_number("¥1,234.00") and fmt.is_number("12.3%") and fmt.is_number(3)
    assert not fmt.is_number("demo-eng") and not fmt.is_number(True)


def test_the_demo_marker_is_the_demos_and_marks_only_a_demo_folder(tmp_path: Path) -> None:
    from tenbin.config.loader import build_config

    assert DEMO_MARKER == MARKER
    cfg = build_config({"store": f"sqlite:///{tmp_path / 'tenbin.db'}"})
    assert not is_demo(cfg)
    (tmp_path / MARKER).write_text("demo", encoding="utf-8")
    assert is_demo(cfg)


@pytest.mark.parametrize(("value", "expected"), [
    ("/console/costs?by=model", "/console/costs?by=model"), (None, "/console/overview"),
    ("https://evil.example/", "/console/overview"), ("//evil.example/console/x", "/console/overview"),
    ("/console/\\evil", "/console/overview"), ("/consolex", "/console/overview"),
    ("/console/login?next=/console/login", "/console/overview"), ("/console/a\nb", "/console/overview"),
    ("/console/../v1/models", "/console/overview")])
def test_after_login_only_a_console_path_is_a_destination(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


class FakeRequest:
    """What Sessions.current reads from a request: its cookies."""

    def __init__(self, cookie: str | None) -> None:
        self.cookies = {COOKIE: cookie} if cookie is not None else {}


async def _store(path: Path) -> SQLiteStore:
    s = SQLiteStore(str(path))
    await s.migrate()
    return s


async def test_sessions_expire_and_cannot_be_forged(tmp_path: Path) -> None:
    clock = ManualClock("2026-11-20T09:00:00Z")
    store = await _store(tmp_path / "t.db")
    try:
        ring = KeyRing(store, clock=clock)
        sessions = Sessions(ring, ConsoleSecret(store, clock), clock, ttl_s=3600)
        viewer, _ = await ring.create("demo-eng", "p", "viewer")
        app_key, _ = await ring.create("demo-eng", "p", "app")
        token, s = await sessions.login(viewer)
        assert s.principal.role == "viewer" and len(s.csrf) == 64
        got = await sessions.current(FakeRequest(token))  # type: ignore[arg-type]
        assert got is not None and got.csrf == s.csrf and got.principal == s.principal
        key_id, expiry, nonce, sig = token.split(".")
        forged = [f"{key_id}.{int(expiry) + 3600}.{nonce}.{sig}", f"{key_id}.{expiry}.{'0' * 32}.{sig}",
                  f"{key_id}.{expiry}.{nonce}.{'0' * 64}", "garbage", "a.b.c.d", "", token + "x"]
        for bad in forged:
            assert await sessions.current(FakeRequest(bad)) is None, bad  # type: ignore[arg-type]
        clock.advance(3599)
        assert await sessions.current(FakeRequest(token)) is not None  # type: ignore[arg-type]
        clock.advance(1)
        assert await sessions.current(FakeRequest(token)) is None  # type: ignore[arg-type]
        with pytest.raises(Forbidden):
            await sessions.login(app_key)
        with pytest.raises(Unauthorized):
            await sessions.login(viewer[:-2] + "zz")
    finally:
        await store.close()


async def test_two_worker_processes_on_one_store_accept_each_others_sessions(tmp_path: Path) -> None:
    """Two stores on one file stand for two worker processes: the secret is the store's row, so a
    cookie minted by one is accepted by the other, and a logout on one ends it on both."""
    clock = ManualClock("2026-11-20T09:00:00Z")
    a, b = await _store(tmp_path / "t.db"), await _store(tmp_path / "t.db")
    try:
        sa = Sessions(KeyRing(a, clock=clock), ConsoleSecret(a, clock), clock)
        sb = Sessions(KeyRing(b, clock=clock), ConsoleSecret(b, clock), clock)
        key, _ = await sa.keyring.create("demo-eng", "p", "team-admin")
        token, s = await sa.login(key)
        on_b = await sb.current(FakeRequest(token))  # type: ignore[arg-type]
        assert on_b is not None and on_b.csrf == s.csrf
        await sb.end(on_b)
        assert await sa.current(FakeRequest(token)) is None  # type: ignore[arg-type]
        other = Sessions(KeyRing(await _store(tmp_path / "other.db"), clock=clock),
                         ConsoleSecret(await _store(tmp_path / "other.db"), clock), clock)
        assert await other.current(FakeRequest(token)) is None  # type: ignore[arg-type]  # another gateway
        await other.store.close()
        await other.secret.store.close()
    finally:
        await a.close()
        await b.close()


def test_templates_and_static_files_ship_in_the_wheel() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["tenbin"]
    base = ROOT / "src" / "tenbin"
    files = [p.relative_to(base).as_posix() for d in ("templates", "static") for p in (CONSOLE / d).rglob("*")
             if p.is_file()]
    assert "console/static/vendor/chart.umd.min.js" in files and "console/static/vendor/chart.js-LICENSE.md" in files
    unshipped = [f for f in files if not any(fnmatch.fnmatchcase(f, g) for g in globs)]
    assert not unshipped


async def test_sessions_on_postgresql_two_replicas_one_secret() -> None:
    """The same on the PostgreSQL store (its own migration file): replicas race to create the
    secret and agree on it, and a logout on one ends the session on the other."""
    import asyncpg

    from tenbin.store.postgres import PostgresStore
    from tests.scale.services import PG_BASE, new_schema, pg_url, require

    require("PostgreSQL", "127.0.0.1", 5432)
    schema = new_schema()
    clock = ManualClock("2026-11-20T09:00:00Z")
    a, b = PostgresStore(pg_url(schema)), PostgresStore(pg_url(schema))
    try:
        await a.migrate()
        await b.migrate()
        sa = Sessions(KeyRing(a, clock=clock), ConsoleSecret(a, clock), clock)
        sb = Sessions(KeyRing(b, clock=clock), ConsoleSecret(b, clock), clock)
        secrets_ = await asyncio.gather(sa.secret.get(), sb.secret.get())  # created together
        assert secrets_[0] == secrets_[1] and len(secrets_[0]) == 32
        key, _ = await sa.keyring.create("demo-eng", "p", "admin")
        token, s = await sa.login(key)
        got = await sb.current(FakeRequest(token))  # type: ignore[arg-type]
        assert got is not None and got.principal == s.principal
        await sb.end(got)
        assert await sa.current(FakeRequest(token)) is None  # type: ignore[arg-type]
    finally:
        await a.close()
        await b.close()
        c = await asyncpg.connect(PG_BASE)
        try:
            await c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await c.close()
