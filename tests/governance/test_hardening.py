"""No keys, upstream secrets or raw PII in DEBUG logs or in the database; body limits hold."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tenbin.logs import RedactSecrets
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, audit_rows, gov_config, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway

PII = ["山田太郎", "090-1234-5678", "taro.yamada@example.co.jp", "4111 1111 1111 1111",
       "東京都千代田区丸の内1-1-1"]
PROMPT = f"顧客 {PII[0]} さん(電話 {PII[1]}、メール {PII[2]}、カード {PII[3]}、住所 {PII[4]})に連絡して"


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """The server's loggers at DEBUG into a file, with the same redaction filter as setup_logging."""
    path = tmp_path / "gateway.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    loggers = [logging.getLogger(n) for n in ("tenbin", "aiohttp")]
    saved = [(lg.level, lg.propagate) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield path
    for lg, (level, _) in zip(loggers, saved, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)
    handler.close()


@pytest.fixture
def gw_access_log(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    server = {"access_log": True, "max_body_bytes": 50_000}
    h = start_gateway(lt, gov_config(fake_openai.url, server=server), tmp_path, ENV)
    yield h
    h.stop()


def test_logs_and_database_free_of_keys_and_pii(debug_log: Path, gw_access_log: GatewayHandle,
                                                 fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    gw = gw_access_log
    key = make_key(gw, "sales")
    secret = key.split("-", 2)[2]
    c = openai.OpenAI(base_url=gw.base_url, api_key=key, max_retries=0)
    c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PROMPT}])
    msgs = [{"role": "user", "content": PROMPT}]
    list(c.chat.completions.create(model="gpt-4o", messages=msgs, stream=True))  # type: ignore[arg-type]
    # failures log more: a wrong key, a bad body, an upstream outage
    bad = openai.OpenAI(base_url=gw.base_url, api_key=key[:-4] + "AAAA", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        bad.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PROMPT}])
    httpx.post(gw.base_url + "/chat/completions", content=PROMPT.encode(),
               headers={"Authorization": f"Bearer {key}", "content-type": "application/json"})
    fake_openai.script = [{"status": 500}] * 10
    with pytest.raises(openai.APIStatusError):
        c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": PROMPT}])
    rows = [r for r in audit_rows(gw) if r["kind"] == "request"]
    assert len(rows) >= 3 and rows[0]["data_class"] == "personal"
    gw.stop()

    log_text = debug_log.read_text(encoding="utf-8")
    assert "tenbin" in log_text or "aiohttp" in log_text  # the capture really captured something
    for needle in [secret, ENV["FAKE_KEY"], *PII]:
        assert needle not in log_text, f"{needle!r} leaked into the DEBUG log"

    con = sqlite3.connect(tmp_path / "tenbin.db")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("tenbin.db*"))
    for needle in [secret, ENV["FAKE_KEY"], *PII]:
        assert needle.encode() not in blob, f"{needle!r} stored in the database"


def test_body_limit_and_strict_json(gw_access_log: GatewayHandle) -> None:
    key = make_key(gw_access_log, "sales")
    h = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
    big = b'{"model":"gpt-4o","messages":[{"role":"user","content":"' + b"a" * 60_000 + b'"}]}'
    r = httpx.post(gw_access_log.base_url + "/chat/completions", headers=h, content=big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    r = httpx.post(gw_access_log.base_url + "/chat/completions", headers=h,
                   content=b'{"model":"gpt-4o","model":"x","messages":[]}')
    assert r.status_code == 400
    r = httpx.post(gw_access_log.url + "/admin/keys", headers={**h, "Authorization": "Bearer " + key},
                   content=big)
    assert r.status_code in (403, 413)
