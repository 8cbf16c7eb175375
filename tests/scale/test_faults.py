"""Fault injection: each upstream, Redis and PostgreSQL failure gives the client a fallback answer or
a clear OpenAI-format error within its deadline, the gateway keeps serving, and no ledger row is lost."""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tenbin.clock import SYSTEM, Clock, ManualClock
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway
from tests.scale.proxy import BlackHole, TcpProxy
from tests.scale.services import PG_BASE, dead_port

ENV = {"FAKE_KEY": "sk-fake-upstream-secret"}
DEADLINE = 8.0  # the client's own timeout: every answer, good or bad, must come before it


def config(upstream: str, store: str, *, primary: str | None = None, **extra: Any) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "store": store,
        "providers": {"fake": openai_provider(primary or upstream), "backup": openai_provider(upstream)},
        "models": [fake_model("gpt-4o", "fake"), fake_model("backup-4o", "backup")],
        "default_model": "gpt-4o",
        "fallbacks": {"gpt-4o": ["backup-4o"]},
        "breaker": {"failure_threshold": 50},
        "retry": {"base_delay_s": 0.01, "max_delay_s": 0.05},
        "ledger": {"flush_interval_s": 0.05},
    }
    cfg.update(extra)
    return cfg


@pytest.fixture
def pg_proxy(lt: LoopThread, pg_schema: str) -> Iterator[tuple[TcpProxy, str]]:
    proxy = lt.run(TcpProxy("127.0.0.1", 5432).start())
    base = PG_BASE.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    yield proxy, f"{base}?options=-csearch_path%3D{pg_schema}"
    lt.run(proxy.cut())


def client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=DEADLINE)


def ask(gw: GatewayHandle, **kw: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    raw = client(gw).chat.completions.with_raw_response.create(
        model="gpt-4o", messages=[{"role": "user", "content": "障害試験"}], **kw)
    return raw, time.perf_counter() - t


def ledger_ids(gw: GatewayHandle) -> collections.Counter[str]:
    return collections.Counter(str(r["request_id"]) for r in gw.rows())


@pytest.fixture
def gw_factory(lt: LoopThread, tmp_path: Path, pg_schema: str) -> Iterator[Any]:
    """Gateways stop before their schema is dropped (else the ledger's drain waits on a dead table)."""
    started: list[GatewayHandle] = []

    def make(cfg: dict[str, Any], clock: Clock = SYSTEM) -> GatewayHandle:
        h = start_gateway(lt, cfg, tmp_path, ENV, clock=clock)
        started.append(h)
        return h

    yield make
    for h in started:
        h.stop()


@pytest.mark.parametrize(("fault", "served"), [
    ([{"status": 500}, {"status": 500}], "backup-4o"),  # primary fails twice (retry), backup answers
    ([{"status": 429, "retry_after": "1"}], "gpt-4o"),  # Retry-After honoured, then the primary answers
    ([{"reset": True}, {"reset": True}], "backup-4o"),
    ([{"reset_mid_body": True}, {"reset_mid_body": True}], "backup-4o"),
    ([{"malformed": True}], "backup-4o"),  # not retried: the next model answers
    ([{"delay": 2.5}, {"delay": 2.5}], "backup-4o"),  # read timeout (first byte 2 s) twice
])
def test_upstream_faults_fall_back_within_deadline(
        gw_factory: Any, fake_openai: FakeOpenAI, pg: str, fault: list[dict[str, Any]], served: str) -> None:
    gw = gw_factory(config(fake_openai.url, pg))
    fake_openai.script = list(fault)
    raw, took = ask(gw)
    assert raw.headers["x-tenbin-model"] == served
    assert raw.parse().choices[0].message.content == fake_openai.reply
    assert took < DEADLINE
    if fault[0].get("status") == 429:
        assert took >= 1.0  # waited as told
    raw2, _ = ask(gw)  # still serving
    assert raw2.headers["x-tenbin-model"] == "gpt-4o"
    ids = ledger_ids(gw)
    assert ids[raw.headers["x-tenbin-request-id"]] == 1 and ids[raw2.headers["x-tenbin-request-id"]] == 1


def test_connect_refused_and_hung_upstream(lt: LoopThread, gw_factory: Any, fake_openai: FakeOpenAI,
                                           pg: str) -> None:
    refused = gw_factory(config(fake_openai.url, pg, primary=f"http://127.0.0.1:{dead_port()}/v1"))
    raw, took = ask(refused)
    assert raw.headers["x-tenbin-model"] == "backup-4o" and took < 2
    hole = lt.run(BlackHole().start())
    try:
        hung = gw_factory(config(fake_openai.url, pg, primary=f"http://127.0.0.1:{hole.port}/v1"))
        raw, took = ask(hung)
        assert raw.headers["x-tenbin-model"] == "backup-4o" and took < DEADLINE
    finally:
        lt.run(hole.stop())


def test_every_model_failing_is_a_clear_openai_error(gw_factory: Any, fake_openai: FakeOpenAI, pg: str) -> None:
    gw = gw_factory(config(fake_openai.url, pg))
    fake_openai.script = [{"status": 500}] * 4
    with pytest.raises(openai.APIStatusError) as e:
        ask(gw)
    assert e.value.status_code == 502
    body = e.value.body
    assert isinstance(body, dict) and "gpt-4o" in str(body.get("message"))
    rid = e.value.response.headers["x-tenbin-request-id"]
    assert ledger_ids(gw)[rid] == 1


def test_truncated_stream_ends_with_an_error_event_and_is_recorded(
        gw_factory: Any, fake_openai: FakeOpenAI, pg: str) -> None:
    gw = gw_factory(config(fake_openai.url, pg))
    fake_openai.script = [{"truncate": True}]
    stream = client(gw).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "x"}], stream=True)
    with pytest.raises(openai.APIError, match="upstream stream failed"):
        list(stream)
    rows = gw.rows("stream = 1")
    assert [r["status"] for r in rows] == [502]
    raw, _ = ask(gw)
    assert raw.parse().choices[0].message.content == fake_openai.reply


