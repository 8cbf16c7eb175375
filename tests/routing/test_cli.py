"""``tenbin route --explain`` against the shipped example policy, through the real CLI app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tenbin.cli.main import app

POLICY = str(Path(__file__).parents[2] / "examples" / "policy.yaml")
runner = CliRunner()


def explain(*args: str) -> tuple[int, dict[str, Any]]:
    res = runner.invoke(app, ["route", "--explain", *args, "--config", POLICY, "--assume-available", "--json"])
    return res.exit_code, json.loads(res.stdout)


def test_nippo_goes_to_the_local_model() -> None:
    code, out = explain("本日の日報を要約して")
    assert code == 0
    assert out["decision"]["model"] == "local/smollm2" and out["decision"]["rule"] == "nippo-ringi-summary"


def test_support_draft_is_masked_and_goes_abroad() -> None:
    code, out = explain("山田太郎様（090-1234-5678）へのお詫びの返信文を作成して", "--use-case", "support",
                        "--model", "gpt-4o")
    d = out["decision"]
    assert code == 0 and d["model"] == "claude-sonnet-4-5" and d["privacy_action"] == "mask"
    assert out["trace"]["constraints"] == ["personal-in-japan(waived:masked)"]


def test_confidential_stays_on_prem_even_when_gpt5_is_asked() -> None:
    code, out = explain("【社外秘】来期の事業譲渡計画について論点を整理して", "--model", "gpt-5")
    assert code == 0 and out["decision"]["model"] == "local/smollm2"


def test_refusal_exits_3_with_openai_error() -> None:
    code, out = explain("コードをレビューして", "--use-case", "code-review", "--model", "gpt-4o")
    assert code == 3
    err = out["error"]
    assert err["status"] == 403 and err["code"] == "policy_model_not_allowed" and "code-review" in err["message"]


def test_rich_output_and_bad_tag() -> None:
    res = runner.invoke(app, ["route", "--explain", "天気は?", "--config", POLICY, "--assume-available"])
    assert res.exit_code == 0 and "x-tenbin-route:" in res.stdout and "rules (first match wins)" in res.stdout
    bad = runner.invoke(app, ["route", "hi", "--tag", "nokey", "--config", POLICY])
    assert bad.exit_code == 2
