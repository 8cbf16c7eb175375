"""Which models of a decision receive the request masked (``Decision.privacy_for``)."""

from __future__ import annotations

from typing import Any

from tenbin.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.routing.decision import sent_abroad
from tenbin.routing.router import Router
from tests.conftest import fake_model
from tests.routing.conftest import ctx

TEXT = "山田太郎様の携帯は090-1234-5678です"
MODELS = [fake_model("onprem", "p", region="on-prem", jurisdiction="JP"),
          fake_model("jp-jp", "p", region="JP", jurisdiction="JP"),
          fake_model("jp-us", "p", region="JP", jurisdiction="US"),
          fake_model("us", "p", region="US", jurisdiction="US", trains_on_data=True),
          fake_model("jp-trains", "p", region="JP", jurisdiction="JP", trains_on_data=True)]


def router(routing: dict[str, Any] | None = None, fallbacks: dict[str, list[str]] | None = None) -> Router:
    cfg = build_config({"models": MODELS, "default_model": "us", "routing": routing or {},
                        "fallbacks": fallbacks or {}}, env={})
    return Router(cfg, load_catalog(cfg.models))


def test_sent_abroad_counts_jurisdiction() -> None:
    by_id = {m.id: m for m in load_catalog(build_config({"models": MODELS}, env={}).models)}
    assert [m for m in ("onprem", "jp-jp", "jp-us", "us") if sent_abroad(by_id[m])] == ["jp-us", "us"]


def test_each_model_of_the_chain_gets_its_own_action(scan_of: Any) -> None:
    d = router(fallbacks={"onprem": ["jp-us", "us", "jp-jp"]}).decide(ctx(TEXT, model="onprem"), scan_of(TEXT))
    assert d.privacy_action == "mask"
    assert {m.id: d.privacy_for(m) for m in d.chain} == {
        "onprem": "allow", "jp-us": "mask", "us": "mask", "jp-jp": "allow"}
    assert d.trace["unmasked"] == ["onprem", "jp-jp"]
    assert "privacy=" not in d.header()  # the chosen model gets it unmasked


def test_a_constraint_waived_by_masking_still_binds_an_unmasked_model(scan_of: Any) -> None:
    """``no_training`` is waived because the request is masked; a domestic model that trains on
    data would get it unmasked only by breaking the constraint, so it is masked."""
    routing = {"on_sensitive": "mask", "constraints": [
        {"when": {"data_class": "PERSONAL"}, "require": {"no_training": True}, "unless_masked": True}]}
    d = router(routing, {"jp-trains": ["jp-jp"]}).decide(ctx(TEXT, model="jp-trains"), scan_of(TEXT))
    assert d.privacy_for(d.model) == "mask" and d.privacy_for(d.fallbacks[0]) == "allow"


def test_scope_always_and_nothing_found(scan_of: Any) -> None:
    d = router({"mask_scope": "always"}).decide(ctx(TEXT, model="onprem"), scan_of(TEXT))
    assert d.privacy_for(d.model) == "mask" and not d.unmasked
    plain = router().decide(ctx("今日の天気", model="us"), scan_of("今日の天気"))
    assert plain.privacy_for(plain.model) == "allow"
