"""Hot reload under load: POST /admin/config/reload (what `tenbin reload` calls; SIGHUP runs the
same swap) changes policy, models and budgets for the next request while requests in flight finish
under the policy that routed them — none is lost — and the change is audited."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml

from tenbin.clock import ManualClock
from tenbin.config.loader import build_config, config_hash
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import audit_rows, ledger_rows, make_key
from tests.harness import LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake"}
N = 60


def policy(fake_url: str, store: str, default: str, **extra: Any) -> dict[str, Any]:
    return {"store": store, "providers": {"fake": openai_provider(fake_url, timeout_s=10, first_byte_timeout_s=10)},
            "models": [fake_model("gpt-a", "fake"), fake_model("gpt-b", "fake")],
            "default_model": default, "routing": {"constraints": []}, "privacy": {"enabled": False}, **extra}


def test_reload_under_load_loses_no_request(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_KEY", ENV["FAKE_KEY"])  # the reload reads the file with the process's environment
    store = f"sqlite:///{tmp_path / 'tenbin.db'}"
    path = tmp_path / "tenbin.yaml"
    old = policy(fake_openai.url, store, "gpt-a")
    path.write_text(yaml.safe_dump(old), encoding="utf-8")
    fake_openai.delay = 0.25  # every answer takes a while: requests are in flight when the swap happens
    gw = start_gateway(lt, old, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    gw.runtime.config_source = str(path)
    admin, app_key = make_key(gw, "ops", role="admin"), make_key(gw, "sales")
    start_hash = config_hash(gw.runtime.cfg)
    client = openai.OpenAI(base_url=gw.base_url, api_key=app_key, max_retries=0, timeout=30)
    reloaded_at: list[float] = []
    results: list[tuple[float, float, str]] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        t0 = time.monotonic()
        r = client.chat.completions.create(model="tenbin/auto", messages=[{"role": "user", "content": f"質問 {i}"}])
        with lock:
            results.append((t0, time.monotonic(), r.model))

    new = policy(fake_openai.url, store, "gpt-b", finops={"budgets": [
        {"name": "cs-daily", "scope": "team", "match": "sales", "period": "day", "limit_jpy": "5000"}]})
    try:
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(one, i) for i in range(N)]
            deadline = time.monotonic() + 20
            while len(fake_openai.requests) < N // 3:  # a third has reached the vendor
                assert time.monotonic() < deadline
                time.sleep(0.01)
            path.write_text(yaml.safe_dump(new), encoding="utf-8")
            reloaded_at.append(time.monotonic())
            r = httpx.post(gw.url + "/admin/config/reload", headers={"Authorization": f"Bearer {admin}"}, timeout=30)
            reloaded_at.append(time.monotonic())
            futures += [pool.submit(one, N + i) for i in range(10)]  # sent after the reload answered
            for f in futures:
                f.result()  # every request answered: none failed or was dropped by the swap
        assert r.status_code == 200, r.text
        body = r.json()
        rows = ledger_rows(gw)
        entries = audit_rows(gw)
    finally:
        gw.stop()
    assert (body["previous_sha256"], body["sha256"]) == (start_hash, config_hash(build_config(new, env=ENV)))
    assert body["changed"] == ["default_model", "finops"]
    assert len(results) == N + 10 and len(rows) == N + 10 and all(row["status"] == 200 for row in rows)
    asked, at = reloaded_at  # when the reload was asked for, and when it had answered
    # each answer is the model the vendor was asked for: nothing re-routed or lost mid-flight
    assert Counter(m for _, _, m in results) == Counter(r.json["model"] for r in fake_openai.requests)
    assert {m for _, t1, m in results if t1 < asked} == {"gpt-a"}
    assert {m for t0, _, m in results if t0 > at} == {"gpt-b"}  # the next requests follow the new policy
    # requests already at the vendor when the reload began finished after it, on the model they were given
    assert any(m == "gpt-a" and t1 > asked for _, t1, m in results)
    assert gw.runtime.finops is not None and "cs-daily" in {b.name for b in gw.runtime.finops.rules}
    reload_entries = [e for e in entries if e["action"].startswith("config.reload")]
    assert [e["action"] for e in reload_entries] == ["config.reload", "config.reload.request"]
    detail = json.loads(reload_entries[0]["detail"])
    assert (detail["previous_sha256"], detail["config_sha256"]) == (start_hash, body["sha256"])
    assert reload_entries[1]["key_id"] == admin.split("-")[1] and reload_entries[1]["role"] == "admin"


def test_bad_reload_changes_nothing(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_KEY", ENV["FAKE_KEY"])
    store = f"sqlite:///{tmp_path / 'tenbin.db'}"
    path = tmp_path / "tenbin.yaml"
    old = policy(fake_openai.url, store, "gpt-a")
    path.write_text(yaml.safe_dump(old), encoding="utf-8")
    gw = start_gateway(lt, old, tmp_path, ENV, clock=ManualClock("2026-11-16T03:00:00Z"))
    gw.runtime.config_source = str(path)
    admin = make_key(gw, "ops", role="admin")
    try:
        h = httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {admin}"}, timeout=30)
        typo = policy(fake_openai.url, store, "gpt-b", routing={"constraints": [
            {"name": "c", "when": {"data_class": "PERSONAL"}, "require": {"region": ["JP", "onprem"]}}]})
        path.write_text(yaml.safe_dump(typo), encoding="utf-8")
        r1 = h.post("/admin/config/reload")
        moved = policy(fake_openai.url, store, "gpt-b")
        moved["providers"]["fake"]["max_retries"] = 0
        path.write_text(yaml.safe_dump(moved), encoding="utf-8")
        r2 = h.post("/admin/config/reload")
        app_key = make_key(gw, "sales")
        r3 = h.post("/admin/config/reload", headers={"Authorization": f"Bearer {app_key}"})
        c = openai.OpenAI(base_url=gw.base_url, api_key=app_key, max_retries=0)
        served = c.chat.completions.create(model="tenbin/auto", messages=[{"role": "user", "content": "hi"}]).model
        reloads = [e for e in audit_rows(gw) if e["action"].startswith("config.reload")]
    finally:
        gw.stop()
    assert r1.status_code == 400 and r1.json()["error"]["code"] == "config_invalid"
    assert "'onprem'" in r1.json()["error"]["message"] and "did you mean 'on-prem'" in r1.json()["error"]["message"]
    assert r2.status_code == 400 and "providers changed: restart the gateway" in r2.json()["error"]["message"]
    assert r3.status_code == 403
    assert served == "gpt-a" and reloads == []  # the running policy stayed, nothing recorded as reloaded
