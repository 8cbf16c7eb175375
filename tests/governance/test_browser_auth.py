"""The key-less loopback default cannot be reached from a browser, the admin API always needs a key,
the first key closes the door on the very next request, and refused logins are audited with
rate-bounded ledger rows — all over real HTTP against a real gateway (issue 11, items 7 and 2)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from typer.testing import CliRunner

from tenbin.api.refusals import REFUSALS, RefusalLimits
from tenbin.cli.main import app as cli_app
from tenbin.clock import ManualClock
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, audit_rows, gov_config, ledger_rows, make_key
from tests.governance.test_admin_api import assert_openai_error
from tests.harness import GatewayHandle, LoopThread, start_gateway

CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
NOON = "2026-11-20T03:00:00Z"


def post(gw: GatewayHandle, path: str, body: bytes | None = None, **headers: str) -> httpx.Response:
    return httpx.post(gw.url + path, content=body, headers=headers, timeout=10)


def chat_json(gw: GatewayHandle, **headers: str) -> httpx.Response:
    return httpx.post(gw.url + "/v1/chat/completions", json=CHAT, headers=headers, timeout=10)


def active_keys(gw: GatewayHandle) -> int:
    return gw.lt.run(gw.runtime.store.count_keys())


@pytest.fixture
def clocked(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[tuple[GatewayHandle, ManualClock]]:
    clock = ManualClock(NOON)
    h = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV, clock=clock)
    yield h, clock
    h.stop()


# ---- CSRF: a web page can send text/plain or form bodies without a preflight ------------------

def test_the_old_exploit_text_plain_admin_key_request_is_refused(gw: GatewayHandle) -> None:
    """Issue 11: an unauthenticated text/plain POST /admin/keys {"role":"admin"} returned 201."""
    r = post(gw, "/admin/keys", b'{"role": "admin", "team": "x"}', **{"content-type": "text/plain"})
    assert_openai_error(r, 415, "unsupported_media_type")
    r = post(gw, "/admin/keys", b'{"role": "admin", "team": "x"}', **{"content-type": "application/json"})
    assert_openai_error(r, 401, "invalid_api_key")
    assert "tenbin keys create" in r.json()["error"]["message"]
    assert active_keys(gw) == 0


@pytest.mark.parametrize("ctype", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                   "multipart/form-data; boundary=x", "application/json; charset=latin-1",
                                   "application/jsonx"])
def test_non_json_posts_are_415(gw: GatewayHandle, fake_openai: FakeOpenAI, ctype: str) -> None:
    r = post(gw, "/v1/chat/completions", orjson.dumps(CHAT), **{"content-type": ctype})
    assert_openai_error(r, 415, "unsupported_media_type")
    assert fake_openai.requests == []


def test_a_body_without_content_type_is_415(gw: GatewayHandle) -> None:
    r = httpx.post(gw.url + "/v1/chat/completions", content=orjson.dumps(CHAT), timeout=10)
    assert "content-type" not in r.request.headers
    assert_openai_error(r, 415, "unsupported_media_type")


@pytest.mark.parametrize("ctype", ["application/json", "application/json; charset=utf-8",
                                   "Application/JSON;charset=\"UTF-8\""])
def test_json_with_utf8_charset_is_served(gw: GatewayHandle, ctype: str) -> None:
    r = post(gw, "/v1/chat/completions", orjson.dumps(CHAT), **{"content-type": ctype})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("origin", ["http://evil.example", "https://127.0.0.1.evil.example", "null",
                                    "http://evil.example:8787", "file://"])
def test_keyless_request_with_a_foreign_origin_is_403(gw: GatewayHandle, fake_openai: FakeOpenAI,
                                                      origin: str) -> None:
    r = chat_json(gw, origin=origin)
    assert_openai_error(r, 403, "non_local_request")
    assert "Origin" in r.json()["error"]["message"]
    r = httpx.get(gw.url + "/v1/models", headers={"origin": origin}, timeout=10)
    assert_openai_error(r, 403, "non_local_request")
    assert fake_openai.requests == []


@pytest.mark.parametrize("origin", ["http://localhost:3000", "http://127.0.0.1:8080", "http://[::1]:5173"])
def test_keyless_request_from_a_local_origin_is_served(gw: GatewayHandle, origin: str) -> None:
    assert chat_json(gw, origin=origin).status_code == 200


# ---- DNS rebinding: the page's own name resolves to 127.0.0.1; the Host header still names it --

@pytest.mark.parametrize("host", ["evil.example", "evil.example:8787", "127.0.0.1.nip.io", "0.0.0.0",
                                  "127.0.0.2", "localhost.evil.example"])
def test_keyless_request_with_a_foreign_host_is_403(gw: GatewayHandle, fake_openai: FakeOpenAI, host: str) -> None:
    r = chat_json(gw, host=host)
    assert_openai_error(r, 403, "non_local_request")
    assert "Host" in r.json()["error"]["message"]
    assert fake_openai.requests == []


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:1234", "127.0.0.1", "[::1]:8787", "[::1]"])
def test_keyless_request_with_a_loopback_host_is_served(gw: GatewayHandle, host: str) -> None:
    assert chat_json(gw, host=host).status_code == 200


def test_a_key_is_served_whatever_the_host_and_origin(gw: GatewayHandle) -> None:
    key = make_key(gw, "sales")
    r = chat_json(gw, host="gateway.corp.example", origin="https://console.corp.example",
                  authorization=f"Bearer {key}")
    assert r.status_code == 200, r.text


# ---- the admin API always needs a key; the CLI mints the first one -----------------------------

@pytest.mark.parametrize("path", ["/admin/keys", "/admin/models", "/admin/budgets", "/admin/policies",
                                  "/admin/ledger", "/admin/audit", "/admin/audit/verify"])
def test_admin_reads_need_a_key_even_with_the_door_open(gw: GatewayHandle, path: str) -> None:
    assert_openai_error(httpx.get(gw.url + path, timeout=10), 401, "invalid_api_key")
    r = httpx.get(gw.url + path, headers={"authorization": "Bearer local"}, timeout=10)
    assert_openai_error(r, 401, "invalid_api_key")
    assert chat_json(gw).status_code == 200  # the model routes are still open


def test_admin_writes_need_a_key_even_with_the_door_open(gw: GatewayHandle) -> None:
    assert_openai_error(httpx.post(gw.url + "/admin/keys", json={"role": "admin"}, timeout=10), 401,
                        "invalid_api_key")
    assert_openai_error(post(gw, "/admin/keys/abc/revoke"), 401, "invalid_api_key")
    assert_openai_error(post(gw, "/admin/keys/abc/rotate", None, authorization="Bearer local"), 401,
                        "invalid_api_key")
    assert active_keys(gw) == 0


def _cli_config(gw: GatewayHandle, tmp_path: Path) -> Path:
    store = gw.runtime.cfg.store
    path = tmp_path / "cli.yaml"
    path.write_text(f"store: {store}\n", encoding="utf-8")
    return path


def _cli_create(cfg: Path, *args: str) -> str:
    res = CliRunner().invoke(cli_app, ["keys", "create", *args, "-c", str(cfg)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output.strip().splitlines()[-1]


def test_the_cli_mints_the_first_admin_key_and_the_door_closes_on_the_next_request(
        clocked: tuple[GatewayHandle, ManualClock], tmp_path: Path) -> None:
    """The key count is re-read on every key-less request: the clock never moves here, so a
    cached "no keys" answer (the old 2 s re-check) would still serve the second request."""
    gw, clock = clocked
    assert chat_json(gw).status_code == 200
    admin = _cli_create(_cli_config(gw, tmp_path), "--team", "ops", "--role", "admin")  # offline, same store
    assert admin.startswith("tb-")
    r = chat_json(gw)
    assert_openai_error(r, 401, "invalid_api_key")
    r = chat_json(gw, authorization="Bearer local")  # the placeholder is no key any more
    assert_openai_error(r, 401, "invalid_api_key")
    with httpx.Client(base_url=gw.url, headers={"authorization": f"Bearer {admin}"}, timeout=10) as h:
        made = h.post("/admin/keys", json={"team": "sales", "role": "app"})
        assert made.status_code == 201, made.text
        assert {k["team"] for k in h.get("/admin/keys").json()["data"]} == {"ops", "sales"}
    assert chat_json(gw, authorization=f"Bearer {made.json()['key']}").status_code == 200
    clock.advance(3600)
    assert chat_json(gw).status_code == 401  # and stays closed


def test_a_key_minted_through_this_replica_closes_the_door_without_a_store_read(
        clocked: tuple[GatewayHandle, ManualClock], monkeypatch: pytest.MonkeyPatch) -> None:
    gw, _ = clocked
    assert chat_json(gw).status_code == 200
    make_key(gw, "ops", "admin")  # through the serving process's KeyRing

    async def stale_count() -> int:  # a store view that has not seen the key yet
        return 0

    monkeypatch.setattr(gw.runtime.store, "count_keys", stale_count)
    assert_openai_error(chat_json(gw), 401, "invalid_api_key")


def test_keyless_requests_when_the_key_count_cannot_be_read(
        lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read: 503. Read as zero before the store went down: the last answer stands (no key can
    be created in a store that is down), as a verified key keeps working through an outage."""
    async def down() -> int:
        raise OSError("store down")

    gw = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV)
    try:
        with monkeypatch.context() as m:
            m.setattr(gw.runtime.store, "count_keys", down)
            assert_openai_error(chat_json(gw), 503, "key_store_unavailable")
        assert chat_json(gw).status_code == 200
        monkeypatch.setattr(gw.runtime.store, "count_keys", down)
        assert chat_json(gw).status_code == 200
        assert_openai_error(chat_json(gw, host="evil.example"), 403, "non_local_request")
    finally:
        gw.stop()


