"""The what-if replay on a history recorded through the real gateway (real openai SDK over HTTP,
fake vendors, real SQLite ledger, pinned clock): ``prompt_contains`` rules, PII masking, a
fallback after a vendor failure and budget downgrades. With no scenario the replay must reproduce
every recorded decision and its cost exactly; a scenario changes only what it names.

Every expected yen below is computed here from the prices in the config (literals), not by the code
under test. Each fake answers 11 prompt and 6 completion tokens. At the shipped ¥154/$:

* ``gpt`` ($2/$8 per 1M): 11×2 + 6×8 = $0.000070 → ¥0.010780
* ``cheap`` ($0.10/$0.40): 1.1 + 2.4 = $0.0000035 → ¥0.000539
* ``jp`` (¥100/¥400): 1100 + 2400 = ¥0.003500
"""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openai
import pytest
from typer.testing import CliRunner

from tenbin.catalog.catalog import load_catalog
from tenbin.cli.main import app
from tenbin.clock import ManualClock
from tenbin.config.loader import build_config
from tenbin.finops.periods import parse_period
from tenbin.finops.replay.scenario import parse_scenario
from tenbin.finops.replay.shapes import load_key_models, load_shapes
from tenbin.finops.replay.simulate import ReplayResult, replay
from tenbin.fx import FxTable
from tenbin.store.sqlite import SQLiteStore
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}
NOON = "2026-11-20T03:00:00Z"  # Friday noon in Tokyo
GPT, CHEAP, JP = Decimal("0.010780"), Decimal("0.000539"), Decimal("0.003500")
PUBLIC = "来週の会議の議題を三つ挙げてください。"
RINGI = "この稟議の論点を整理してください。"
PII = "山田太郎さん（電話 090-1234-5678、メール taro.yamada@example.co.jp）に送る案内文を書いてください。"


def _cfg(us: FakeOpenAI, jp: FakeOpenAI, db: Path) -> dict[str, Any]:
    return {
        "store": f"sqlite:///{db}",
        "providers": {"us": openai_provider(us.url), "jpco": openai_provider(jp.url)},
        "models": [
            fake_model("gpt", "us", prices=[{"effective": "2025-01-01", "currency": "USD", "input": "2",
                                             "output": "8"}]),
            fake_model("cheap", "us", prices=[{"effective": "2025-01-01", "currency": "USD", "input": "0.10",
                                               "output": "0.40"}]),
            fake_model("jp", "jpco", region="JP", prices=[{"effective": "2025-01-01", "currency": "JPY",
                                                         "input": "100", "output": "400"}]),
        ],
        "default_model": "gpt",
        "fallbacks": {"gpt": ["jp"]},
        # The default constraints stay: personal data goes abroad only masked.
        "routing": {"on_sensitive": "mask",
                    "constraints": [{"name": "personal-in-japan", "when": {"min_data_class": "PERSONAL"},
                                     "require": {"region": ["JP", "on-prem"]}, "unless_masked": True}],
                    "rules": [{"name": "ringi-domestic", "when": {"prompt_contains": ["稟議"]}, "model": "jp",
                               "client_model": "reroute"}]},
        # Every request of the "daily" use case is over its budget at once and downgraded to cheap.
        "finops": {"budgets": [{"name": "daily-cap", "scope": "use_case", "match": "daily", "period": "day",
                                "limit_jpy": "0.000001", "action": "downgrade", "downgrade_to": "cheap"}]},
    }


