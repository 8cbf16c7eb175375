"""Open breakers and keyless providers push a model to the back; RPM caps take it out."""

from __future__ import annotations

import pytest

from tenbin.config.loader import build_config
from tenbin.config.schema import BreakerConfig
from tenbin.errors import GatewayError
from tenbin.providers.registry import build_providers
from tenbin.providers.resilience import Breakers
from tenbin.routing.health import SlidingWindowLimiter
from tests.routing.conftest import RouterFactory, ctx

POOL = {"rules": [{"name": "p", "pool": ["gpt-5-mini", "claude-haiku-4-5", "jp-std"]}]}


def test_open_breaker_is_skipped_but_kept_as_last_resort(make_router: RouterFactory) -> None:
    breakers = Breakers(BreakerConfig(failure_threshold=1, cooldown_s=60))
    r = make_router(POOL, breakers=breakers)
    assert r.decide(ctx()).model.id == "gpt-5-mini"
    breakers.get("gpt-5-mini").failure()
    d = r.decide(ctx())
    assert [m.id for m in d.chain] == ["claude-haiku-4-5", "jp-std", "gpt-5-mini"]
    assert ["gpt-5-mini", "breaker_open"] in d.trace["rejected"]
    breakers.get("gpt-5-mini").success()
    assert r.decide(ctx()).model.id == "gpt-5-mini"


def test_provider_without_key_is_skipped(make_router: RouterFactory) -> None:
    cfg = build_config({"providers": {"jpcloud": {"kind": "openai", "base_url": "http://127.0.0.1:9",
                                                  "api_key": "${JP_KEY}"}}}, env={"ANTHROPIC_API_KEY": "x"})
    providers = build_providers(cfg.providers)  # openai has no key in this env, anthropic has one
    d = make_router(POOL, providers=providers).decide(ctx())
    assert d.model.id == "claude-haiku-4-5"
    assert any(m == "gpt-5-mini" and "OPENAI_API_KEY" in why for m, why in d.trace["rejected"])


def test_rpm_cap_moves_traffic_to_the_next_model(make_router: RouterFactory) -> None:
    r = make_router({**POOL, "models": {"gpt-5-mini": {"rpm": 3}}})
    chosen = []
    for i in range(5):
        d = r.decide(ctx(request_id=f"r{i}"))
        r.count(d)  # what the pipeline does once a decision is taken
        chosen.append(d.model.id)
    assert chosen == ["gpt-5-mini"] * 3 + ["claude-haiku-4-5"] * 2
    only = make_router({"rules": [{"name": "one", "model": "gpt-5-mini"}], "models": {"gpt-5-mini": {"rpm": 1}}})
    only.count(only.decide(ctx()))
    with pytest.raises(GatewayError) as ei:
        only.decide(ctx())
    assert ei.value.status == 429


def test_decide_does_not_consume_rpm(make_router: RouterFactory) -> None:
    r = make_router({**POOL, "models": {"gpt-5-mini": {"rpm": 1}}})
    for explain in (True, False, False):
        assert r.decide(ctx(), explain=explain).model.id == "gpt-5-mini"
    r.count(r.decide(ctx()))
    assert r.decide(ctx()).model.id == "claude-haiku-4-5"


def test_sliding_window_expires() -> None:
    from tenbin.clock import ManualClock

    clock = ManualClock("2026-11-20T03:00:00Z")
    lim = SlidingWindowLimiter(window_s=60, clock=clock)
    lim.hit("m")
    clock.advance(30)
    lim.hit("m")
    assert lim.allowed("m", 3) and not lim.allowed("m", 2)
    clock.advance(29.999)
    assert not lim.allowed("m", 2)  # both hits are inside the last 60 s
    clock.advance(0.001)
    assert lim.allowed("m", 2) and not lim.allowed("m", 1)  # the first hit left the window, exactly at 60 s
    clock.advance(30)
    assert lim.allowed("m", 1)


