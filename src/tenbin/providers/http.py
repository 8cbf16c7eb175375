"""Shared aiohttp plumbing for HTTP adapters: sessions, status → error kind, error wrapping."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
from collections.abc import AsyncIterator, Awaitable, Mapping
from contextvars import ContextVar
from typing import Any

import aiohttp
import orjson
from aiohttp.connector import Connection

from tenbin.config.schema import ProviderConfig
from tenbin.observe.tracing import VENDOR_TRACE
from tenbin.providers.base import Availability, ErrorKind, ProviderError
from tenbin.providers.deadlines import ATTEMPT, DeadlineExceeded, Deadlines, Phase, Watch


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("retry-after-ms")
    if raw:
        with contextlib.suppress(ValueError):
            return max(0.0, float(raw) / 1000)
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(raw) if raw else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


# What a vendor's error *means*, by the code/type/status string it puts in the body: OpenAI's
# ``error.code``, Anthropic's ``error.type``, Google's ``error.status``. A status range alone cannot
# tell a retired model or exhausted credit (the vendor's side: try the next model) from a malformed
# request (the client's side: no model will take it).
MEANINGS: dict[str, ErrorKind] = {
    "model_not_found": "not_found", "not_found_error": "not_found", "NOT_FOUND": "not_found",
    "DeploymentNotFound": "not_found",
    "billing_error": "billing", "insufficient_quota": "billing",
    "FAILED_PRECONDITION": "region", "unsupported_country_region_territory": "region",
    "rate_limit_error": "rate_limit", "rate_limit_exceeded": "rate_limit", "RESOURCE_EXHAUSTED": "rate_limit",
    "overloaded_error": "server", "api_error": "server", "INTERNAL": "server", "UNAVAILABLE": "server",
    "authentication_error": "auth", "permission_error": "auth", "invalid_api_key": "auth",
    "UNAUTHENTICATED": "auth", "PERMISSION_DENIED": "auth",
    "invalid_request_error": "bad_request", "request_too_large": "bad_request", "INVALID_ARGUMENT": "bad_request",
}


def meaning(body: Any) -> ErrorKind | None:
    """The kind a vendor's error body names, most specific field first (OpenAI puts
    ``model_not_found`` in ``code`` under the generic type ``invalid_request_error``)."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None
    for key in ("code", "status", "type"):
        v = err.get(key)
        if isinstance(v, str) and v in MEANINGS:
            return MEANINGS[v]
    return None


def status_kind(status: int, body: Any = None) -> ErrorKind:
    """Error kind of an HTTP error: by the body's meaning when it names one, else by status."""
    kind = meaning(body)
    if kind is not None:
        return kind
    if status == 429:
        return "rate_limit"
    if status in (401, 403):
        return "auth"
    if status == 402:
        return "billing"
    if status == 404:
        return "not_found"  # our URL, the vendor's model name: the vendor does not serve it
    if status == 408:
        return "timeout"
    if status >= 500:
        return "server"
    return "bad_request"


def encode(name: str, body: dict[str, Any]) -> bytes:
    """The vendor request's bytes. A body JSON cannot hold (nested past orjson's 254 levels, a
    non-string key) is the client's request at fault: ``bad_request`` with no status, so the
    pipeline answers 400 without counting it against the vendor — which never saw it."""
    try:
        return orjson.dumps(body)
    except (orjson.JSONEncodeError, TypeError) as e:
        raise ProviderError("bad_request", f"{name}: the request cannot be encoded as JSON ({e})") from None