# ---- failed logins: audited, one ledger row each, bounded ------------------------------------

def _refusals(gw: GatewayHandle) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    ledger = [r for r in ledger_rows(gw) if r["team"] == "-"]
    audit = [r for r in audit_rows(gw) if r["kind"] == "auth"]
    return ledger, audit


def test_failed_logins_are_audited_with_one_ledger_row_each(gw: GatewayHandle) -> None:
    key = make_key(gw, "sales")
    key_id, secret = key.split("-")[1], key.split("-", 2)[2]
    revoked = make_key(gw, "sales")
    gw.lt.run(gw.runtime.keyring.revoke(revoked.split("-")[1]))
    probes = [
        ({}, "invalid_api_key"),                                            # missing key, keys required
        ({"authorization": f"Bearer tb-{key_id}-wrong{secret[:5]}"}, "invalid_api_key"),  # wrong secret
        ({"authorization": "Bearer tb-000000000000-nokey"}, "invalid_api_key"),  # unknown id
        ({"authorization": "Bearer garbage"}, "invalid_api_key"),           # malformed
        ({"authorization": "Basic dXNlcjpwYXNz"}, "invalid_api_key"),       # wrong scheme
        ({"authorization": f"Bearer {revoked}"}, "revoked_api_key"),
        ({"api-key": "tb-\udcff"}, "invalid_api_key"),                      # not UTF-8 (the edge's 401)
    ]
    statuses = []
    for headers, code in probes:
        raw = {k: v.encode("utf-8", "surrogateescape") for k, v in headers.items()}
        r = httpx.post(gw.url + "/v1/chat/completions", json=CHAT, headers=raw, timeout=10)
        statuses.append(r.status_code)
        assert r.json()["error"]["code"] == code, (headers, r.text)
    r = httpx.get(gw.url + "/admin/keys", headers={"authorization": "Bearer tb-abc-def"}, timeout=10)
    statuses.append(r.status_code)
    assert statuses == [401] * 8
    ledger, audit = _refusals(gw)
    assert [r["status"] for r in ledger] == [401] * 8
    assert {r["error_class"] for r in ledger} == {"invalid_api_key", "revoked_api_key"}
    assert len(audit) == 8 and {a["action"] for a in audit} == {"auth.refused"}
    assert [a["key_id"] for a in audit] == ["-", key_id, "000000000000", "-", "-", revoked.split("-")[1],
                                            "-", "abc"]
    assert [json.loads(a["detail"])["route"] for a in audit][-2:] == ["/v1/chat/completions", "/admin/keys"]
    assert {json.loads(a["detail"])["source"] for a in audit} == {"127.0.0.1"}
    blob = json.dumps([ledger, audit])
    assert secret not in blob and f"wrong{secret[:5]}" not in blob
    assert {a["request_id"] for a in audit} == {r["request_id"] for r in ledger}
    admin = {"authorization": f"Bearer {make_key(gw, 'ops', 'admin')}"}
    assert httpx.get(gw.url + "/admin/audit/verify", headers=admin, timeout=10).json()["ok"] is True


