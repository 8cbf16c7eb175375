"""``/metrics`` scraped from a real gateway and parsed with the Prometheus client's OpenMetrics
parser: the counters agree with the ledger row for row, and only an admin key may read them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families

from tenbin.ledger.record import UsageRecord
from tenbin.observe.metrics import Metrics
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    cfg = {"providers": {"v": openai_provider(fake_openai.url)}, "models": [fake_model("m", "v")],
           "default_model": "m"}
    g = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    yield g
    g.stop()


def _samples(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    out: dict[str, list[tuple[dict[str, str], float]]] = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out.setdefault(s.name, []).append((s.labels, s.value))
    return out


def test_counters_match_the_ledger_and_need_an_admin_key(gw: GatewayHandle) -> None:
    admin, _ = gw.lt.run(gw.runtime.keyring.create("ops", "mon", "admin"))
    app, _ = gw.lt.run(gw.runtime.keyring.create("sales", "crm", "app"))
    c = openai.OpenAI(base_url=gw.base_url, api_key=app, max_retries=0)
    msgs: list[dict[str, str]] = [{"role": "user", "content": "こんにちは"}]
    for _ in range(3):
        c.chat.completions.create(model="m", messages=msgs)  # type: ignore[arg-type]
    list(c.chat.completions.create(model="m", messages=msgs, stream=True))  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError):
        c.chat.completions.create(model="m", messages=[])
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=gw.base_url, api_key="tb-wrong-key", max_retries=0).chat.completions.create(
            model="m", messages=msgs)  # type: ignore[arg-type]

    assert httpx.get(gw.url + "/metrics").status_code == 401
    assert httpx.get(gw.url + "/metrics", headers={"authorization": f"Bearer {app}"}).status_code == 403
    r = httpx.get(gw.url + "/metrics", headers={"authorization": f"Bearer {admin}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/openmetrics-text")
    s = _samples(r.text)

    rows = gw.rows()
    by_status: dict[str, float] = {}
    for labels, v in s["tenbin_requests_total"]:
        by_status[labels["status"]] = by_status.get(labels["status"], 0) + v
    ledger_status: dict[str, float] = {}
    for row in rows:
        ledger_status[str(row["status"])] = ledger_status.get(str(row["status"]), 0) + 1
    assert by_status == ledger_status and by_status["200"] == 4
    ok = [lab for lab, _ in s["tenbin_requests_total"] if lab["status"] == "200"]
    assert {lab["model"] for lab in ok} == {"m"} and {lab["team"] for lab in ok} == {"sales"}
    out = sum(v for lab, v in s["tenbin_tokens_total"] if lab["type"] == "output")
    assert out == sum(row["completion_tokens"] for row in rows)
    cost = sum(v for _, v in s["tenbin_cost_jpy_total"])
    assert cost == pytest.approx(sum(row["cost_jpy_nanos"] for row in rows) / 1e9)
    ttft = [v for lab, v in s["tenbin_time_to_first_token_seconds_count"] if lab["model"] == "m"]
    assert ttft == [1.0]  # the one stream
    assert [v for lab, v in s["tenbin_breaker_state"] if lab["model"] == "m"] == [0.0]
    assert [v for lab, v in s["tenbin_provider_available"] if lab["provider"] == "v"] == [1.0]
    assert "tenbin_ledger_pending" in s and "tenbin_audit_quarantined" in s


def _rec(team: str, model: str | None = "m") -> UsageRecord:
    return UsageRecord(request_id="r", ts_start=0, ts_end=1, key_id="k", team=team, project="p", use_case=None,
                       requested_model="typed-by-client", served_model=model, provider="v", region="JP",
                       completion_tokens=3, latency_ms=12.0)


def test_label_values_are_bounded() -> None:
    m = Metrics(["m"], ["v"], max_teams=2)
    for team in ("a", "b", "c", "d"):
        m.observe(_rec(team))
    m.observe(_rec("a", model=None))  # refused before routing: the name the client typed is not a label
    text = m.exposition({})[0].decode()
    s = _samples(text)
    teams = {lab["team"] for lab, _ in s["tenbin_requests_total"]}
    models = {lab["model"] for lab, _ in s["tenbin_requests_total"]}
    assert teams == {"a", "b", "other"} and models == {"m", "other"}


def test_budget_utilisation_counts_held_reservations() -> None:
    from tenbin.observe.metrics import budget_utilisation

    rows = [{"budget": "cs", "subject": "sales", "limit_jpy": "100", "spent_jpy": "40.5", "reserved_jpy": "9.5"},
            {"budget": "zero", "subject": "x", "limit_jpy": "0", "spent_jpy": "1", "reserved_jpy": "0"}]
    assert budget_utilisation(rows) == {("cs", "sales"): 0.5}


def test_the_grafana_dashboard_uses_only_metrics_we_export(gw: GatewayHandle) -> None:
    import json
    import re

    admin, _ = gw.lt.run(gw.runtime.keyring.create("ops", "mon", "admin"))
    openai.OpenAI(base_url=gw.base_url, api_key=admin, max_retries=0).chat.completions.create(
        model="m", messages=[{"role": "user", "content": "hi"}])
    text = httpx.get(gw.url + "/metrics", headers={"authorization": f"Bearer {admin}"}).text
    exported = set(_samples(text)) | {f.name for f in text_string_to_metric_families(text)}  # + empty families
    dash = json.loads((Path(__file__).parents[2] / "deploy/grafana/tenbin.json").read_text(encoding="utf-8"))
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    used = {name for e in exprs for name in re.findall(r"\btenbin_[a-z_]+", e)}
    assert used and used <= exported, used - exported


def test_metrics_can_be_turned_off(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    cfg = {"providers": {"v": openai_provider(fake_openai.url)}, "models": [fake_model("m", "v")],
           "default_model": "m", "metrics": {"enabled": False}}
    g = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    try:
        admin, _ = g.lt.run(g.runtime.keyring.create("ops", "mon", "admin"))
        r = httpx.get(g.url + "/metrics", headers={"authorization": f"Bearer {admin}"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "metrics_disabled"
        assert g.runtime.metrics is None and g.runtime.ledger.observers == []
    finally:
        g.stop()
