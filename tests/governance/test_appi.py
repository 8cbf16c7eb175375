"""The APPI Art. 28/29 record: the vendor register joined into `tenbin audit report --appi` (CSV,
printable Japanese page per period) and the admin API, from real traffic through the gateway to
fake vendors, with a warning for transfers that rely on an expired Art. 28(3) review."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml
from typer.testing import CliRunner

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.config.loader import build_config
from tenbin.config.validate import check_config
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import admin_http, audit_flush, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-openai", "ANTH_KEY": "sk-ant-fake"}
VENDORS: dict[str, Any] = {
    "anth": {"legal_entity": "Anthropic, PBC", "country": "US", "legal_basis": "equivalent_measures",
             "contract_date": "2024-10-01", "last_review": "2025-10-20", "retention": "30 days",
             "training": "not used for training"},
    "fake": {"legal_entity": "OpenAI, L.L.C.", "country": "US", "legal_basis": "consent",
             "contract_date": "2025-01-15", "retention": "30 days (abuse monitoring)",
             "training": "API data not used for training"},
}
PII = "山田太郎様（電話 090-1234-5678）への返信を書いて"


@pytest.fixture
def fake_anthropic(lt: LoopThread) -> Iterator[FakeAnthropic]:
    fake = lt.run(FakeAnthropic().start())
    yield fake
    lt.run(fake.stop())


def config(anth: str, oai: str, tmp: Path, **gov: Any) -> dict[str, Any]:
    return {
        "store": f"sqlite:///{tmp / 'tenbin.db'}",
        "providers": {"anth": {"kind": "anthropic", "base_url": anth, "api_key": "${ANTH_KEY}", "max_retries": 0},
                      "fake": openai_provider(oai),
                      "gemini2": openai_provider(oai)},
        "models": [fake_model("claude-x", "anth"), fake_model("gpt-x", "fake"), fake_model("gem-x", "gemini2")],
        "default_model": "gpt-x",
        "privacy": {"mode": "pseudonymize"},
        "routing": {"constraints": [], "rules": [
            {"name": "support-draft", "when": {"use_case": "support"}, "model": "claude-x", "on_sensitive": "mask",
             "client_model": "reroute"}]},
        "governance": {"review_max_age_days": 30, "vendors": VENDORS, **gov},
    }


def ask(gw: GatewayHandle, model: str, content: str, use_case: str | None = None) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
    c.chat.completions.create(model=model, messages=[{"role": "user", "content": content}],
                              extra_headers={"x-tenbin-use-case": use_case} if use_case else None)


@pytest.fixture
def traffic(lt: LoopThread, tmp_path: Path, fake_anthropic: FakeAnthropic,
            fake_openai: FakeOpenAI) -> Iterator[tuple[GatewayHandle, ManualClock, Path]]:
    """November 2026 (JST): Claude gets masked support drafts before and after its review expires
    (2025-10-20 + 30 days = 2025-11-19 … set in 2026 below), GPT unmasked personal data, an
    unregistered vendor one public prompt; December one more GPT request."""
    vendors = {**VENDORS, "anth": {**VENDORS["anth"], "last_review": "2026-10-20"}}
    cfg = config(fake_anthropic.url, fake_openai.url, tmp_path)
    cfg["governance"]["vendors"] = vendors
    clock = ManualClock("2026-11-10T01:00:00Z")
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=clock)
    ask(gw, "gpt-x", PII, "support")  # → claude (rule), masked; review still valid (due 2026-11-19)
    clock.set(dt.datetime(2026, 11, 25, 1, tzinfo=dt.UTC))
    ask(gw, "gpt-x", PII, "support")  # → claude, masked, after the review expired
    ask(gw, "gpt-x", "〒100-0001 東京都千代田区千代田1-1 の佐藤花子さん宛に請求書を送って", "billing")  # unmasked
    ask(gw, "gem-x", "今日の天気は？", "chat")  # public, to a vendor missing from the register
    clock.set(dt.datetime(2026, 12, 3, 1, tzinfo=dt.UTC))
    ask(gw, "gpt-x", PII, "billing")
    audit_flush(gw)
    yield gw, clock, tmp_path
    gw.stop()


def cli(tmp: Path, *args: str) -> tuple[int, str]:
    cfg_path = tmp / "c.yaml"
    res = CliRunner().invoke(app, ["audit", "report", "--appi", *args, "--config", str(cfg_path)],
                             obj=ManualClock("2026-12-05T00:00:00Z"))
    return res.exit_code, res.output


def write_cli_config(gw: GatewayHandle, tmp: Path) -> None:
    (tmp / "c.yaml").write_text(yaml.safe_dump({"store": gw.runtime.cfg.store,
                                                 "governance": gw.runtime.cfg.governance}, allow_unicode=True))


def test_appi_csv_rows_carry_the_register_fields(traffic: tuple[GatewayHandle, ManualClock, Path]) -> None:
    gw, _, tmp = traffic
    write_cli_config(gw, tmp)
    code, out = cli(tmp, "--period", "2026-11", "--csv", str(tmp / "appi.csv"), "--html", str(tmp / "appi.html"))
    assert code == 0, out
    rows = {r["provider"]: r for r in csv.DictReader(io.StringIO((tmp / "appi.csv").read_text(encoding="utf-8")))}
    assert set(rows) == {"anth", "fake", "gemini2"}
    a, f, g = rows["anth"], rows["fake"], rows["gemini2"]
    assert (a["legal_entity"], a["country"], a["legal_basis"], a["contract_date"], a["last_review"],
            a["review_due"], a["retention"], a["training"]) == (
        "Anthropic, PBC", "US", "equivalent_measures", "2024-10-01", "2026-10-20", "2026-11-19", "30 days",
        "not used for training")
    assert (a["transfers"], a["personal"], a["personal_masked"], a["personal_unmasked"], a["after_review_due"]) == (
        "2", "2", "2", "0", "1")
    assert a["items"] == "PERSON=2; PHONE=2" and a["use_cases"] == "support=2" and a["rules"] == "support-draft=2"
    assert (f["legal_entity"], f["legal_basis"], f["last_review"], f["review_due"]) == (
        "OpenAI, L.L.C.", "consent", "", "")
    assert (f["transfers"], f["personal"], f["personal_unmasked"]) == ("1", "1", "1")
    assert "ADDRESS=1" in f["items"] and "PERSON=1" in f["items"]
    assert g["legal_entity"] == "" and g["transfers"] == "1" and g["personal"] == "0"
    warnings = " ".join(out.split())
    assert ("2026-11 anth: 1 transfer(s) rely on the Art. 28(3) review of 2026-10-20, older than 30 days "
            "after 2026-11-19") in warnings
    assert "2026-11 gemini2: 1 transfer(s) abroad but no entry in governance.vendors" in warnings
    page = (tmp / "appi.html").read_text(encoding="utf-8")
    assert page.count("<section>") == 1 and "2026年11月" in page and "法第28条" in page
    assert "Anthropic, PBC" in page and "基準適合体制の整備" in page and "本人の同意" in page
    assert "確認期限（2026-11-19）後の提供 1件" in page and "未登録" in page
    assert "氏名（2件）" in page and "電話番号（2件）" in page


def test_appi_report_without_period_has_a_page_per_month_and_json(
        traffic: tuple[GatewayHandle, ManualClock, Path]) -> None:
    gw, _, tmp = traffic
    write_cli_config(gw, tmp)
    code, out = cli(tmp, "--json", "--html", str(tmp / "all.html"))
    assert code == 0, out
    doc = json.loads(out)
    assert doc["periods"] == ["2026-11", "2026-12"]
    dec = [r for r in doc["data"] if r["period"] == "2026-12"]
    assert [(r["provider"], r["transfers"], r["legal_entity"]) for r in dec] == [("fake", 1, "OpenAI, L.L.C.")]
    page = (tmp / "all.html").read_text(encoding="utf-8")
    assert page.count("<section>") == 2 and "2026年12月" in page


def test_admin_api_serves_the_record_and_the_register(traffic: tuple[GatewayHandle, ManualClock, Path]) -> None:
    gw, _, _ = traffic
    key = make_key(gw, "ops", role="admin")
    with admin_http(gw, key) as h:
        rep = h.get("/admin/reports/appi", params={"period": "2026-11"}).json()
        reg = h.get("/admin/vendors").json()
        bad = h.get("/admin/reports/appi", params={"period": "2026/11"})
    anth = next(r for r in rep["data"] if r["provider"] == "anth")
    assert (anth["legal_entity"], anth["after_review_due"], anth["items"]) == ("Anthropic, PBC", 1,
                                                                              {"PERSON": 2, "PHONE": 2})
    assert any("gemini2" in w for w in rep["warnings"])
    assert {v["provider"]: v["review_due"] for v in reg["data"]} == {"anth": "2026-11-19", "fake": None}
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "period"


def _errors(vendors: dict[str, Any]) -> list[str]:
    cfg = build_config({"providers": {"fake": openai_provider("http://127.0.0.1:9/v1")},
                        "models": [fake_model("gpt-x", "fake")], "default_model": "gpt-x",
                        "governance": {"vendors": vendors}}, env={"FAKE_KEY": "k"})
    return check_config(cfg, load_catalog(cfg.models), today=dt.date(2026, 11, 1)).errors


def test_register_entries_are_validated() -> None:
    ok = VENDORS["fake"]
    assert _errors({"fake": ok}) == []
    assert _errors({"fakee": ok}) == ["governance.vendors.fakee: not a configured provider; did you mean 'fake'?"]
    [e] = _errors({"fake": {**ok, "legal_basis": "adequate_country"}})
    assert e.startswith("governance.vendors.fake: legal_basis adequate_country: US is not a country "
                        "the PPC recognises")
    assert _errors({"fake": {**ok, "legal_basis": "adequate_country", "country": "DE"}}) == []
    [e] = _errors({"fake": {**ok, "legal_basis": "equivalent_measures"}})
    assert "needs last_review" in e
    [e] = _errors({"fake": {**ok, "country": "USA"}})
    assert e.startswith("governance.vendors.fake.country: 'USA' is not an ISO 3166-1") and "'US'" in e


def test_stale_review_and_missing_entry_warn_at_start() -> None:
    cfg = build_config({"providers": {"fake": openai_provider("http://127.0.0.1:9/v1"),
                                      "other": openai_provider("http://127.0.0.1:9/v1")},
                        "models": [fake_model("gpt-x", "fake"), fake_model("o-x", "other")], "default_model": "gpt-x",
                        "governance": {"review_max_age_days": 30, "vendors": {"fake": VENDORS["anth"]}}},
                       env={"FAKE_KEY": "k"})
    f = check_config(cfg, load_catalog(cfg.models), today=dt.date(2025, 11, 20))
    assert ("governance.vendors.fake.last_review: 2025-10-20 is more than 30 days old; transfers now rely on an "
            "expired Art. 28(3) review") in f.warnings
    assert any("no entry for provider 'other'" in w for w in f.warnings)
    assert not any("last_review" in w for w in check_config(cfg, load_catalog(cfg.models),
                                                            today=dt.date(2025, 11, 19)).warnings)