def test_browser_refusals_leave_a_row_too(gw: GatewayHandle) -> None:
    assert chat_json(gw, host="evil.example").status_code == 403
    assert post(gw, "/admin/keys", b"{}", **{"content-type": "text/plain"}).status_code == 415
    ledger, audit = _refusals(gw)
    assert [(r["status"], r["error_class"]) for r in ledger] == [(403, "non_local_request"),
                                                                 (415, "unsupported_media_type")]
    assert [(a["status"], a["action"]) for a in audit] == [(403, "auth.refused")]  # a 415 is no login


def test_a_flood_of_bad_keys_is_bounded_per_source_and_summarised(
        clocked: tuple[GatewayHandle, ManualClock]) -> None:
    gw, clock = clocked
    make_key(gw, "ops", "admin")
    per_source = RefusalLimits().per_source
    for i in range(per_source + 15):
        assert chat_json(gw, authorization=f"Bearer tb-{i:06d}-x").status_code == 401
    ledger, audit = _refusals(gw)
    assert len(ledger) == len(audit) == per_source  # the other 15 are only counted
    clock.advance(61)  # the minute is over: the next refusal writes the summary first
    assert chat_json(gw).status_code == 401
    ledger, audit = _refusals(gw)
    assert len(ledger) == len(audit) == per_source + 2
    summary = [r for r in ledger if r["error_class"] == "refusals_suppressed"]
    assert len(summary) == 1 and summary[0]["status"] == 401
    route = json.loads(summary[0]["route"])
    assert route["suppressed"] == 15 and route["by_status"] == {"401": 15}
    assert route["top_sources"] == {"127.0.0.1": 15}
    [entry] = [a for a in audit if a["action"] == "auth.refused.summary"]
    assert json.loads(entry["detail"])["suppressed"] == 15


