"""A real gateway (SQLite store, fake OpenAI upstream, real privacy detector) for governance tests,
plus helpers to make keys and read the audit chain."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenbin.context import Principal
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake-upstream-secret-0123456789"}


def gov_config(fake_url: str, **extra: Any) -> dict[str, Any]:
    return {
        "providers": {"fake": openai_provider(fake_url)},
        "models": [fake_model("gpt-4o", "fake"),
                   fake_model("jp-model", "fake", region="JP", upstream="jp-upstream")],
        "default_model": "gpt-4o",
        "privacy": {"mode": "pseudonymize"},
        # No sovereignty constraints: these tests need unmasked personal data to reach a foreign
        # vendor so that the audit and cross-border records have something to show.
        "routing": {"constraints": []},
        **extra,
    }


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = start_gateway(lt, gov_config(fake_openai.url), tmp_path, ENV)
    yield h
    h.stop()


def ledger_settle(gw: GatewayHandle, timeout: float = 3.0) -> None:
    """Wait for the ledger's own background flush to take every buffered row. A row leaves the
    buffer only once its batch is committed (tenbin.batching), so no extra sleep is needed."""
    deadline = time.monotonic() + timeout
    while gw.runtime.ledger.pending:
        assert time.monotonic() < deadline, f"{gw.runtime.ledger.pending} ledger rows never flushed"
        time.sleep(0.02)


def ledger_rows(gw: GatewayHandle) -> list[dict[str, Any]]:
    ledger_settle(gw)
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM usage ORDER BY ts_start"))


def audit_flush(gw: GatewayHandle) -> None:
    assert gw.runtime.audit is not None
    assert gw.lt.run(gw.runtime.audit.flush())


def audit_rows(gw: GatewayHandle) -> list[dict[str, Any]]:
    audit_flush(gw)
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log ORDER BY seq"))


def make_key(gw: GatewayHandle, team: str, role: str = "app", project: str = "default") -> str:
    plaintext, _ = gw.lt.run(gw.runtime.keyring.create(team, project, role))
    return plaintext


def admin_http(gw: GatewayHandle, key: str) -> httpx.Client:
    return httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {key}"}, timeout=10)


ROOT = Principal(key_id="test", team="ops", project="default", role="admin")