class _Call(Watch):
    """The clock of one HTTP call: its deadlines on one loop timer (:class:`Watch`), when it
    started, and whether its request left (set by ``_Request.send``), so a timeout can say if the
    vendor may have worked on it — which decides whether retrying it costs money
    (resilience.with_retries)."""

    __slots__ = ("d", "name", "sent", "started")

    def __init__(self, name: str, d: Deadlines, *, stream: bool = False) -> None:
        loop = asyncio.get_running_loop()
        self.name, self.d, self.sent = name, d, False
        self.started = now = loop.time()
        # The earliest deadline the call will arm: a plain call's first byte or total; a stream's
        # first byte or its first idle wait, which starts after the call does.
        super().__init__(loop, now + min(d.first_byte, d.idle if stream else d.total))

    def exceeded(self, phase: Phase) -> DeadlineExceeded:
        seconds = {"first_byte": self.d.first_byte, "idle": self.d.idle}.get(phase, self.d.total)
        return DeadlineExceeded(self.name, phase, seconds, sent=self.sent)


#: The call whose request the current task is sending (set by ``HTTPAdapter._post``).
_CALL: ContextVar[_Call | None] = ContextVar("tenbin_vendor_call", default=None)


class _Request(aiohttp.ClientRequest):
    """aiohttp's request, marking its call sent once the headers are written (``send`` returns
    after ``write_headers``, where aiohttp fires ``on_request_headers_sent``). It replaces a trace
    hook: with any ``TraceConfig`` aiohttp builds a ``Trace`` and a parameter record for every
    signal of every call, ~20 µs per vendor call here for the one signal we read."""

    async def send(self, conn: Connection) -> aiohttp.ClientResponse:
        resp = await super().send(conn)
        call = _CALL.get()
        if call is not None:
            call.sent = True
        return resp


