"""A model whose provider is in no ``providers`` section can never answer while the gateway runs: the
router leaves it out of every chain (it is not kept as a last resort like an unhealthy model) and
refuses a client that names it, unless the router was built without providers (``--assume-available``)."""

from __future__ import annotations

import pytest

from tenbin.config.loader import build_config
from tenbin.errors import GatewayError
from tenbin.providers.registry import build_providers
from tests.conftest import fake_model
from tests.routing.conftest import EXTRA_MODELS, RouterFactory, ctx

MODELS = [*EXTRA_MODELS, fake_model("orphan/x", "nowhere", region="JP")]  # provider `nowhere`: in no config
PROVIDERS = build_providers(build_config(
    {"providers": {"jpcloud": {"kind": "openai", "base_url": "http://127.0.0.1:9"}}}, env={}).providers)


def test_policy_pool_skips_an_unconfigured_model(make_router: RouterFactory) -> None:
    r = make_router({"rules": [{"name": "p", "pool": ["orphan/x", "jp-std"]}]}, models=MODELS,
                    providers=PROVIDERS)
    d = r.decide(ctx())
    assert [m.id for m in d.chain] == ["jp-std"]  # gone from the chain, not demoted to its end
    assert ["orphan/x", "provider nowhere not configured"] in d.trace["rejected"]


def test_only_unconfigured_models_left_is_a_503_naming_them(make_router: RouterFactory) -> None:
    r = make_router({"rules": [{"name": "p", "model": "orphan/x"}]}, models=MODELS,
                    providers=PROVIDERS)
    with pytest.raises(GatewayError) as ei:
        r.decide(ctx())
    assert (ei.value.status, ei.value.code) == (503, "provider_not_configured")
    assert "orphan/x: provider nowhere not configured" in ei.value.message


def test_a_client_naming_it_is_refused_even_with_fallbacks(make_router: RouterFactory) -> None:
    r = make_router(models=MODELS, fallbacks={"orphan/x": ["jp-std"]}, providers=PROVIDERS)
    with pytest.raises(GatewayError) as ei:
        r.decide(ctx(model="orphan/x"))
    assert (ei.value.status, ei.value.code, ei.value.param) == (404, "model_not_configured", "model")
    assert "provider `nowhere` is not configured" in ei.value.message


def test_a_key_that_may_not_use_it_gets_the_key_error_first(make_router: RouterFactory) -> None:
    r = make_router(models=MODELS, providers=PROVIDERS)
    with pytest.raises(GatewayError) as ei:
        r.decide(ctx(model="orphan/x", allowed=("jp-std",)))
    assert (ei.value.status, ei.value.code) == (403, "model_not_allowed")


def test_without_providers_the_policy_is_explained_alone(make_router: RouterFactory) -> None:
    r = make_router(models=MODELS)  # providers=None, as `tenbin route --assume-available`
    assert r.decide(ctx(model="orphan/x")).model.id == "orphan/x"

