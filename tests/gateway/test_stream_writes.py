"""How a relayed stream is written (issue 16, item 3): the first chunk of the answer goes to the
client at once; chunks that came from the vendor in one read go out in one write (one HTTP chunk)
rather than one syscall each; and nothing is held while the vendor is silent — also when the
last event of a read is one the client does not see (the usage chunk of a client that did not
ask for it) — but the events that came with the vendor's ``[DONE]`` go out with the end of the
body. A raw-socket client reads the gateway's chunked encoding, so each write is visible as one
HTTP chunk; the fake vendor waits on gates the test opens only after it has read what it must
already have.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp import web

from tests.conftest import fake_model, openai_provider
from tests.fakes.base import FakeUpstream
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "k"}


def event(choices: list[dict[str, Any]], **extra: Any) -> bytes:
    chunk = {"id": "chatcmpl-w", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": "up",
             "choices": choices, **extra}
    return b"data: " + orjson.dumps(chunk) + b"\n\n"


def text(t: str) -> bytes:
    return event([{"index": 0, "delta": {"content": t}, "finish_reason": None}])


ROLE = event([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}])
FINISH = event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
USAGE = event([], usage={"prompt_tokens": 5, "completion_tokens": 4, "total_tokens": 9})


class GatedVendor(FakeUpstream):
    """Sends its frames (each one write, possibly several SSE events), waiting before frame N
    until the test opens ``gates[N]``."""

    def __init__(self, frames: list[bytes], gated: tuple[int, ...]) -> None:
        super().__init__()
        self.frames = frames
        self.gates = {n: asyncio.Event() for n in gated}

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1/chat/completions", self.chat)]

    async def chat(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        for n, frame in enumerate(self.frames):
            if n in self.gates:
                await self.gates[n].wait()
            await resp.write(frame)
        await resp.write_eof()
        return resp

    async def open(self, n: int) -> None:
        self.gates[n].set()


class ChunkedReader:
    """A raw HTTP/1.1 client that returns the response body one chunked-encoding chunk at a time."""

    def __init__(self, url: str, body: dict[str, Any]) -> None:
        host, port = url.removeprefix("http://").split("/")[0].split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=10)
        raw = orjson.dumps(body)
        self.sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: application/json\r\n"
                          b"Authorization: Bearer local\r\nContent-Length: %d\r\n\r\n%s"
                          % (host.encode(), port.encode(), len(raw), raw))
        self.buf = b""
        self.head = self._until(b"\r\n\r\n")
        assert self.head.startswith(b"HTTP/1.1 200"), self.head
        assert b"transfer-encoding: chunked" in self.head.lower()

    def _until(self, sep: bytes) -> bytes:
        while sep not in self.buf:
            more = self.sock.recv(65536)  # socket.timeout (10 s) if the gateway holds what it owes
            assert more, "the gateway closed the connection"
            self.buf += more
        line, self.buf = self.buf.split(sep, 1)
        return line

    def chunk(self) -> bytes:
        size = int(self._until(b"\r\n").split(b";")[0], 16)
        while len(self.buf) < size + 2:
            more = self.sock.recv(65536)
            assert more, "the gateway closed the connection"
            self.buf += more
        data, self.buf = self.buf[:size], self.buf[size + 2:]
        return data

    def close(self) -> None:
        self.sock.close()


def contents(data: bytes) -> list[str]:
    out = []
    for frame in data.split(b"\n\n"):
        if frame.startswith(b"data: {"):
            for choice in orjson.loads(frame[6:])["choices"]:
                if choice["delta"].get("content"):
                    out.append(choice["delta"]["content"])
    return out


@pytest.fixture
def vendor_and_gateway(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatedVendor, GatewayHandle]]:
    # frame 0: role alone; 1: three contents in one read; (gate) 2: a content and the usage chunk
    # this client did not ask for; (gate) 3: the finish and [DONE].
    frames = [ROLE, text("A") + text("B") + text("C"), text("D") + USAGE, FINISH + b"data: [DONE]\n\n"]
    vendor = lt.run(GatedVendor(frames, gated=(2, 3)).start())
    cfg = {"providers": {"p": openai_provider(vendor.url + "/v1", idle_timeout_s=20, timeout_s=30)},
           "models": [fake_model("m", "p")], "default_model": "m"}
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    yield vendor, gw
    gw.stop()
    lt.run(vendor.stop())


def test_chunks_of_one_read_go_out_in_one_write_and_nothing_waits_on_the_vendor(
        lt: LoopThread, vendor_and_gateway: tuple[GatedVendor, GatewayHandle]) -> None:
    vendor, gw = vendor_and_gateway
    client = ChunkedReader(gw.base_url, {"model": "m", "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    try:
        first = client.chunk()
        assert contents(first) == ["A"]  # the role chunk and the first text: out at once, not with B and C
        assert b'"role":"assistant"' in first
        # B and C came in one read: one write. The vendor is parked at gate 2, so holding them
        # for later would hang this read.
        assert contents(client.chunk()) == ["B", "C"]
        lt.run(vendor.open(2))
        third = client.chunk()
        # D came with the usage chunk, which this client does not see: D is still not held.
        assert contents(third) == ["D"]
        assert b'"usage"' not in third
        lt.run(vendor.open(3))
        # The finish came with the vendor's [DONE]: nothing of the answer follows, so it goes out
        # with our [DONE] and the end of the body, in one write (one chunk, then the terminator).
        last = client.chunk()
        assert b'"finish_reason":"stop"' in last and last.endswith(b"data: [DONE]\n\n")
        assert b'"usage"' not in last
        assert client.chunk() == b""
    finally:
        client.close()
    gw.flush()
    (row,) = gw.rows()
    assert (row["status"], row["completion_tokens"], row["tokens_reported"]) == (200, 4, 1)
