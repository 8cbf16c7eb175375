"""Reach the machine's PostgreSQL and Redis for scale tests, each test in its own namespace.

Under CI (``CI=true``) an unreachable service is a failure, never a skip: a green run must mean
the PostgreSQL and Redis paths really ran.
"""

from __future__ import annotations

import os
import secrets
import socket

import pytest

PG_BASE = os.environ.get("TENBIN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("TENBIN_TEST_REDIS", "redis://127.0.0.1:6379/0")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def require(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    msg = f"{name} at {host}:{port} is unreachable"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{msg} and CI=true: scale tests must run in CI", pytrace=False)
    pytest.skip(msg)


def new_schema() -> str:
    return "tenbin_test_" + secrets.token_hex(6)


def pg_url(schema: str) -> str:
    return f"{PG_BASE}?options=-csearch_path%3D{schema}"


def new_prefix() -> str:
    return "tenbin_test:" + secrets.token_hex(6) + ":"


def delete_prefix(prefix: str) -> None:
    """Remove a test's keys from the shared Redis (tests share one server, each under its prefix)."""
    import redis

    r = redis.Redis.from_url(REDIS_BASE)
    try:
        keys = list(r.scan_iter(match=prefix + "*", count=1000))
        if keys:
            r.delete(*keys)
    finally:
        r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dead_port() -> int:
    """A loopback port nobody listens on (connect is refused at once)."""
    return free_port()
