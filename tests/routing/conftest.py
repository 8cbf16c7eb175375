"""Routers built from real config, the real shipped catalog and the real privacy detector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.privacy import Detector, PrivacyConfig, PrivacyScan
from tenbin.providers.resilience import Breakers
from tenbin.routing.router import Router
from tests.conftest import fake_model

# Two domestic models next to the shipped (US-processed) vendor models.
EXTRA_MODELS = [
    fake_model("jp-std", "jpcloud", region="JP", tier="standard",
               capabilities={"streaming": True, "tools": True, "json_mode": True}),
    fake_model("jp-frontier", "jpcloud", region="JP", tier="frontier",
               capabilities={"streaming": True, "tools": True, "json_mode": True}),
]

PERSONAL_PROMPT = "顧客の連絡先は 090-1234-5678、メールは taro.yamada@example.co.jp です。返信文を作って"


@pytest.fixture(scope="session")
def detector() -> Detector:
    return Detector(PrivacyConfig(ner=False))


@pytest.fixture
def scan_of(detector: Detector) -> Callable[[str], PrivacyScan]:
    return lambda text: detector.scan_messages([{"role": "user", "content": text}])


RouterFactory = Callable[..., Router]


@pytest.fixture
def make_router() -> RouterFactory:
    def make(routing: dict[str, Any] | None = None, *, breakers: Breakers | None = None,
             providers: Any = None, **cfg_extra: Any) -> Router:
        # These tests exercise each mechanism alone: no default constraints unless a test names some
        # (the safe defaults have their own tests in test_defaults.py).
        routing = {"constraints": [], **(routing or {})}
        raw: dict[str, Any] = {"models": EXTRA_MODELS, "routing": routing,
                               "providers": {"jpcloud": {"kind": "openai", "base_url": "http://127.0.0.1:9"}},
                               **cfg_extra}
        cfg = build_config(raw, env={})
        return Router(cfg, load_catalog(cfg.models), breakers=breakers, providers=providers)

    return make


def ctx(prompt: str = "こんにちは", model: str = "tenbin/auto", *, team: str = "sales", project: str = "crm",
        key_id: str = "key_1", use_case: str | None = None, metadata: dict[str, str] | None = None,
        allowed: tuple[str, ...] | None = None, request_id: str = "req_1", **body: Any) -> RequestContext:
    return RequestContext(
        request_id=request_id, principal=Principal(key_id, team, project, allowed_models=allowed),
        body={"model": model, "messages": [{"role": "user", "content": prompt}], **body},
        requested_model=model, stream=False, use_case=use_case, metadata=metadata or {},
    )
