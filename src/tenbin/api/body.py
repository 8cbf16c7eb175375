"""Reading a request body: bounded in size, in time and in JSON shape, every refusal an OpenAI error.

- **Size**: ``server.max_body_bytes`` (after ``Content-Encoding`` is undone: aiohttp inflates in
  bounded steps and counts what it inflated), else 413.
- **Time**: ``server.body_timeout_s`` for the whole body, else 408 and the connection is closed.
  The handlers authenticate first, so only a caller with a key (or the loopback default) gets that
  long; a slow-drip body or a ``Content-Length`` larger than what is sent is cut instead of being
  held open for ever.
- **Encoding**: a body aiohttp cannot decode (bad gzip/deflate, broken chunked framing, a stream
  that ends before its ``Content-Length``) is the client's 400, not our 500.
- **Shape**: nesting deeper than ``server.json_max_depth`` or more JSON values than
  ``server.json_max_elements`` is refused before orjson builds anything (:func:`check_shape`).
  orjson itself parses up to 1,024 levels but encodes only 254, so a 300-deep body used to parse,
  fail to be re-encoded for the vendor and count against the vendor's breaker; with the cap at most
  128 (config schema) every body that passes can be encoded again.

:func:`check_shape` looks at the bytes, not at a parsed tree: escaped backslashes and quotes are
dropped, the quoted strings cut out with one ``split``, and what remains filtered to brackets and
commas — C-speed passes over the body. Most bodies skip even that: when the whole body holds at
most ``max_depth`` opening brackets (found at memchr speed) and is shorter than about twice
``max_elements`` bytes (each value but one takes at least two: itself and a comma) or holds few
enough commas, neither cap can be exceeded (bench/body_shape.py measures both paths).
"""

from __future__ import annotations

import asyncio
from array import array
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from aiohttp import http_exceptions, web
from aiohttp.web_protocol import RequestPayloadError

from tenbin.api.validation import parse_json
from tenbin.config.schema import ServerConfig
from tenbin.errors import BadRequest, GatewayError, PayloadTooLarge

_STRUCTURE = b"[]{},"
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(_STRUCTURE)))
# opening bracket → +1, closing → -1 (as a signed byte), for a running sum over the brackets
_COUNT_BELOW = 2048  # bytes: see _few_brackets
_STEPS = bytes(1 if c in b"[{" else 255 if c in b"]}" else c for c in range(256))


class RequestTimeout(GatewayError):
    status = 408
    type = "invalid_request_error"
    code = "request_timeout"
    close_connection = True  # the rest of the body is not waited for (api/errors.py ClosingResponse)


class UnreadableBody(BadRequest):
    """The body's bytes cannot be decoded: what follows on the connection cannot be trusted either."""

    close_connection = True


@dataclass(frozen=True, slots=True)
class BodyLimits:
    max_bytes: int = 4 * 1024 * 1024
    timeout_s: float = 30.0
    max_depth: int = 64
    max_elements: int = 100_000

    @classmethod
    def of(cls, server: ServerConfig) -> BodyLimits:
        return cls(server.max_body_bytes, server.body_timeout_s, server.json_max_depth, server.json_max_elements)


def _structure(raw: bytes) -> bytes:
    """The brackets and commas of a JSON text that lie outside its strings."""
    s = raw
    if b"\\" in s:  # pairs first (an escaped backslash); what is left is an escaped quote or another escape
        s = s.replace(b"\\\\", b"xx").replace(b'\\"', b"xx")  # same length: replaced in one copy, no shifting
    return b"".join(s.split(b'"')[::2]).translate(None, _NOT_STRUCTURE)


def _few_brackets(raw: bytes, limit: int) -> bool:
    """At most ``limit`` opening brackets in ``raw`` (strings included)? ``find`` runs at memchr
    speed where ``count`` walks byte by byte, and stops after ``limit`` + 1 of them; below
    ``_COUNT_BELOW`` bytes two ``count`` calls cost less than the Python loop around the finds."""
    if len(raw) < _COUNT_BELOW:
        return raw.count(b"[") + raw.count(b"{") <= limit
    seen = 0
    for b in (b"[", b"{"):
        i = raw.find(b)
        while i >= 0:
            seen += 1
            if seen > limit:
                return False
            i = raw.find(b, i + 1)
    return True


def check_shape(raw: bytes, max_depth: int, max_elements: int) -> None:
    """Refuse a body nested deeper than ``max_depth`` or holding more than ``max_elements`` JSON
    values (one per array item or object member, plus the root; an empty container counts one)."""
    if _few_brackets(raw, max_depth) and (
            len(raw) + 2 * max_depth < 2 * max_elements  # each value but one takes >= 2 bytes (itself, a comma)
            or raw.count(b",") + 2 * max_depth < max_elements):
        return  # counted over the strings too, so upper bounds of both: the common case
    s = _structure(raw)
    opens = s.count(b"[") + s.count(b"{")
    if s.count(b",") + opens + 1 > max_elements:  # checked first: it bounds the bracket walk below
        raise BadRequest(f"The request body holds more than {max_elements} JSON values.",
                         code="json_too_many_values")
    if opens > max_depth and max(accumulate(array("b", s.translate(_STEPS, b",")))) > max_depth:
        raise BadRequest(f"The request body is nested more than {max_depth} levels deep.",
                         code="json_too_deep")


async def read(request: web.Request, limits: BodyLimits) -> bytes:
    """The whole body, or an OpenAI-shaped 400/408/413."""
    length = request.content_length  # parsed from the header on each access
    if length is not None and length > limits.max_bytes:
        raise PayloadTooLarge(f"Request body is {length} bytes; the limit is {limits.max_bytes}.")
    try:
        content = request.content
        if content.is_eof():
            # The whole body is already buffered (a small body arrives with its headers): taken
            # as it is, with no timer and none of ``request.read()``'s awaits (two ``readany``
            # coroutines and a copy). This module is the only reader of a request's body, so
            # nothing asks ``request.read()`` for it afterwards.
            raw = content.read_nowait()
            if len(raw) > limits.max_bytes:  # inflated past the limit (Content-Encoding), as read() checks
                raise PayloadTooLarge(f"Request body exceeds the limit of {limits.max_bytes} bytes.")
            return raw
        async with asyncio.timeout(limits.timeout_s):
            return await request.read()
    except TimeoutError:
        raise RequestTimeout(f"The request body did not arrive within {limits.timeout_s:g} s.") from None
    except web.HTTPRequestEntityTooLarge:
        raise PayloadTooLarge(f"Request body exceeds the limit of {limits.max_bytes} bytes.") from None
    except (RequestPayloadError, http_exceptions.HttpProcessingError) as e:
        cause = e.__cause__ if isinstance(e, RequestPayloadError) else e  # aiohttp wraps the parser's error
        if isinstance(cause, http_exceptions.ContentEncodingError):
            raise UnreadableBody("The request body could not be decoded with its Content-Encoding.",
                                 code="invalid_content_encoding") from None
        if isinstance(cause, http_exceptions.DecompressSizeError):
            raise PayloadTooLarge(f"Request body exceeds the limit of {limits.max_bytes} bytes.") from None
        # chunked framing, a body cut short of its length
        raise UnreadableBody("The request body is malformed (framing or length).", code="invalid_body") from None


async def read_json(request: web.Request, limits: BodyLimits) -> dict[str, Any]:
    """The body as a JSON object, bounded as the module says."""
    raw = await read(request, limits)
    check_shape(raw, limits.max_depth, limits.max_elements)
    return parse_json(raw)
