"""What reaches the gateway below JSON — raw HTTP bytes on a socket, as a hostile or broken client
sends them: protocol errors, slow or short bodies, bad Content-Encoding. Each is answered in
OpenAI's error shape with a 4xx, never aiohttp's text/plain page and never a 5xx (issue 11)."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest

from tenbin.api.errors import LINGER_S
from tests.fakes.fake_openai import FakeOpenAI
from tests.governance.conftest import ENV, gov_config, ledger_rows, make_key
from tests.harness import GatewayHandle, LoopThread, start_gateway

BODY = orjson.dumps({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
TIMEOUT = 0.6  # server.body_timeout_s in these tests


@pytest.fixture
def gw(lt: LoopThread, fake_openai: FakeOpenAI, tmp_path: Path) -> Iterator[GatewayHandle]:
    h = start_gateway(lt, gov_config(fake_openai.url, server={"body_timeout_s": TIMEOUT}), tmp_path, ENV)
    yield h
    h.stop()


class Reply:
    def __init__(self, raw: bytes, elapsed: float, closed: bool) -> None:
        self.raw, self.elapsed, self.closed = raw, elapsed, closed
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if lines and lines[0] else 0
        self.headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}

    def error(self) -> dict[str, Any]:
        assert self.headers.get("content-type", "").startswith("application/json"), self.raw[:300]
        err: dict[str, Any] = orjson.loads(self.body)["error"]
        assert set(err) == {"message", "type", "param", "code"}
        return err


async def _exchange(url: str, chunks: list[bytes], gap: float, wait: float) -> Reply:
    """Send ``chunks`` ``gap`` seconds apart while reading the answer, until the server closes
    the connection or ``wait`` seconds pass."""
    u = urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port)

    async def send() -> None:
        for i, c in enumerate(chunks):
            writer.write(c)
            await writer.drain()
            if gap and i + 1 < len(chunks):
                await asyncio.sleep(gap)

    t0 = time.monotonic()
    sender = asyncio.ensure_future(send())
    got, first, closed = bytearray(), 0.0, False
    try:
        deadline = t0 + wait
        while (left := deadline - time.monotonic()) > 0:
            try:
                data = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                break
            if not data:
                closed = True
                break
            first = first or time.monotonic() - t0
            got += data
    finally:
        sender.cancel()
        with contextlib.suppress(BaseException):
            await sender  # a write after the server closed: expected here
        writer.close()
    return Reply(bytes(got), first, closed)


def exchange(gw: GatewayHandle, chunks: list[bytes], gap: float = 0.0, wait: float = 5.0) -> Reply:
    return gw.lt.run(_exchange(gw.url, chunks, gap, wait), timeout=60)


def request(head: str, body: bytes = b"", *, key: str | None = None, **headers: str) -> bytes:
    hs = {"host": "127.0.0.1", "content-type": "application/json", **headers}
    if key:
        hs["authorization"] = f"Bearer {key}"
    lines = [head] + [f"{k}: {v}" for k, v in hs.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ---- aiohttp's own protocol errors ---------------------------------------------------------------

PROTOCOL: list[tuple[str, bytes, str]] = [
    ("bad request line", b"GARBAGE\r\n\r\n", "invalid_"),
    ("bad method", b"G\x01T / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n", "invalid_"),
    ("header without a colon", b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nnot a header\r\n\r\n",
     "invalid_"),
    ("control byte in a header value",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nx-a: b\x01c\r\n\r\n", "invalid_"),
    ("header too large", b"GET /v1/models HTTP/1.1\r\nhost: 127.0.0.1\r\nx-big: " + b"a" * 20_000 + b"\r\n\r\n",
     "request_line_too_long"),
    ("request line too long", b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n",
     "request_line_too_long"),
    ("non-numeric Content-Length",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ten\r\n\r\n", "invalid_"),
    ("two different Content-Lengths",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n",
     "invalid_"),
    ("Content-Length with chunked",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 5\r\n"
     b"transfer-encoding: chunked\r\n\r\n0\r\n\r\n", "invalid_"),
    ("unknown Transfer-Encoding",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ntransfer-encoding: zip\r\n\r\n", "invalid_"),
    ("bad chunk size",
     b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
     b"transfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "invalid_"),
    ("a body longer than its Content-Length (the rest is a bad next request)",
     request("POST /v1/chat/completions HTTP/1.1", BODY + b"GARBAGE\r\n\r\n", **{"content-length": str(len(BODY))}),
     "invalid_"),
]


@pytest.mark.parametrize(("case", "raw", "code"), PROTOCOL, ids=[p[0] for p in PROTOCOL])
def test_protocol_errors_are_openai_shaped_400s(gw: GatewayHandle, case: str, raw: bytes, code: str) -> None:
    r = exchange(gw, [raw])
    assert r.raw.startswith(b"HTTP/1."), r.raw[:200]
    last = Reply(b"HTTP/1." + r.raw.rsplit(b"HTTP/1.", 1)[1], r.elapsed, r.closed)  # the error, when it follows a 200
    assert 400 <= last.status < 500, r.raw[:300]
    err = last.error()
    assert err["type"] == "invalid_request_error" and err["code"].startswith(code)
    assert b"GARBAGE" not in last.body and b"a" * 100 not in last.body  # the client's bytes are not echoed


def test_a_quoted_secret_in_a_bad_header_is_neither_echoed_nor_logged(gw: GatewayHandle,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    raw = b"POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer tb-abc-s3cr3t\x01\r\n\r\n"
    with caplog.at_level("DEBUG"):
        r = exchange(gw, [raw])
    assert r.status == 400 and r.error()["code"].startswith("invalid_")
    assert b"s3cr3t" not in r.raw
    assert "s3cr3t" not in caplog.text


# ---- bodies too slow, too short, badly encoded ---------------------------------------------------

def test_a_slow_drip_body_is_cut_with_a_408_after_body_timeout(gw: GatewayHandle, fake_openai: FakeOpenAI) -> None:
    key = make_key(gw, "sales")
    head = request("POST /v1/chat/completions HTTP/1.1", b"", key=key, **{"content-length": str(len(BODY))})
    r = exchange(gw, [head] + [BODY[i:i + 1] for i in range(len(BODY))], gap=0.1, wait=5)
    assert r.status == 408 and r.error()["code"] == "request_timeout"
    assert TIMEOUT <= r.elapsed < TIMEOUT + 1.5
    assert r.closed  # EOF at once (the write side is shut), no reset: the rest of the drip is not waited for
    assert fake_openai.requests == []
    [row] = [x for x in ledger_rows(gw) if x["status"] == 408]
    assert (row["team"], row["error_class"]) == ("sales", "request_timeout")


def test_a_client_still_sending_after_the_408_reads_it_then_eof_and_is_cut_off_after_the_linger(
        gw: GatewayHandle) -> None:
    """The close is in stages (api/errors.py ClosingResponse): bytes sent after the 408 are read
    and dropped, not answered with a reset, for at most LINGER_S; then the socket is closed. The
    time bounds are the linger itself, with a second and a half of slack for a loaded machine."""
    key = make_key(gw, "sales")
    head = request("POST /v1/chat/completions HTTP/1.1", b"{", key=key, **{"content-length": "1000"})

    async def go() -> tuple[bytes, list[str], float]:
        u = urlsplit(gw.url)
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        writer.write(head)
        got = await asyncio.wait_for(reader.read(), 5)  # up to EOF: a reset here raises
        t0, seen = time.monotonic(), []
        try:
            while time.monotonic() - t0 < LINGER_S + 3:
                writer.write(b"x")
                await writer.drain()
                seen.append("ok")
                await asyncio.sleep(0.05)
        except OSError as e:  # the server's socket has closed: its kernel resets the next write
            seen.append(type(e).__name__)
        finally:
            writer.close()
        return got, seen, time.monotonic() - t0

    raw, seen, cut = gw.lt.run(go(), timeout=30)
    assert Reply(raw, 0, True).status == 408
    assert seen[:5] == ["ok"] * 5  # still accepted after the error: no reset yet
    assert seen[-1] != "ok" and cut < LINGER_S + 1.5  # and the socket is gone after the linger


def test_a_content_length_larger_than_the_body_is_a_408_not_a_hang(gw: GatewayHandle) -> None:
    key = make_key(gw, "sales")
    r = exchange(gw, [request("POST /v1/chat/completions HTTP/1.1", BODY, key=key,
                              **{"content-length": str(len(BODY) + 100)})], wait=5)
    assert r.status == 408 and r.error()["code"] == "request_timeout"
    assert TIMEOUT <= r.elapsed < TIMEOUT + 1.5 and r.closed


def test_many_slow_bodies_are_all_closed(gw: GatewayHandle) -> None:
    """Issue 11: 50 of 50 authenticated slow bodies were still open after 100 s."""
    key = make_key(gw, "sales")
    head = request("POST /v1/chat/completions HTTP/1.1", b"", key=key, **{"content-length": "100000"})

    async def many() -> list[Reply]:
        return await asyncio.gather(*(_exchange(gw.url, [head, b"{", b'"'], 0.2, 5) for _ in range(50)))

    replies = gw.lt.run(many(), timeout=60)
    assert [(r.status, r.closed) for r in replies] == [(408, True)] * 50


def test_an_unauthenticated_body_is_refused_without_waiting_for_it(gw: GatewayHandle) -> None:
    make_key(gw, "sales")  # keys exist: the key-less default is closed
    r = exchange(gw, [request("POST /v1/chat/completions HTTP/1.1", b"{", **{"content-length": "100000"})], wait=3)
    assert r.status == 401 and r.elapsed < TIMEOUT


@pytest.mark.parametrize(("encoding", "data"), [
    ("gzip", b"\x1f\x8b\x08\x00garbage-not-gzip"), ("deflate", b"not deflate at all"),
    ("gzip", gzip.compress(BODY)[:30]),  # cut short: the JSON inside is cut too
])
def test_a_body_that_does_not_decode_is_a_400(gw: GatewayHandle, encoding: str, data: bytes) -> None:
    key = make_key(gw, "sales")
    r = exchange(gw, [request("POST /v1/chat/completions HTTP/1.1", data, key=key,
                              **{"content-length": str(len(data)), "content-encoding": encoding})])
    assert r.status == 400, r.raw[:300]
    code = r.error()["code"]
    assert code in ("invalid_content_encoding", "invalid_json")
    if code == "invalid_content_encoding":
        assert r.closed and r.elapsed < 2  # what follows undecodable bytes is not read (no 10 s linger)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_body_that_decodes_is_served(gw: GatewayHandle, encoding: str) -> None:
    key = make_key(gw, "sales")
    data = gzip.compress(BODY) if encoding == "gzip" else zlib.compress(BODY)
    r = exchange(gw, [request("POST /v1/chat/completions HTTP/1.1", data, key=key, connection="close",
                              **{"content-length": str(len(data)), "content-encoding": encoding})])
    assert r.status == 200, r.raw[:300]


def test_a_compression_bomb_is_a_413(gw: GatewayHandle) -> None:
    key = make_key(gw, "sales")
    limit = gw.runtime.cfg.server.max_body_bytes
    data = gzip.compress(b'{"model": "gpt-4o", "pad": "' + b"a" * (limit + 1024) + b'"}')
    assert len(data) < limit // 100
    r = exchange(gw, [request("POST /v1/chat/completions HTTP/1.1", data, key=key,
                              **{"content-length": str(len(data)), "content-encoding": "gzip"})])
    assert r.status == 413 and r.error()["code"] == "request_too_large"
