"""Cross-border and processing reports from real requests; raw retention encrypted and purged."""

from __future__ import annotations

import base64
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from cryptography.exceptions import InvalidTag
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.context import RequestContext
from tenbin.governance.raw import RawVault, RetentionError
from tenbin.routing.decision import Decision
from tenbin.routing.router import Router
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, audit_rows, gov_config, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway


class MaskPersonalRouter(Router):
    """A policy as the routing package would express it: personal data is masked (rule mask-pii)."""

    def decide(self, ctx: RequestContext, scan: Any = None, **kw: Any) -> Decision:
        d = super().decide(ctx, scan, **kw)
        if ctx.principal.team == "sales" and scan is not None and scan.data_class >= 3:
            d.privacy_action, d.rule = "mask", "mask-pii"
        return d


def send(gw: GatewayHandle, key: str, model: str, content: str, use_case: str | None = None) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)
    extra = {"metadata": {"use_case": use_case}} if use_case else None
    c.chat.completions.create(model=model, messages=[{"role": "user", "content": content}], extra_body=extra)


def populate(gw: GatewayHandle) -> None:
    gw.runtime.gateway.router = MaskPersonalRouter(gw.runtime.cfg, gw.runtime.catalog)
    sales, hr = make_key(gw, "sales"), make_key(gw, "hr")
    send(gw, sales, "gpt-4o", "山田太郎さん 090-1234-5678 に見積を送付", "quote")
    send(gw, sales, "gpt-4o", "来期の売上目標を整理して", "quote")
    send(gw, sales, "jp-model", "佐藤花子さんの住所は東京都港区芝公園4-2-8", "crm")
    send(gw, hr, "gpt-4o", "社員 鈴木一郎 の病歴(糖尿病)について", "hr-case")
    send(gw, hr, "gpt-4o", "就業規則の要約", None)


# 00:30 on 2026-12-01 in Tokyo, still 2026-11-30 in UTC: reports follow the Tokyo month.
AT = "2026-11-30T15:30:00Z"
MONTH = "2026-12"


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV, clock=ManualClock(AT))
    yield h
    h.stop()


def test_cross_border_report(gw: GatewayHandle, tmp_path: Path) -> None:
    populate(gw)
    rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    assert [r["masked"] for r in rows] == [1, 0, 1, 0, 0]
    assert {r["ts_us"] for r in rows} == {int(dt.datetime.fromisoformat(AT).timestamp() * 1_000_000)}
    gw.stop()
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump({"store": f"sqlite:///{tmp_path / 'tenbin.db'}"}))
    res = CliRunner().invoke(app, ["audit", "report", "--cross-border", "--period", MONTH, "--json",
                                   "--config", str(cfg)])
    assert res.exit_code == 0, res.output
    import json

    report = json.loads(res.output)
    # jp-model (processed in JP under JP law) is domestic: not listed
    assert [(r["team"], r["provider"], r["jurisdiction"], r["region"]) for r in report] == [
        ("hr", "fake", "US", "US"), ("sales", "fake", "US", "US")]
    hr, sales = report
    assert (hr["requests"], hr["personal"], hr["special_care"], hr["personal_masked"]) == (2, 1, 1, 0)
    assert hr["personal_by_rule"] == {"requested": 1}
    assert (sales["requests"], sales["personal"], sales["personal_masked"]) == (2, 1, 1)
    assert sales["personal_by_rule"] == {"mask-pii": 1}
    for other in ("2026-11", "2027-01"):  # the UTC month of the requests, and the next one: nothing
        empty = CliRunner().invoke(app, ["audit", "report", "--cross-border", "--period", other, "--json",
                                         "--config", str(cfg)])
        assert empty.exit_code == 0 and json.loads(empty.output) == [], other
    table = CliRunner().invoke(app, ["audit", "report", "--processing", "--config", str(cfg)])
    assert table.exit_code == 0 and "quote=2" in table.output and "hr-case=1" in table.output


def test_processing_report_via_admin_api(gw: GatewayHandle) -> None:
    populate(gw)
    admin = make_key(gw, "ops", "admin")
    import httpx

    r = httpx.get(gw.url + "/admin/reports/processing", headers={"Authorization": f"Bearer {admin}"})
    data = {(v["provider"], v["region"]): v for v in r.json()["data"]}
    assert data[("fake", "JP")]["use_cases"] == {"crm": 1}
    assert data[("fake", "US")]["use_cases"] == {"quote": 2, "hr-case": 1, "(unspecified)": 1}
    assert data[("fake", "US")]["data_classes"]["special_care"] == 1


def test_raw_retention_refused_without_key(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TENBIN_AUDIT_KEY", raising=False)
    on = gov_config(fake_openai.url, governance={"retain_raw": {"enabled": True}})
    with pytest.raises(RetentionError, match=r"TENBIN_AUDIT_KEY is not set"):
        start_gateway(lt, on, tmp_path, ENV)
    bad = gov_config(fake_openai.url, governance={"retain_raw": {"ttl_days": -1}})
    with pytest.raises(ValueError, match=r"governance\.retain_raw\.ttl_days"):
        start_gateway(lt, bad, tmp_path, ENV)


def test_raw_retention_encrypted_and_purged(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("cryptography")
    monkeypatch.setenv("TENBIN_AUDIT_KEY", base64.b64encode(os.urandom(32)).decode())
    retain = {"retain_raw": {"enabled": True, "ttl_days": 30}}
    gw = start_gateway(lt, gov_config(fake_openai.url, governance=retain), tmp_path, ENV, clock=ManualClock(AT))
    try:
        prompt = "山田太郎さん 090-1234-5678 の件"
        send(gw, make_key(gw, "sales"), "gpt-4o", prompt)
        entry = audit_rows(gw)[-1]
        raw = gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_raw"))
        assert len(raw) == 1 and raw[0]["request_id"] == entry["request_id"]
        assert b"090-1234-5678" not in bytes(raw[0]["ciphertext"])
        vault = gw.runtime.audit.vault  # type: ignore[union-attr]
        assert vault is not None
        opened = vault.open(raw[0])
        assert opened["messages"][0]["content"] == prompt and opened["answer"] == fake_openai.reply
        tampered = {**raw[0], "request_id": "req_other"}
        with pytest.raises(InvalidTag):  # AES-GCM binds the row id as associated data
            vault.open(tampered)
        created = dt.datetime.fromisoformat(AT).timestamp()
        assert (raw[0]["created_at"], raw[0]["expires_at"]) == (created, created + 30 * 86400)
        assert gw.lt.run(RawVault.purge(gw.runtime.store, raw[0]["created_at"] + 29 * 86400)) == 0
        assert gw.lt.run(RawVault.purge(gw.runtime.store, raw[0]["expires_at"] + 1)) == 1
    finally:
        gw.stop()
    con = sqlite3.connect(tmp_path / "tenbin.db")
    assert con.execute("SELECT count(*) FROM audit_raw").fetchone()[0] == 0
