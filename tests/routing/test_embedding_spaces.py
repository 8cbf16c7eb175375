"""Router decisions for embeddings keep to the requested model's vector space, whatever part of
the policy proposes the candidate: an alias's pool, a rule's target, ``reroute_to``, fallbacks."""

from __future__ import annotations

from typing import Any

import pytest

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext
from tenbin.errors import BadRequest, Forbidden
from tenbin.privacy import Detector
from tenbin.routing.router import Router
from tests.conftest import fake_model

SPACE = "openai/text-embedding-3-small"
PII = "顧客の連絡先は 090-1234-5678、メールは taro.yamada@example.co.jp です"
FREE = [{"effective": "2024-01-01", "currency": "JPY", "input": "0", "output": "0"}]
MODELS = [
    fake_model("azure-jp/small", "jpcloud", region="JP", kind="embedding", tier="light", context_window=8191,
               vector_space=SPACE),
    fake_model("jp-e5", "jpcloud", region="JP", kind="embedding", tier="light", context_window=8191, prices=FREE),
]


def router(routing: dict[str, Any] | None = None, **extra: Any) -> Router:
    raw = {"models": MODELS, "routing": routing or {},
           "providers": {"jpcloud": {"kind": "openai", "base_url": "http://127.0.0.1:9"}}, **extra}
    cfg = build_config(raw, env={})
    return Router(cfg, load_catalog(cfg.models))


def embed(text: str, model: str = "text-embedding-3-small", use_case: str | None = None) -> RequestContext:
    return RequestContext(request_id="req_1", principal=Principal("key_1", "sales", "crm"),
                          body={"model": model, "input": [text]}, requested_model=model, stream=False,
                          use_case=use_case, operation="embed")


def decide(r: Router, c: RequestContext, detector: Detector) -> Any:
    return r.decide(c, detector.scan_request(c.body))


def test_a_personal_input_is_rerouted_within_the_space_only(detector: Detector) -> None:
    d = decide(router(), embed(PII), detector)  # the safe default constraints: personal data stays in Japan
    assert [m.id for m in d.chain] == ["azure-jp/small"]
    assert d.trace["vector_space"] == SPACE and d.trace["other_space"] == ["jp-e5"]


def test_reroute_to_of_another_space_is_skipped(detector: Detector) -> None:
    d = decide(router({"reroute_to": ["jp-e5", "azure-jp/small"]}), embed(PII), detector)
    assert [m.id for m in d.chain] == ["azure-jp/small"]
    with pytest.raises(Forbidden) as ei:
        decide(router({"reroute_to": ["jp-e5"]}), embed(PII), detector)
    assert ei.value.code == "policy_no_compliant_model"
    assert "Compliant but in another vector space: jp-e5." in ei.value.message


def test_an_alias_keeps_to_the_space_of_its_first_model(detector: Detector) -> None:
    r = router({"constraints": [], "aliases": {"search": {"pool": ["text-embedding-3-small", "jp-e5",
                                                                   "azure-jp/small"]}}})
    d = decide(r, embed("就業規則", model="search"), detector)
    assert sorted(m.id for m in d.chain) == ["azure-jp/small", "text-embedding-3-small"]
    assert d.trace["vector_space"] == SPACE
    # an alias serving chats and embeddings alike: the space is its first embedding model's
    both = router({"constraints": [], "aliases": {"any": {"pool": ["gpt-5-nano", "jp-e5", "azure-jp/small"]}}})
    d = decide(both, embed("就業規則", model="any"), detector)
    assert [m.id for m in d.chain] == ["jp-e5"] and d.trace["vector_space"] == "jp-e5"


def test_a_rule_target_in_another_space_is_refused_not_silently_served(detector: Detector) -> None:
    """A rule that reroutes the client's text-embedding-3-small to jp-e5 would answer the
    client's index with another model's vectors: refused, naming the space."""
    r = router({"constraints": [], "rules": [{"name": "search-in-house", "when": {"use_case": "search"},
                                              "model": "jp-e5", "client_model": "reroute"}]})
    with pytest.raises(Forbidden) as ei:
        decide(r, embed("就業規則", use_case="search"), detector)
    msg = ei.value.message
    assert ei.value.code == "policy_no_compliant_model"
    assert msg.startswith("Policy rule `search-in-house`: no model in text-embedding-3-small's vector space "
                          f"({SPACE}) can serve this embeddings request")
    assert "Compliant but in another vector space: jp-e5." in msg
    # asked for by name, jp-e5 is the client's own space: the rule's target serves it
    d = decide(r, embed("就業規則", model="jp-e5", use_case="search"), detector)
    assert d.model.id == "jp-e5" and d.trace["vector_space"] == "jp-e5"


def test_auto_resolves_to_default_embedding_model_never_by_tier_or_price(detector: Detector) -> None:
    # jp-e5 is light and free: a tier or price pick would take it; auto means the configured model
    d = decide(router({"constraints": []}, default_embedding_model="text-embedding-3-small"),
               embed("就業規則", model="tenbin/auto"), detector)
    assert d.model.id == "text-embedding-3-small" and d.trace["source"] == "default_embedding_model"
    with pytest.raises(BadRequest) as ei:
        decide(router({"constraints": []}), embed("就業規則", model="auto"), detector)
    assert ei.value.code == "default_embedding_model_unset"


def test_chat_decisions_have_no_vector_space(detector: Detector) -> None:
    c = RequestContext(request_id="r", principal=Principal("key_1", "sales", "crm"),
                       body={"model": "tenbin/auto", "messages": [{"role": "user", "content": "こんにちは"}]},
                       requested_model="tenbin/auto", stream=False)
    d = router({"constraints": []}).decide(c, None)
    assert "vector_space" not in d.trace and d.model.kind == "chat"
