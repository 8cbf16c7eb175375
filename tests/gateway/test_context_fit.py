"""A prompt no served model can hold is refused before the privacy scan (issue 11: a 900 kB prompt
was scanned for seconds, then refused), with the 400 the router gives a prompt too long for its
candidates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("sudachipy")

SMALL, LARGE = 1_000, 4_000  # context windows; one token per Japanese character (estimate_tokens)


@pytest.fixture
def gw(lt: LoopThread, tmp_path: Path, fake_openai: FakeOpenAI) -> Iterator[tuple[GatewayHandle, list[int]]]:
    cfg = {"providers": {"us": openai_provider(fake_openai.url)},
           "models": [fake_model("small", "us", context_window=SMALL), fake_model("large", "us", context_window=LARGE)],
           "default_model": "large"}
    handle = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    detector = handle.runtime.gateway.privacy.detector  # type: ignore[union-attr]
    scans: list[int] = []
    real = detector.scan_request

    def counting(body: Any) -> Any:
        scans.append(1)
        return real(body)

    detector.scan_request = counting
    try:
        yield handle, scans
    finally:
        handle.stop()


def client(h: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=h.base_url, api_key="local", max_retries=0)


def prompt(chars: int) -> str:
    return ("本契約の条項を確認してください。" * (chars // 16 + 1))[:chars]


def test_a_prompt_larger_than_every_window_is_refused_without_a_scan(
        gw: tuple[GatewayHandle, list[int]], fake_openai: FakeOpenAI) -> None:
    h, scans = gw
    with pytest.raises(openai.BadRequestError) as ei:
        client(h).chat.completions.create(model="large", messages=[{"role": "user", "content": prompt(LARGE + 1)}])
    err = ei.value
    assert err.status_code == 400 and err.code == "policy_no_capable_model"
    assert f"> {LARGE}" in err.message
    assert scans == [] and fake_openai.requests == []
    # room asked for the answer counts too, as the router counts it
    with pytest.raises(openai.BadRequestError):
        client(h).chat.completions.create(model="large", max_tokens=LARGE,
                                          messages=[{"role": "user", "content": prompt(10)}])
    assert scans == []
    rows = h.rows()
    assert [r["status"] for r in rows] == [400, 400]  # refused early, still one ledger row each


def test_the_router_refusal_it_stands_in_for_is_the_same_error(
        gw: tuple[GatewayHandle, list[int]], fake_openai: FakeOpenAI) -> None:
    """Too long for the model asked for (no fallback) but not for every model: the scan runs and
    the router refuses, with the same status, type and code."""
    h, scans = gw
    with pytest.raises(openai.BadRequestError) as ei:
        client(h).chat.completions.create(model="small", messages=[{"role": "user", "content": prompt(SMALL + 1)}])
    assert ei.value.status_code == 400 and ei.value.code == "policy_no_capable_model"
    assert f"small: context {SMALL + 1} > {SMALL}" in ei.value.message
    assert scans == [1] and fake_openai.requests == []


def test_a_prompt_that_fits_the_largest_window_is_scanned_and_served(
        gw: tuple[GatewayHandle, list[int]], fake_openai: FakeOpenAI) -> None:
    h, scans = gw
    r = client(h).chat.completions.create(model="large", messages=[{"role": "user", "content": prompt(LARGE)}])
    assert r.choices[0].message.content is not None
    assert scans == [1] and len(fake_openai.requests) == 1