class HTTPAdapter:
    """Base for adapters that talk HTTP: owns one pooled session per provider."""

    def __init__(self, name: str, cfg: ProviderConfig) -> None:
        self.name = name
        self.cfg = cfg
        self._session: aiohttp.ClientSession | None = None
        self.deadlines = Deadlines.of(cfg)  # unless the pipeline set a model's own in ATTEMPT
        self._timeouts: dict[float, aiohttp.ClientTimeout] = {}  # by connect deadline

    def availability(self) -> Availability:
        if self.cfg.missing_secret:
            return Availability(False, f"environment variable {self.cfg.missing_secret} is not set")
        return Availability(True)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.cfg.max_connections, ttl_dns_cache=300, keepalive_timeout=30
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # No session-wide read or total timeout: each call sets its connect deadline and
                # times its phases itself (``_Call``), so a long stream is not cut by a total.
                timeout=aiohttp.ClientTimeout(total=None),
                request_class=_Request,
                json_serialize=lambda o: orjson.dumps(o).decode(),
                auto_decompress=True,
                # One session serves every caller of this provider: a cookie a vendor sets (a CDN's
                # bot-management cookie on one answer) must not ride along on every other tenant's
                # calls, and a jar holding one is filtered against the URL on each request.
                cookie_jar=aiohttp.DummyCookieJar(),
            )
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    def secret(self) -> str:
        if self.cfg.api_key is None:
            raise ProviderError("unavailable", f"provider {self.name}: no API key configured")
        return self.cfg.api_key.get_secret_value()

    async def post_json(self, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        """POST and decode a JSON answer, mapping every failure to a ProviderError. The call is
        bounded by its first-byte deadline (to the headers) and its total deadline (headers and
        body together)."""
        data = encode(self.name, body)
        call = _Call(self.name, ATTEMPT.get() or self.deadlines)
        first_byte, total = call.started + call.d.first_byte, call.started + call.d.total
        try:
            if first_byte <= total:
                call.arm(first_byte, "first_byte")
            else:
                call.arm(total, "total")
            resp = await self._post(url, data, headers, call)
            try:
                call.arm(total, "total")
                raw = await resp.read()
                call.disarm()
            finally:
                resp.release()
            if resp.status >= 400:
                raise self.http_error(resp.status, resp.headers, raw)
        except ProviderError:
            raise
        except asyncio.CancelledError:
            phase = call.expired()
            if phase is None:
                raise
            raise call.exceeded(phase) from None
        except Exception as e:
            call.expired()  # an error that raced our deadline: the error is the answer
            raise self.wrap(e, sent=call.sent) from e
        finally:
            call.close()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ProviderError("bad_response", f"{self.name}: upstream sent invalid JSON") from None

    async def post_stream(
        self, url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> AsyncIterator[bytes]:
        """POST and yield raw body chunks as they arrive: the headers and the first chunk within
        the first-byte deadline, every later chunk within the idle deadline of the one before.
        There is no total: a stream that keeps sending runs as long as the answer does. (The
        deadline is armed only while the generator waits for the vendor, never across a
        ``yield``: one that passed while the consumer held the generator suspended would cancel
        the consumer's task.)"""
        data = encode(self.name, body)
        call = _Call(self.name, ATTEMPT.get() or self.deadlines, stream=True)
        idle, now = call.d.idle, call.loop.time
        resp: aiohttp.ClientResponse | None = None
        try:
            call.arm(call.started + call.d.first_byte, "first_byte")
            resp = await self._post(url, data, headers, call)
            if resp.status >= 400:
                raw = await resp.read()
                call.disarm()
                raise self.http_error(resp.status, resp.headers, raw)
            content = resp.content
            chunk = await content.readany()
            call.disarm()
            while chunk:
                yield chunk
                call.arm(now() + idle, "idle")
                chunk = await content.readany()
                call.disarm()
        except ProviderError:
            raise
        except asyncio.CancelledError:
            phase = call.expired()
            if phase is None:
                raise
            raise call.exceeded(phase) from None
        except Exception as e:
            call.expired()  # an error that raced our deadline: the error is the answer
            raise self.wrap(e, sent=call.sent) from e
        finally:
            call.close()
            if resp is not None and resp.content.at_eof():
                resp.release()  # read to the end: the connection can serve the next call
            elif resp is not None:
                resp.close()  # left early (client gone, deadline): the vendor should stop generating

    def _post(self, url: str, data: bytes, headers: dict[str, str], call: _Call) -> Awaitable[aiohttp.ClientResponse]:
        # aiohttp's own timer only for the connect (and the wait for a pooled connection, which it
        # skips when one is free): our first-byte / total / idle deadlines time the rest.
        timeout = self._timeouts.get(call.d.connect)
        if timeout is None:
            c = call.d.connect
            timeout = self._timeouts[c] = aiohttp.ClientTimeout(total=None, connect=c, sock_connect=c)
        trace = VENDOR_TRACE.get()  # the attempt's W3C traceparent when tracing is on
        if trace is not None:
            headers = {**headers, **trace}
        _CALL.set(call)  # read by _Request.send: the caller awaits the request in this same task
        return self.session.post(url, data=data, headers=headers, timeout=timeout)

    def http_error(self, status: int, headers: Mapping[str, str], raw: bytes) -> ProviderError:
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = raw[:500].decode("utf-8", "replace")
        msg = body
        if isinstance(body, dict):
            err = body.get("error")
            msg = err.get("message", err) if isinstance(err, dict) else err or body
        return ProviderError(
            status_kind(status, body),
            f"{self.name} returned HTTP {status}: {msg}",
            status=status,
            retry_after=_retry_after(headers),
            body=body,
        )

    def wrap(self, e: BaseException, *, sent: bool = True) -> ProviderError:
        if isinstance(e, aiohttp.ConnectionTimeoutError):
            return ProviderError("timeout", f"{self.name}: connecting to the upstream timed out", sent=False)
        if isinstance(e, aiohttp.ClientConnectorError):  # no connection: not one byte of the request left
            return ProviderError("connection", f"{self.name}: {type(e).__name__}: {e}", sent=False)
        if isinstance(e, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
            return ProviderError("timeout", f"{self.name}: upstream timed out", sent=sent)
        if isinstance(e, aiohttp.ClientPayloadError):
            return ProviderError("connection", f"{self.name}: upstream connection broke mid-body")
        if isinstance(e, (aiohttp.ClientError, ConnectionError, OSError)):
            return ProviderError("connection", f"{self.name}: {type(e).__name__}: {e}")
        return ProviderError("bad_response", f"{self.name}: {type(e).__name__}: {e}")
