"""``tenbin demo --no-serve``: the store it leaves holds what the demo promises, and the CLI reports
read it back exactly.

The checks read the SQLite file directly (plain ``sqlite3``, not the demo's own summary code), so
a demo that printed the right words over a store without them would fail here. The clock is
pinned (``obj=ManualClock``): the demo's three weeks end at a fixed time, not at today.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import signal
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock

TOKYO = ZoneInfo("Asia/Tokyo")
END = "2026-11-27T09:00:00Z"  # Friday 18:00 in Tokyo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("demo") / "tenbin-demo"
    res = CliRunner().invoke(app, ["demo", "--no-serve", "--dir", str(folder)], obj=ManualClock(END),
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return folder, res.output


def rows(folder: Path, sql: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(folder / "tenbin.db")
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def test_the_store_holds_three_weeks_of_demo_traffic(demo: tuple[Path, str]) -> None:
    folder, output = demo
    usage = rows(folder, "SELECT * FROM usage")
    days = {dt.datetime.fromtimestamp(r["ts_start"], TOKYO).date() for r in usage}
    assert len(days) >= 14 and max(days) <= dt.date(2026, 11, 27)
    teams = {r["team"] for r in usage}
    assert len(teams) >= 3 and all(t.startswith("demo-") for t in teams)  # marked as demo data
    assert "DEMO DATA" in output and (folder / "DEMO-DATA.txt").exists()
    said = re.search(r"filled\s+([\d,]+) requests over (\d+) Tokyo days", output)
    assert said and (int(said.group(1).replace(",", "")), int(said.group(2))) == (len(usage), len(days))

    # budgets that trip: refused by the monthly block budget, and downgraded by the daily one
    blocked = [r for r in usage if r["status"] == 429 and r["error_class"] == "budget_exceeded"]
    downgraded = [r for r in usage if r["route"] and "budget_downgrade" in json.loads(r["route"])]
    assert blocked and downgraded
    assert all(r["served_model"] == "hinoki/hinoki-chat" for r in downgraded)
    # the fallback storm: the frontier model failed and another model answered
    fell_back = [r for r in usage if r["status"] == 200 and r["attempts"] > 1]
    assert fell_back
    assert all(f["model"] == "claude-sonnet-4-5" for r in fell_back for f in json.loads(r["route"])["failed"])
    assert all(r["served_model"] != "claude-sonnet-4-5" for r in fell_back)
    # a CONFIDENTIAL paste into the public chatbot was refused, before any vendor saw it
    confidential = [r for r in usage if r["status"] == 403 and r["data_class"] == "confidential"]
    assert confidential and all(r["served_model"] is None for r in confidential)


def test_every_fake_vendor_spoke_its_wire_format_plain_and_streamed(demo: tuple[Path, str]) -> None:
    """The gateway's real adapters parsed every demo vendor's answers, plain and SSE, usage included:
    each served row carries the vendor's own token counts, not the gateway's estimate."""
    folder, _ = demo
    served = rows(folder, "SELECT provider, stream, tokens_reported, completion_tokens FROM usage WHERE status = 200")
    seen = {(r["provider"], bool(r["stream"])) for r in served}
    providers = {"openai", "anthropic", "gemini", "azure-jp", "hinoki", "onprem"}
    assert seen == {(p, s) for p in providers for s in (False, True)}
    assert all(r["tokens_reported"] == 1 and r["completion_tokens"] > 0 for r in served)


def test_personal_data_went_abroad_only_masked(demo: tuple[Path, str]) -> None:
    folder, output = demo
    abroad = rows(folder, "SELECT * FROM audit_log WHERE kind = 'request' AND provider IS NOT NULL"
                          " AND (region NOT IN ('JP', 'on-prem') OR jurisdiction <> 'JP')"
                          " AND data_class IN ('personal', 'special_care')")
    assert abroad and all(r["masked"] == 1 for r in abroad)
    assert {r["provider"] for r in abroad} & {"anthropic", "openai", "azure-jp"}
    said = re.search(r"sovereignty\s+(\d+) requests with personal data sent abroad masked", output)
    assert said and int(said.group(1)) == len(abroad)  # the summary counts what the audit log holds


def test_costs_report_the_ledger_total(demo: tuple[Path, str]) -> None:
    folder, _ = demo
    usage = rows(folder, "SELECT ts_start, cost_jpy_nanos, served_model, prompt_tokens, completion_tokens FROM usage")
    days = sorted({dt.datetime.fromtimestamp(r["ts_start"], TOKYO).date() for r in usage})
    res = CliRunner().invoke(app, ["costs", "-c", str(folder / "tenbin.yaml"), "--period", f"{days[0]}..{days[-1]}",
                                   "--by", "team", "--format", "json"], obj=ManualClock(END))
    assert res.exit_code == 0, res.output
    total = json.loads(res.stdout)["total"]
    ledger = Decimal(sum(r["cost_jpy_nanos"] for r in usage)) / Decimal(10**9)
    assert ledger > 0 and total["requests"] == len(usage)
    # cost_jpy adds the on-prem model's chargeback (¥40 per 1M tokens in the demo policy) to the ledger
    onprem = sum(r["prompt_tokens"] + r["completion_tokens"] for r in usage if r["served_model"] == "onprem/qwen3-32b")
    assert Decimal(total["self_hosted_jpy"]) == (Decimal(onprem) * 40 / 10**6).quantize(Decimal("0.0001"))
    assert Decimal(total["cost_jpy"]) - Decimal(total["self_hosted_jpy"]) == ledger.quantize(Decimal("0.0001"))


def test_costs_rows_per_team_match_the_ledger_with_a_yen_billed_vendor(demo: tuple[Path, str]) -> None:
    """The demo's domestic SaaS bills in JPY beside USD vendors in the same team: each JSON row's
    cost_jpy is still the team's whole cost (it once held only the yen-billed part)."""
    folder, _ = demo
    usage = rows(folder, "SELECT ts_start, team, currency, cost_jpy_nanos FROM usage")
    days = sorted({dt.datetime.fromtimestamp(r["ts_start"], TOKYO).date() for r in usage})
    res = CliRunner().invoke(app, ["costs", "-c", str(folder / "tenbin.yaml"), "--period", f"{days[0]}..{days[-1]}",
                                   "--by", "team", "--format", "json"], obj=ManualClock(END))
    assert res.exit_code == 0, res.output
    by_team = {r["team"]: r for r in json.loads(res.stdout)["rows"]}
    mixed = {r["team"] for r in usage if r["currency"] == "JPY"} & {r["team"] for r in usage if r["currency"] == "USD"}
    assert mixed  # the case this test is about is in the data
    for team, row in by_team.items():
        ledger = Decimal(sum(r["cost_jpy_nanos"] for r in usage if r["team"] == team)) / Decimal(10**9)
        assert Decimal(row["vendor_jpy"]) == ledger.quantize(Decimal("0.0001")), team
        assert Decimal(row["cost_jpy"]) == Decimal(row["vendor_jpy"]) + Decimal(row["self_hosted_jpy"]), team


