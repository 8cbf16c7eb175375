"""Self-hosted charge-back end to end: real traffic through the gateway (openai SDK → aiohttp →
a fake on-prem vLLM speaking OpenAI's wire format), then `tenbin costs`, ROI, FOCUS and the
make-or-buy view on the same SQLite ledger.

The on-prem model is billed by nobody (ledger cost ¥0); finops.self_hosted says its GPU costs
¥350 an hour at 40 tokens/s, i.e. ¥350 per 144,000 tokens. Every fake answer is 11 prompt + 6
completion = 17 tokens."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import openai
import yaml
from typer.testing import CliRunner

from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.ledger.record import NANO
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import make_key
from tests.harness import LoopThread, start_gateway

NOON = "2026-11-20T03:00:00Z"
ENV = {"FAKE_KEY": "sk-fake"}
LOCAL = "vllm/qwen"
# sales: 3 requests = 51 tokens × ¥350 / 144,000 = ¥0.12395833…; dev: 2 = 34 tokens → ¥0.08263888…
SALES_NANOS, DEV_NANOS = 123_958_333, 82_638_889
GPT_NANOS = 13_475_000  # one gpt-4o request: 11 × $2.50 + 6 × $10 per 1M at ¥154/$


def config(fake: FakeOpenAI, tmp: Path) -> dict[str, Any]:
    return {
        "store": f"sqlite:///{tmp / 'tenbin.db'}",
        "providers": {"fake": openai_provider(fake.url), "onprem": openai_provider(fake.url)},
        "models": [fake_model("gpt-4o", "fake"),
                   fake_model(LOCAL, "onprem", region="on-prem", upstream="qwen",
                              prices=[{"effective": "2024-01-01", "currency": "JPY", "input": "0", "output": "0"}])],
        "default_model": "gpt-4o",
        "routing": {"constraints": []},
        "finops": {"self_hosted": {LOCAL: {"gpu_hour_jpy": 350, "tokens_per_second": 40}},
                   "use_cases": {"nippo": {"outcome": "日報", "value_jpy": 10}}},
    }


def cli(path: Path, *args: str) -> str:
    res = CliRunner().invoke(app, [*args, "-c", str(path)], obj=ManualClock(NOON), env={"COLUMNS": "250", **ENV},
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def test_self_hosted_cost_is_charged_to_the_teams_that_used_it(lt: LoopThread, fake_openai: FakeOpenAI,
                                                               tmp_path: Path) -> None:
    cfg = config(fake_openai, tmp_path)
    gw = start_gateway(lt, cfg, tmp_path, ENV, clock=ManualClock(NOON))
    try:
        keys = {team: make_key(gw, team) for team in ("sales", "dev")}
        for team, model, n in [("sales", LOCAL, 3), ("sales", "gpt-4o", 1), ("dev", LOCAL, 2)]:
            c = openai.OpenAI(base_url=gw.base_url, api_key=keys[team], max_retries=0)
            for _ in range(n):
                c.chat.completions.create(model=model, messages=[{"role": "user", "content": "本日の日報を要約して"}],
                                          extra_headers={"x-tenbin-use-case": "nippo"})
        rows = gw.rows()
        assert len(rows) == 6 and all(r["status"] == 200 for r in rows)
        assert {r["cost_jpy_nanos"] for r in rows if r["served_model"] == LOCAL} == {0}  # no vendor bill
    finally:
        gw.stop()
    path = tmp_path / "tenbin.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")

    # tenbin costs: each team pays for its own GPU tokens; the vendor part is unchanged
    doc = json.loads(cli(path, "costs", "--period", "2026-11", "--by", "team", "--format", "json"))
    by = {r["team"]: r for r in doc["rows"]}
    assert Decimal(by["sales"]["self_hosted_jpy"]) == (Decimal(SALES_NANOS) / NANO).quantize(Decimal("0.0001"))
    assert Decimal(by["dev"]["self_hosted_jpy"]) == (Decimal(DEV_NANOS) / NANO).quantize(Decimal("0.0001"))
    assert Decimal(by["sales"]["vendor_jpy"]) == (Decimal(GPT_NANOS) / NANO).quantize(Decimal("0.0001"))
    assert Decimal(by["dev"]["vendor_jpy"]) == 0
    total_nanos = SALES_NANOS + DEV_NANOS + GPT_NANOS
    assert Decimal(doc["total"]["cost_jpy"]) == (Decimal(total_nanos) / NANO).quantize(Decimal("0.0001"))

    # ROI of the on-prem use case counts the GPU: before, its cost was ¥0 and ROI undefined
    roi = json.loads(cli(path, "costs", "--period", "2026-11", "--by", "use-case,model", "--format", "json"))
    (nippo_local,) = [r for r in roi["rows"] if r["model"] == LOCAL]
    cost = Decimal(SALES_NANOS + DEV_NANOS) / NANO
    assert nippo_local["roi"] == str(((50 - cost) / cost).quantize(Decimal("0.01")))  # 5 outcomes × ¥10
    assert nippo_local["jpy_per_outcome"] == str((cost / 5).quantize(Decimal("0.0001")))

    # FOCUS: own charge rows, nothing billed, the amortised cost in EffectiveCost; sums reconcile
    out = tmp_path / "focus.csv"
    cli(path, "export", "focus", "--period", "2026-11", "--out", str(out))
    with out.open(encoding="utf-8") as f:
        focus = list(csv.DictReader(f))
    local = [r for r in focus if r["SkuId"] == f"{LOCAL}:self-hosted"]
    assert sorted(r["SubAccountId"] for r in local) == ["dev", "sales"]
    for r in local:
        assert (r["ChargeCategory"], r["ServiceCategory"], r["ServiceSubcategory"]) == (
            "Usage", "AI and Machine Learning", "Generative AI")
        assert r["BilledCost"] == "0.0000000000" and r["InvoiceIssuerName"] == ""
        assert r["EffectiveCost"] == r["ListCost"] == r["ContractedCost"]
        assert r["PricingUnit"] == "1M Tokens" and r["RegionId"] == "on-prem"
        assert json.loads(r["SkuPriceDetails"])["Basis"] == "gpu_hour"
    sales = next(r for r in local if r["SubAccountId"] == "sales")
    assert sales["ConsumedQuantity"] == "51" and Decimal(sales["EffectiveCost"]) * NANO == SALES_NANOS
    assert not [r for r in focus if r["ResourceId"] == LOCAL and r["SkuId"] != f"{LOCAL}:self-hosted"]
    assert sum(Decimal(r["BilledCost"]) for r in focus) * NANO == GPT_NANOS  # = the vendors' invoices
    assert sum(Decimal(r["EffectiveCost"]) for r in focus) * NANO == total_nanos  # = tenbin costs

    # make or buy at the same volume: 5 × (11 in, 6 out) on gpt-4o = 55 × ¥385 + 30 × ¥1,540 per 1M = ¥0.067375
    view = cli(path, "costs", "--unit-prices", "--period", "2026-11")
    assert "Make or buy at the real volume of 2026-11" in view
    same = [[c.strip() for c in ln.strip().strip("│").split("│")] for ln in view.splitlines() if "55 / 30" in ln]
    assert [LOCAL, "55 / 30", "¥0.21", "gpt-4o", "¥0.07", "¥-0.14"] in same
    assert len(same) > 1  # compared with every API model whose price is known
