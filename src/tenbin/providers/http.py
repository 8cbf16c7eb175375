"""Shared aiohttp plumbing for HTTP adapters: sessions, status → error kind, error wrapping."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import orjson

from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import Availability, ErrorKind, ProviderError


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


class HTTPAdapter:
    """Base for adapters that talk HTTP: owns one pooled session per provider."""

    def __init__(self, name: str, cfg: ProviderConfig) -> None:
        self.name = name
        self.cfg = cfg
        self._session: aiohttp.ClientSession | None = None
        self._timeout = aiohttp.ClientTimeout(
            total=cfg.timeout_s, sock_connect=cfg.connect_timeout_s, sock_read=cfg.first_byte_timeout_s
        )

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
                timeout=self._timeout,
                json_serialize=lambda o: orjson.dumps(o).decode(),
                auto_decompress=True,
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
        """POST and decode a JSON answer, mapping every failure to a ProviderError."""
        data = encode(self.name, body)
        try:
            async with self.session.post(url, data=data, headers=headers) as resp:
                raw = await resp.read()
                if resp.status >= 400:
                    raise self.http_error(resp.status, resp.headers, raw)
        except ProviderError:
            raise
        except Exception as e:
            raise self.wrap(e) from e
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise ProviderError("bad_response", f"{self.name}: upstream sent invalid JSON") from None

    async def post_stream(
        self, url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> AsyncIterator[bytes]:
        """POST and yield raw body chunks as they arrive."""
        data = encode(self.name, body)
        try:
            async with self.session.post(url, data=data, headers=headers) as resp:
                if resp.status >= 400:
                    raise self.http_error(resp.status, resp.headers, await resp.read())
                async for chunk in resp.content.iter_any():
                    yield chunk
        except ProviderError:
            raise
        except Exception as e:
            raise self.wrap(e) from e

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

    def wrap(self, e: BaseException) -> ProviderError:
        if isinstance(e, aiohttp.ConnectionTimeoutError):
            return ProviderError("timeout", f"{self.name}: connecting to the upstream timed out", sent=False)
        if isinstance(e, aiohttp.ClientConnectorError):  # no connection: not one byte of the request left
            return ProviderError("connection", f"{self.name}: {type(e).__name__}: {e}", sent=False)
        if isinstance(e, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
            return ProviderError("timeout", f"{self.name}: upstream timed out")
        if isinstance(e, aiohttp.ClientPayloadError):
            return ProviderError("connection", f"{self.name}: upstream connection broke mid-body")
        if isinstance(e, (aiohttp.ClientError, ConnectionError, OSError)):
            return ProviderError("connection", f"{self.name}: {type(e).__name__}: {e}")
        return ProviderError("bad_response", f"{self.name}: {type(e).__name__}: {e}")