def test_the_total_bound_holds_across_sources(clocked: tuple[GatewayHandle, ManualClock]) -> None:
    gw, clock = clocked
    make_key(gw, "ops", "admin")
    refusals = gw.runner.app[REFUSALS]  # the recorder lives on the app; shrink its bound for the test
    refusals.limits = RefusalLimits(per_source=3, total=5)
    for source in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=10) as c:
            for _ in range(4):
                assert c.post(gw.url + "/v1/chat/completions", json=CHAT).status_code == 401
    ledger, _ = _refusals(gw)
    assert len(ledger) == 5  # 3 from the first source, 2 from the second, then the total bound
    clock.advance(60)
    gw.lt.run(_sweep(refusals))
    ledger, _ = _refusals(gw)
    [summary] = [json.loads(r["route"]) for r in ledger if r["error_class"] == "refusals_suppressed"]
    assert summary["suppressed"] == 7
    assert summary["top_sources"] == {"127.0.0.3": 4, "127.0.0.2": 2, "127.0.0.1": 1}


async def _sweep(refusals: Any) -> None:
    refusals.sweep()


def test_the_last_minutes_summary_is_written_at_shutdown(lt: LoopThread, fake_openai: FakeOpenAI,
                                                         tmp_path: Path) -> None:
    import sqlite3

    gw = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV, clock=ManualClock(NOON))
    try:
        make_key(gw, "ops", "admin")
        for _ in range(RefusalLimits().per_source + 3):
            assert chat_json(gw).status_code == 401
    finally:
        gw.stop()  # the minute never ended: the summary goes out with the shutdown
    con = sqlite3.connect(tmp_path / "tenbin.db")
    try:
        rows = con.execute("SELECT error_class, route FROM usage WHERE team = '-'").fetchall()
        actions = [a for (a,) in con.execute("SELECT action FROM audit_log WHERE kind = 'auth'")]
    finally:
        con.close()
    assert len(rows) == RefusalLimits().per_source + 1
    [summary] = [json.loads(r) for c, r in rows if c == "refusals_suppressed"]
    assert summary["suppressed"] == 3
    assert actions.count("auth.refused") == RefusalLimits().per_source and actions[-1] == "auth.refused.summary"
