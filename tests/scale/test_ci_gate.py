"""The CI gate itself: an unreachable service fails under CI=true and skips otherwise."""

from __future__ import annotations

import pytest

from tests.scale.services import dead_port, require


def test_unreachable_service_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require("PostgreSQL", "127.0.0.1", dead_port())


def test_unreachable_service_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require("Redis", "127.0.0.1", dead_port())
