"""Incremental Server-Sent Events decoder for upstream streams.

aiohttp has no SSE client and the event-stream grammar is small (WHATWG §9.2), so this is a
strict, allocation-light decoder: it accepts LF, CRLF or CR line ends, multi-line ``data``,
comments and ``event:`` names, and yields one (event, data) pair per blank-line-terminated block.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import orjson

from tenbin.providers.base import ProviderError


@dataclass(slots=True)
class Event:
    event: str
    data: str


class SSEDecoder:
    def __init__(self) -> None:
        self._buf = b""
        self._event = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[Event]:
        buf = self._buf + chunk if self._buf else chunk
        if b"\r" not in buf:
            return self._feed_lf(buf)
        self._buf = buf
        out: list[Event] = []
        while True:
            # Find the earliest line terminator (\r\n, \n or \r).
            i_n = self._buf.find(b"\n")
            i_r = self._buf.find(b"\r")
            if i_n < 0 and i_r < 0:
                break
            if i_r >= 0 and (i_n < 0 or i_r < i_n):
                if i_r == len(self._buf) - 1:
                    break  # a lone \r at the end may be the first half of \r\n
                end, nxt = i_r, i_r + (2 if self._buf[i_r + 1 : i_r + 2] == b"\n" else 1)
            else:
                end, nxt = i_n, i_n + 1
            line = self._buf[:end].decode("utf-8")
            self._buf = self._buf[nxt:]
            ev = self._line(line)
            if ev is not None:
                out.append(ev)
        return out

    def _feed_lf(self, buf: bytes) -> list[Event]:
        """LF only, as every vendor sends: split into blank-line-terminated blocks once; a block
        that is one ``data:`` line (nearly every event) becomes its event without a line loop.
        The unterminated rest waits in the buffer for the blank line that ends it."""
        blocks = buf.split(b"\n\n")
        self._buf = blocks.pop()
        out: list[Event] = []
        for block in blocks:
            # ``10 not in``: bytes' memchr, several times cheaper here than ``b"\n" not in``.
            if 10 not in block and not self._data and not self._event:
                if block.startswith(b"data: "):
                    out.append(Event("message", block[6:].decode()))
                    continue
                if block.startswith(b"data:"):
                    out.append(Event("message", block[5:].decode()))
                    continue
            for raw in block.split(b"\n"):
                ev = self._line(raw.decode("utf-8"))
                if ev is not None:
                    out.append(ev)
            ev = self._line("")
            if ev is not None:
                out.append(ev)
        return out

    def _line(self, line: str) -> Event | None:
        if not line:
            if not self._data and not self._event:
                return None
            ev = Event(self._event or "message", "\n".join(self._data))
            self._event, self._data = "", []
            return ev
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        if value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        return None

    @property
    def pending(self) -> bool:
        """True when bytes or an unterminated event remain: the stream was cut mid-event."""
        return bool(self._buf.strip() or self._data)


async def iter_events(chunks: AsyncIterator[bytes]) -> AsyncIterator[Event]:
    dec = SSEDecoder()
    async for chunk in chunks:
        for ev in dec.feed(chunk):
            yield ev
    for ev in dec.feed(b"\n\n") if dec.pending else []:
        yield ev


def json_object(provider: str, data: str) -> dict[str, Any]:
    """One event's data as the JSON object every vendor's stream event is; anything else is the
    vendor's fault (``bad_response``: fall back while nothing was delivered)."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ProviderError("bad_response", f"{provider}: invalid JSON in stream") from None
    if not isinstance(obj, dict):
        raise ProviderError("bad_response", f"{provider}: stream event is not an object")
    return obj
