"""The edge (api/edge.py): client strings bound for ledger and audit rows or store queries are
refused with an OpenAI-shaped 400 when a store cannot hold them or they exceed their cap; nothing
reaches the vendor or the quarantine for them, and the refusal's own row holds none of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenbin.api import edge
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, audit_rows, gov_config, ledger_rows, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway

BODY = {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}
TOO_LONG_UC = "u" * (edge.USE_CASE_MAX + 1)


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV)
    yield h
    h.stop()


BAD: list[tuple[str, dict[str, Any], dict[str, Any], str, str]] = [
    # (case, headers, body fields, param, code)
    ("non-UTF-8 header byte", {"x-tenbin-use-case": b"\xff"}, {}, "x-tenbin-use-case", "invalid_value"),
    ("valid UTF-8 then a stray byte", {"x-tenbin-use-case": "経理".encode() + b"\x80"}, {}, "x-tenbin-use-case",
     "invalid_value"),
    ("header use case too long", {"x-tenbin-use-case": TOO_LONG_UC}, {}, "x-tenbin-use-case",
     "string_above_max_length"),
    ("NUL in metadata.use_case", {}, {"metadata": {"use_case": "a\u0000b"}}, "metadata.use_case", "invalid_value"),
    ("metadata.use_case too long", {}, {"metadata": {"use_case": TOO_LONG_UC}}, "metadata.use_case",
     "string_above_max_length"),
    ("NUL in model", {}, {"model": "gpt-4o\u0000"}, "model", "invalid_value"),
    ("model too long", {}, {"model": "m" * (edge.MODEL_MAX + 1)}, "model", "string_above_max_length"),
    ("NUL in user", {}, {"user": "u\u0000"}, "user", "invalid_value"),
    ("safety_identifier too long", {}, {"safety_identifier": "s" * (edge.USER_MAX + 1)}, "safety_identifier",
     "string_above_max_length"),
    ("too many metadata pairs", {}, {"metadata": {f"k{i}": "v" for i in range(edge.METADATA_PAIRS_MAX + 1)}},
     "metadata", "invalid_value"),
    ("NUL in a metadata key", {}, {"metadata": {"a\u0000": "v"}}, "metadata", "invalid_value"),
    ("metadata value too long", {}, {"metadata": {"k": "v" * (edge.METADATA_VALUE_MAX + 1)}}, "metadata.k",
     "string_above_max_length"),
    ("huge non-string metadata value", {}, {"metadata": {"k": {"x": "y" * 1000}}}, "metadata.k",
     "string_above_max_length"),
    *[(f"latency_budget_ms {v!r}", {}, {"metadata": {"latency_budget_ms": v}}, "metadata.latency_budget_ms",
       "invalid_value")  # issue 11: "²" was a 500; 400 digits overflowed the ledger row
      for v in ("²", "١٢", "５００", "-1", "1e3", "1.5", "", "9" * 400, 1.5, True, -5, edge.LATENCY_BUDGET_MAX_MS + 1,
                {"ms": 5})],
]


@pytest.mark.parametrize(("case", "headers", "fields", "param", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_strings_get_an_openai_400_and_touch_nothing(
        gw: GatewayHandle, fake_openai: FakeOpenAI, case: str, headers: dict[str, Any], fields: dict[str, Any],
        param: str, code: str) -> None:
    r = httpx.post(gw.base_url + "/chat/completions", json={**BODY, **fields}, headers=headers, timeout=10)
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert (err["type"], err["param"], err["code"]) == ("invalid_request_error", param, code)
    assert "\x00" not in err["message"] and r.headers["x-tenbin-request-id"]
    assert fake_openai.requests == []
    # one refusal row each (api/refusals.py), and the bad string is in neither
    [row], [entry] = ledger_rows(gw), [a for a in audit_rows(gw) if a["kind"] != "admin"]  # not config.load
    assert (row["status"], row["error_class"], row["request_id"]) == (400, code, r.headers["x-tenbin-request-id"])
    assert (entry["action"], entry["request_id"]) == ("request.refused", row["request_id"])
    assert row["use_case"] is None and row["requested_model"] == "-" and "\x00" not in str(row) + str(entry)
    assert gw.runtime.ledger.quarantined == 0


def test_strings_at_their_caps_are_served_and_stored_as_sent(gw: GatewayHandle) -> None:
    uc = "経" * edge.USE_CASE_MAX  # characters, not bytes: 384 bytes of UTF-8
    meta = {f"k{i}": "v" * edge.METADATA_VALUE_MAX for i in range(edge.METADATA_PAIRS_MAX)}
    r1 = httpx.post(gw.base_url + "/chat/completions", json={**BODY, "metadata": meta}, timeout=10,
                    headers={"x-tenbin-use-case": uc.encode()})
    r2 = httpx.post(gw.base_url + "/chat/completions", json={**BODY, "metadata": {"use_case": "請求書処理"}},
                    timeout=10)
    assert (r1.status_code, r2.status_code) == (200, 200)
    assert [row["use_case"] for row in ledger_rows(gw)] == [uc, "請求書処理"]
    assert gw.runtime.ledger.quarantined == 0


def test_a_latency_budget_in_range_is_served_and_routed(gw: GatewayHandle) -> None:
    for v in (1500, "1500", 0, edge.LATENCY_BUDGET_MAX_MS):
        r = httpx.post(gw.base_url + "/chat/completions", json={**BODY, "metadata": {"latency_budget_ms": v}},
                       timeout=10)
        assert r.status_code == 200, r.text
    assert gw.runtime.ledger.quarantined == 0 and len(ledger_rows(gw)) == 4


def test_a_key_header_that_is_not_utf8_is_a_401_not_a_false_503(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    key = make_key(gw, "sales")  # keys exist: no loopback default
    ok = httpx.post(gw.base_url + "/chat/completions", json=BODY, timeout=10,
                    headers={"Authorization": f"Bearer {key}"})
    bad = httpx.post(gw.base_url + "/chat/completions", json=BODY, timeout=10,
                     headers={"Authorization": b"Bearer tb-\xff\xfe-secret"})
    too_long = httpx.post(gw.base_url + "/chat/completions", json=BODY, timeout=10,
                          headers={"api-key": "tb-" + "a" * edge.API_KEY_MAX})
    assert ok.status_code == 200
    assert (bad.status_code, bad.json()["error"]["code"]) == (401, "invalid_api_key")
    assert (too_long.status_code, too_long.json()["error"]["code"]) == (401, "invalid_api_key")
    assert len(fake_openai.requests) == 1


def test_admin_strings_and_query_values_are_checked(gw: GatewayHandle) -> None:
    admin = make_key(gw, "ops", role="admin")
    with httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {admin}"}, timeout=10) as c:
        nul_team = c.post("/admin/keys", json={"team": "t\u0000", "project": "p"})
        long_name = c.post("/admin/keys", json={"team": "t", "name": "n" * (edge.KEY_NAME_MAX + 1)})
        bad_model = c.post("/admin/keys", json={"team": "t", "models": ["gpt-4o", "x\u0000"]})
        nul_query = c.get("/admin/ledger", params={"team": "a\u0000"})
        ok = c.post("/admin/keys", json={"team": "t" * edge.TEAM_MAX, "project": "p"})
    assert [(r.status_code, r.json()["error"]["param"]) for r in (nul_team, long_name, bad_model, nul_query)] == [
        (400, "team"), (400, "name"), (400, "models[1]"), (400, "team")]
    assert ok.status_code == 201 and ok.json()["team"] == "t" * edge.TEAM_MAX
