from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import LoopThread


@pytest.fixture(scope="session")
def lt() -> Iterator[LoopThread]:
    t = LoopThread()
    yield t
    t.close()


@pytest.fixture
def fake_openai(lt: LoopThread) -> Iterator[FakeOpenAI]:
    fake = lt.run(FakeOpenAI().start())
    yield fake
    lt.run(fake.stop())


def openai_provider(url: str, **kw: object) -> dict[str, object]:
    """Config for a fake OpenAI-compatible upstream (small timeouts and backoff for fast tests).
    ``timeout_retries: 1``: a 2 s first-byte deadline can pass on a loaded 2-core machine, and
    tests about something else should not fail on it; tests of deadlines set their own."""
    return {"kind": "openai", "base_url": url, "api_key": "${FAKE_KEY}", "max_retries": 1,
            "timeout_s": 3, "first_byte_timeout_s": 2, "timeout_retries": 1, **kw}


def fake_model(id: str, provider: str, region: str = "US", upstream: str | None = None,
               **kw: object) -> dict[str, object]:
    return {"id": id, "provider": provider, "upstream": upstream or id, "region": region,
            "jurisdiction": "US" if region == "US" else "JP", "retention_days": 30, "context_window": 128000,
            "prices": [{"effective": "2025-01-01", "currency": "USD", "input": "2.50", "output": "10.00"}], **kw}
