"""Every face, translated, plain, streamed and refused: the ``x-tenbin-*`` headers, exactly one
ledger row and one audit entry per request, with either key header Anthropic clients send."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle

REQUESTS: list[tuple[str, dict[str, Any]]] = [
    ("/v1/messages", {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}),
    ("/v1/responses", {"model": "m", "input": "hi", "store": False}),
]


def _audit(gw: GatewayHandle) -> list[dict[str, Any]]:
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    return gw.lt.run(gw.runtime.store.query("SELECT * FROM audit_log WHERE request_id IS NOT NULL ORDER BY seq"))


def test_headers_one_row_and_one_audit_entry_per_request(openai_gateway: tuple[GatewayHandle, FakeOpenAI]) -> None:
    gw, fake = openai_gateway
    keys = [{"x-api-key": "local", "anthropic-version": "2023-06-01"}, {"authorization": "Bearer local"}]
    statuses = []
    for path, body in REQUESTS:
        for key in keys:
            for stream in (False, True):
                r = httpx.post(gw.url + path, json={**body, "stream": stream}, headers=key, timeout=30)
                assert r.status_code == 200, r.text
                assert r.headers["x-tenbin-model"] == "m" and r.headers["x-tenbin-provider"] == "v"
                assert r.headers["x-tenbin-request-id"].startswith("req_") and r.headers["x-tenbin-route"]
                statuses.append(200)
        bad = httpx.post(gw.url + path, json={**body, "model": "no-such-model"}, headers=keys[1], timeout=30)
        assert bad.status_code == 404 and bad.headers["x-tenbin-request-id"].startswith("req_")
        statuses.append(404)
    rows = gw.rows()
    assert [r["status"] for r in rows] == statuses
    assert all(r["completion_tokens"] > 0 for r in rows if r["status"] == 200)  # streamed usage is not zero
    ids = [r["request_id"] for r in rows]
    assert len(set(ids)) == len(ids) == len(fake.requests) + 2
    assert sorted(a["request_id"] for a in _audit(gw)) == sorted(ids)