def _ask(client: openai.OpenAI, text: str, use_case: str | None = None) -> str:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt", messages=[{"role": "user", "content": text}], max_tokens=50,
        extra_headers={"x-tenbin-use-case": use_case} if use_case else None)
    return raw.headers["x-tenbin-model"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("history")
    lt = LoopThread()
    us, jp = lt.run(FakeOpenAI().start()), lt.run(FakeOpenAI().start())
    cfg = _cfg(us, jp, tmp / "tenbin.db")
    gw = start_gateway(lt, cfg, tmp, ENV, clock=ManualClock(NOON))
    try:
        client = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
        served = {"public": [_ask(client, PUBLIC) for _ in range(4)],
                  "ringi": [_ask(client, RINGI) for _ in range(3)],
                  "pii": [_ask(client, PII) for _ in range(2)],
                  "daily": [_ask(client, PUBLIC, "daily") for _ in range(2)]}
        us.script = [{"status": 500}, {"status": 500}]  # the first try and its one retry fail
        served["fallback"] = [_ask(client, PUBLIC)]
        rows = gw.rows()
    finally:
        gw.stop()
        lt.run(us.stop())
        lt.run(jp.stop())
        lt.close()
    return {"cfg": cfg, "db": tmp / "tenbin.db", "served": served, "rows": rows, "tmp": tmp}


def _replay(history: dict[str, Any], prices: list[str] = (), outages: list[str] = ()) -> ReplayResult:  # type: ignore[assignment]
    cfg = build_config(history["cfg"], env=ENV)

    async def go() -> Any:
        store = SQLiteStore(str(history["db"]))
        await store.migrate()
        try:
            return await load_shapes(store, parse_period("2026-11")), await load_key_models(store)
        finally:
            await store.close()

    shapes, keys = asyncio.run(go())
    return replay(shapes, cfg, load_catalog(cfg.models), FxTable(), parse_scenario(list(prices), list(outages), [],
                                                                                      None), keys=keys)


def test_the_history_has_every_kind_of_decision(history: dict[str, Any]) -> None:
    s = history["served"]
    assert s == {"public": ["gpt"] * 4, "ringi": ["jp"] * 3, "pii": ["gpt"] * 2, "daily": ["cheap"] * 2,
                 "fallback": ["jp"]}
    rows = history["rows"]
    assert len(rows) == 12 and all(r["status"] == 200 for r in rows)
    assert sum('"budget_downgrade"' in r["route"] for r in rows) == 2
    assert sum('"failed"' in r["route"] for r in rows) == 1
    assert sum('"ringi-domestic"' in r["route"] for r in rows) == 3
    assert sum(r["data_class"] == "personal" for r in rows) == 2
    # facts, not text: no prompt, name, phone number or address reaches the ledger
    for r in rows:
        assert '"facts"' in r["route"]
        assert not re.search("山田|090|taro|会議|論点", r["route"])
    assert sum(r["cost_jpy_nanos"] for r in rows) == int((6 * GPT + 2 * CHEAP + 4 * JP) * 10**9)


def test_no_scenario_is_no_change(history: dict[str, Any]) -> None:
    res = _replay(history)
    assert res.rows == 12 and res.approximate == 0
    assert res.baseline_jpy == res.scenario_jpy == 6 * GPT + 2 * CHEAP + 4 * JP
    assert res.delta_jpy == Decimal(0)
    assert res.moved == 0 and not res.moves
    assert res.refused == 0 and not res.gaps
    assert res.japan_share(False) == res.japan_share(True)


def test_outage_moves_exactly_the_requests_that_went_there(history: dict[str, Any]) -> None:
    res = _replay(history, outages=["us"])
    # public and masked PII on gpt fall back to jp; the downgraded "daily" requests have no compliant
    # model under their budget (jp costs more than cheap), so they are gaps; ringi and the
    # fallback request were already on jp.
    assert res.moves == {("gpt", "jp"): 6}
    assert res.gaps == {("gpt", "every model in the chain is down"): 2}
    assert res.alternatives[("gpt", "every model in the chain is down")] == {"jp"}
    assert res.scenario_jpy == 10 * JP
    assert res.delta_jpy == 10 * JP - (6 * GPT + 2 * CHEAP + 4 * JP)
    assert res.move_cost[("gpt", "jp")] == 6 * (JP - GPT)
    assert res.use_cases["daily"].gaps == 2 and res.use_cases[""].moved == 6


def test_outage_of_one_model_only(history: dict[str, Any]) -> None:
    res = _replay(history, outages=["cheap"])
    assert not res.moves and res.gaps == {("gpt", "every model in the chain is down"): 2}
    assert res.scenario_jpy == 6 * GPT + 4 * JP


def test_price_rise_is_exactly_30_percent_of_that_vendors_share(history: dict[str, Any]) -> None:
    res = _replay(history, prices=["us:+30%"])
    assert not res.moves and not res.gaps
    assert res.delta_jpy == (6 * GPT + 2 * CHEAP) * Decimal("0.3")
    assert _replay(history, prices=["jp:-50%"]).delta_jpy == -4 * JP / 2


def _cli_cfg(history: dict[str, Any]) -> Path:
    import yaml

    path = Path(history["tmp"]) / "tenbin.yaml"
    path.write_text(yaml.safe_dump(history["cfg"], allow_unicode=True), encoding="utf-8")
    return path


def test_cli_baseline_reports_no_change(history: dict[str, Any]) -> None:
    res = CliRunner().invoke(app, ["simulate", "-c", str(_cli_cfg(history)), "--period", "2026-11"],
                             env={"COLUMNS": "250", **ENV}, obj=ManualClock(NOON), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "0 requests moved, 0 refused" in res.output
    assert re.search(r"cost\s*│\s*¥0\.08\s*│\s*¥0\.08\s*│\s*¥0\.00", res.output), res.output


@pytest.mark.parametrize("args,named,hint", [
    (["--outage", "openia"], "--outage 'openia'", None),
    (["--outage", "uss"], "--outage 'uss'", "did you mean 'us'"),
    (["--price", "antrhopic:+30%"], "--price 'antrhopic'", None),
    (["--price", "gtp:+30%"], "--price 'gtp'", "did you mean 'gpt'"),
])
def test_unknown_names_are_refused(history: dict[str, Any], args: list[str], named: str, hint: str | None) -> None:
    res = CliRunner().invoke(app, ["simulate", "-c", str(_cli_cfg(history)), "--period", "2026-11", *args],
                             env={"COLUMNS": "250", **ENV}, obj=ManualClock(NOON))
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())
    assert named in out and "no provider or model of that name" in out
    providers, models = out.split("Providers: ")[1].split(". Models: ")
    assert {"us", "jpco"} <= set(providers.split(", "))
    assert {"cheap", "gpt", "jp"} <= set(models.rstrip(".").split(", "))
    if hint:
        assert hint in out


def test_policy_change_moves_only_what_its_rule_matches(history: dict[str, Any], tmp_path: Path) -> None:
    """The 稟議 rule now sends to gpt: exactly the three requests it matched move (the fallback
    request still finds gpt failed, as it did); a new needle is reported as not evaluable."""
    import yaml

    routing = dict(history["cfg"]["routing"])
    routing["rules"] = [{**routing["rules"][0], "model": "gpt"},
                        {"name": "estimates", "when": {"prompt_contains": ["見積"]}, "model": "cheap"}]
    pol = tmp_path / "new.yaml"
    pol.write_text(yaml.safe_dump({"routing": routing}, allow_unicode=True), encoding="utf-8")
    cfg = build_config(history["cfg"], env=ENV)

    async def go() -> Any:
        store = SQLiteStore(str(history["db"]))
        await store.migrate()
        try:
            return await load_shapes(store, parse_period("2026-11")), await load_key_models(store)
        finally:
            await store.close()

    shapes, keys = asyncio.run(go())
    res = replay(shapes, cfg, load_catalog(cfg.models), FxTable(), parse_scenario([], [], [], pol), keys=keys)
    assert res.moves == {("jp", "gpt"): 3} and not res.gaps
    assert res.delta_jpy == 3 * (GPT - JP)
    assert len(res.unevaluable) == 1 and "見積" in res.unevaluable[0]