def test_slow_drip_stream_completes(gw_factory: Any, fake_openai: FakeOpenAI, pg: str) -> None:
    gw = gw_factory(config(fake_openai.url, pg))
    fake_openai.script = [{"drip": 0.2}]  # 1.2 s for the whole answer: slow, but alive
    t = time.perf_counter()
    chunks = list(client(gw).chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "x"}], stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == fake_openai.reply
    assert 1.0 < time.perf_counter() - t < DEADLINE
    assert gw.rows("stream = 1")[0]["status"] == 200


def test_redis_down_keeps_serving_with_local_limits(gw_factory: Any, fake_openai: FakeOpenAI, pg: str) -> None:
    gw = gw_factory(config(fake_openai.url, pg, redis=f"redis://127.0.0.1:{dead_port()}/0",
                           shared={"rate_limits": {"per_key": {"rpm": 3}}},
                           finops={"budgets": [{"name": "cap", "limit_jpy": "100"}]}))
    t = time.perf_counter()
    codes = []
    for _ in range(5):
        try:
            ask(gw)
            codes.append(200)
        except openai.RateLimitError as e:
            codes.append(e.status_code)
            assert int(e.response.headers["retry-after"]) >= 1
    assert codes == [200, 200, 200, 429, 429]  # the per-replica fallback limiter still limits
    assert time.perf_counter() - t < 5
    assert client(gw).models.list().data


def test_postgres_down_and_back_loses_no_row(lt: LoopThread, pg_proxy: tuple[TcpProxy, str],
                                             gw_factory: Any, fake_openai: FakeOpenAI) -> None:
    proxy, url = pg_proxy
    clock = ManualClock("2026-11-20T03:00:00Z")
    gw = gw_factory(config(fake_openai.url, url), clock)
    before = [ask(gw)[0].headers["x-tenbin-request-id"] for _ in range(3)]
    gw.flush()
    lt.run(proxy.cut())
    clock.advance(2.5)  # past every 2 s re-check of the key store: the outage must outlast the caches
    during = []
    for _ in range(10):
        raw, took = ask(gw)
        assert took < 2  # the request path never waits on the database
        during.append(raw.headers["x-tenbin-request-id"])
    assert not lt.run(gw.runtime.ledger.flush())  # the store is really gone
    assert gw.runtime.ledger.pending >= 10
    assert httpx.get(gw.url + "/healthz").json()["ledger_pending"] >= 10  # visible to monitoring
    lt.run(proxy.restore())
    ids = ledger_ids(gw)
    assert all(ids[i] == 1 for i in before + during), ids
    assert gw.runtime.ledger.pending == 0


def test_full_buffer_raises_the_alarm_and_the_spool_keeps_the_rows(
        lt: LoopThread, pg_proxy: tuple[TcpProxy, str], gw_factory: Any, fake_openai: FakeOpenAI,
        tmp_path: Path) -> None:
    proxy, url = pg_proxy
    spool = tmp_path / "spool"
    gw = gw_factory(config(fake_openai.url, url, ledger={"max_buffer": 4, "spool_dir": str(spool)}))
    ask(gw)
    gw.flush()
    lt.run(proxy.cut())
    sent = [ask(gw)[0].headers["x-tenbin-request-id"] for _ in range(8)]
    assert gw.runtime.ledger.dropped == 4
    assert sum(1 for _ in spool.glob("seg-*.jsonl")) >= 1
    lt.run(proxy.restore())
    gw.stop()  # the 4 unbuffered rows wait in the spool for the next start
    again = gw_factory(config(fake_openai.url, url, ledger={"max_buffer": 4, "spool_dir": str(spool)}))
    lt.run(again.runtime.ledger.wait_replayed())
    assert again.runtime.ledger.recovered >= 4
    assert list(spool.glob("seg-*.jsonl")) == []
    ids = ledger_ids(again)
    assert all(ids[i] == 1 for i in sent), ([ids[i] for i in sent], again.runtime.ledger.pending, len(ids))


def test_postgres_down_with_keys_required_serves_known_keys(
        lt: LoopThread, pg_proxy: tuple[TcpProxy, str], gw_factory: Any, fake_openai: FakeOpenAI) -> None:
    proxy, url = pg_proxy
    clock = ManualClock("2026-11-20T03:00:00Z")
    gw = gw_factory(config(fake_openai.url, url, server={"auth": "required"}), clock)
    key, _ = lt.run(gw.runtime.keyring.create("sales", "p"))
    other, _ = lt.run(gw.runtime.keyring.create("eng", "p"))
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0, timeout=DEADLINE)
    c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    lt.run(proxy.cut())
    clock.advance(2.5)  # the known key's cache entry is stale: the store is asked, and is down
    raw = c.chat.completions.with_raw_response.create(model="gpt-4o", messages=[{"role": "user", "content": "y"}])
    assert raw.parse().choices[0].message.content == fake_openai.reply
    never_seen = openai.OpenAI(base_url=gw.base_url, api_key=other, max_retries=0, timeout=DEADLINE)
    with pytest.raises(openai.APIStatusError) as e:
        never_seen.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "z"}])
    assert e.value.status_code == 503 and "key store is unavailable" in e.value.message
    lt.run(proxy.restore())
    assert ledger_ids(gw)[raw.headers["x-tenbin-request-id"]] == 1