def test_the_audit_chain_of_the_demo_verifies(demo: tuple[Path, str]) -> None:
    folder, _ = demo
    res = CliRunner().invoke(app, ["audit", "verify", "-c", str(folder / "tenbin.yaml")])
    assert res.exit_code == 0, res.output


def _get(url: str, key: str) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_served_demo_answers_with_the_keys_it_printed(tmp_path: Path) -> None:
    """``tenbin demo`` as a user runs it (a process, serving until SIGTERM): the keys it prints work
    for what they are said to be for, and the store stays behind when it stops."""
    cmd = [sys.executable, "-c", "from tenbin.cli.main import main; main()",
           "demo", "--dir", str(tmp_path / "d"), "--port", "0", "--until", END]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path)
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        for line in proc.stdout:  # ends at the "try it" line, printed once the gateway listens
            lines.append(line)
            if line.strip().startswith("try it") or len(lines) > 200:
                break
        out = "".join(lines)
        m = re.search(r"gateway on (http://127\.0\.0\.1:\d+)/v1", out)
        assert m, out
        url = m.group(1)
        admin, team_admin, viewer, app_key = (
            re.search(rf"^  {label}\s+(tb-\S+)", out, re.M).group(1)  # type: ignore[union-attr]
            for label in ("admin key", "team-admin", "viewer key", "app key"))
        status, body = _get(url + "/metrics", admin)
        assert status == 200 and b"tenbin_" in body
        assert _get(url + "/metrics", viewer)[0] == 403  # metrics span every team
        status, body = _get(url + "/admin/budgets", viewer)
        assert status == 200 and json.loads(body)["team"] == "demo-support"
        status, body = _get(url + "/admin/keys", team_admin)  # a team-admin sees its own team's keys only
        assert status == 200 and {k["team"] for k in json.loads(body)["data"]} == {"demo-eng"}
        req = urllib.request.Request(url + "/v1/chat/completions", method="POST", headers={
            "authorization": f"Bearer {app_key}", "content-type": "application/json"},
            data=json.dumps({"model": "tenbin/auto", "messages": [{"role": "user", "content": "こんにちは"}]}).encode())
        with urllib.request.urlopen(req, timeout=20) as r:
            assert json.loads(r.read())["choices"][0]["message"]["content"]
    finally:
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, rest
    assert "demo stopped" in rest
    assert rows(tmp_path / "d", "SELECT count(*) AS n FROM usage WHERE team = 'demo-support'")[0]["n"] > 100


def test_a_folder_with_a_real_store_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "tenbin.db").write_bytes(b"not the demo's")
    res = CliRunner().invoke(app, ["demo", "--no-serve", "--dir", str(tmp_path)], obj=ManualClock(END))
    assert res.exit_code == 2 and "did not write" in res.output
    assert (tmp_path / "tenbin.db").read_bytes() == b"not the demo's"
