"""Produce docs/appi-sample.html and docs/appi-sample.csv from demo data: examples/policy.yaml (its
routing and vendor register) with every vendor replaced by a fake on loopback (Anthropic, OpenAI,
Azure), real Japanese prompts through the openai SDK over two JST months, then
``tenbin audit report --appi`` on the result.

    .venv/bin/python -m tests.governance.appi_sample
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openai
import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tests.fakes.fake_anthropic import FakeAnthropic, anthropic_error
from tests.fakes.fake_azure import FakeAzure
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"AZURE_OPENAI_JP_KEY": "az-demo-key", "ANTHROPIC_API_KEY": "sk-ant-demo", "OPENAI_API_KEY": "sk-demo"}

# (day in the month, use case, model asked, prompt)
TRAFFIC: list[tuple[int, str | None, str, str]] = [
    (4, "support", "tenbin/auto", "山田太郎様（電話 090-1234-5678）から配送遅延の苦情です。お詫びのメールを書いて。"),
    (6, "support", "tenbin/auto", "佐藤花子様（hanako.sato@example.jp）へ、返金手続き完了の連絡文を作成して。"),
    (9, None, "tenbin/auto", "鈴木一郎さん（東京都港区芝公園4-2-8）宛の契約更新案内を丁寧な文面で下書きして。"),
    (12, "code-review", "gpt-5", "このPythonの関数のバグを指摘して: def f(x): return x[0]"),
    (15, None, "tenbin/auto", "来週の社内勉強会の告知文を短く書いて。"),
    (18, "support", "tenbin/auto", "高橋美咲様（080-9876-5432）の解約申請について確認メールを作成して。"),
    (24, None, "tenbin/auto", "田中健太さん（1985年4月12日生まれ）の保険見積もりの説明文を作って。"),
]


def demo_config(anth: str, oai: str, azure: str, tmp: Path) -> dict[str, Any]:
    cfg: dict[str, Any] = yaml.safe_load((ROOT / "examples" / "policy.yaml").read_text(encoding="utf-8"))
    cfg["store"] = f"sqlite:///{tmp / 'demo.db'}"
    cfg["providers"]["azure-jp"]["base_url"] = azure + "/openai/deployments"
    cfg["providers"]["anthropic"] = {"kind": "anthropic", "base_url": anth, "api_key": "${ANTHROPIC_API_KEY}",
                                     "max_retries": 1}
    cfg["providers"]["openai"] = {"kind": "openai", "base_url": oai, "api_key": "${OPENAI_API_KEY}"}
    cfg["providers"]["local"] = {"kind": "llamacpp", "model_path": str(tmp / "no-model.gguf")}  # not needed here
    # The demo's Art. 28(3) checks run on a 180-day cycle, so Anthropic's review of 2026-06-01 expires
    # on 2026-11-28: the December transfers to it show the warning a reviewer must act on.
    cfg["governance"]["review_max_age_days"] = 180
    return cfg


def main() -> None:
    lt = LoopThread()
    anth = lt.run(FakeAnthropic(default_text="承知しました。文面案です。").start())
    oai = lt.run(FakeOpenAI().start())
    azure = lt.run(FakeAzure({"gpt-4o": "gpt-4o-2024-11-20", "gpt-4o-mini": "gpt-4o-mini-2024-07-18"},
                             api_key=KEYS["AZURE_OPENAI_JP_KEY"]).start())
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        clock = ManualClock("2026-11-01T00:00:00Z")
        cfg = demo_config(anth.url, oai.url, azure.url, tmp)
        gw = start_gateway(lt, cfg, tmp, KEYS, clock=clock)
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        for month in (11, 12):
            for n, (day, use_case, model, prompt) in enumerate(TRAFFIC):
                clock.set(dt.datetime(2026, month, day, 1 + n, tzinfo=dt.UTC))
                if month == 12 and n == 0:  # Claude overloaded twice: the draft falls back to GPT-5
                    anth.enqueue(anthropic_error(529, "overloaded_error", "Overloaded"),
                                 anthropic_error(529, "overloaded_error", "Overloaded"))
                headers = {"x-tenbin-use-case": use_case} if use_case else None
                try:
                    c.chat.completions.create(model=model, messages=[{"role": "user", "content": prompt}],
                                              extra_headers=headers)
                except openai.APIStatusError as e:
                    print(f"{month}/{day} {model}: {e.status_code}")
        assert gw.runtime.audit is not None and lt.run(gw.runtime.audit.flush())
        gw.stop()
        (tmp / "cli.yaml").write_text(yaml.safe_dump({"store": cfg["store"], "governance": cfg["governance"]},
                                                     allow_unicode=True), encoding="utf-8")
        res = CliRunner().invoke(app, ["audit", "report", "--appi", "--csv", str(ROOT / "docs" / "appi-sample.csv"),
                                       "--html", str(ROOT / "docs" / "appi-sample.html"),
                                       "--config", str(tmp / "cli.yaml")],
                                 obj=ManualClock("2027-01-05T00:00:00Z"))
        print(res.output)
        assert res.exit_code == 0
    for f in (anth, oai, azure):
        lt.run(f.stop())
    lt.close()


if __name__ == "__main__":
    main()
