"""Sovereignty first: constraints narrow the model set before cost, rules or the client get a say."""

from __future__ import annotations

from typing import Any

import pytest

from tenbin.errors import GatewayError
from tenbin.privacy import DataClass
from tests.routing.conftest import PERSONAL_PROMPT, RouterFactory, ctx

JAPAN = {"name": "personal-in-japan", "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
         "require": {"region": ["JP", "on-prem"], "max_retention_days": 30, "no_training": True},
         "unless_masked": True}
ONPREM = {"name": "confidential-on-prem", "when": {"data_class": "CONFIDENTIAL"},
          "require": {"region": ["on-prem"]}}


def policy(**kw: Any) -> dict[str, Any]:
    return {"constraints": [JAPAN, ONPREM], **kw}


def test_client_asking_gpt4o_never_gets_it_with_unmasked_personal_data(make_router: RouterFactory,
                                                                       scan_of: Any) -> None:
    scan = scan_of(PERSONAL_PROMPT)
    assert scan.data_class == DataClass.PERSONAL
    r = make_router(policy())
    with pytest.raises(GatewayError) as ei:
        r.decide(ctx(PERSONAL_PROMPT, model="gpt-4o"), scan)
    e = ei.value
    assert e.status == 403 and e.code == "policy_no_compliant_model"
    assert "personal-in-japan" in e.message and "region US" in e.message
    # with reroute the request is served, but inside Japan; cheaper foreign models never win
    rr = make_router(policy(on_sensitive="reroute"))
    d = rr.decide(ctx(PERSONAL_PROMPT, model="gpt-4o"), scan)
    assert d.model.region in ("JP", "on-prem") and all(m.region in ("JP", "on-prem") for m in d.chain)
    assert d.privacy_action == "allow" and d.trace["source"] == "reroute(client)"
    assert ["gpt-4o", "personal-in-japan: region US not in JP/on-prem"] in d.trace["rejected"]


def test_cheapest_pool_cannot_pick_a_foreign_model_for_personal_data(make_router: RouterFactory,
                                                                    scan_of: Any) -> None:
    r = make_router(policy(rules=[{"name": "cheap", "pool": ["gpt-5-nano", "gemini-2.5-flash-lite", "jp-std"],
                                   "objective": "cheapest", "client_model": "reroute"}]))
    assert r.decide(ctx("天気は？"), scan_of("天気は？")).model.id in ("gpt-5-nano", "gemini-2.5-flash-lite")
    d = r.decide(ctx(PERSONAL_PROMPT, model="gpt-4o"), scan_of(PERSONAL_PROMPT))
    assert d.model.id == "jp-std" and d.fallbacks == []


def test_masking_waives_only_unless_masked_constraints(make_router: RouterFactory, scan_of: Any) -> None:
    r = make_router(policy(rules=[{"name": "support", "when": {"use_case": "support"}, "model": "gpt-5",
                                   "on_sensitive": "mask"}]))
    d = r.decide(ctx(PERSONAL_PROMPT, use_case="support"), scan_of(PERSONAL_PROMPT))
    assert d.model.id == "gpt-5" and d.privacy_action == "mask"
    assert d.trace["constraints"] == ["personal-in-japan(waived:masked)"]
    secret = "【社外秘】来期の買収計画。担当 090-1234-5678"
    s = scan_of(secret)
    assert DataClass.CONFIDENTIAL in s.classes
    with pytest.raises(GatewayError) as ei:  # masking names does not make a 社外秘 memo public
        r.decide(ctx(secret, use_case="support"), s)
    assert ei.value.code == "policy_no_compliant_model" and "confidential-on-prem" in ei.value.message


def test_fallbacks_stay_inside_the_compliant_set(make_router: RouterFactory, scan_of: Any) -> None:
    r = make_router(policy(on_sensitive="reroute",
                           rules=[{"name": "r", "model": "jp-frontier", "fallbacks": ["gpt-5", "jp-std", "gpt-4o"]}]),
                    fallbacks={"jp-frontier": ["claude-sonnet-4-5", "jp-std"]})
    d = r.decide(ctx(PERSONAL_PROMPT), scan_of(PERSONAL_PROMPT))
    assert [m.id for m in d.chain] == ["jp-frontier", "jp-std"]
    assert d.trace["eligible"] == sorted(m for m in d.trace["eligible"])
    assert "gpt-5" not in d.trace["eligible"]
    public = r.decide(ctx("天気"), scan_of("天気"))
    assert [m.id for m in public.chain] == ["jp-frontier", "gpt-5", "jp-std", "gpt-4o"]


def test_requirement_fields_checked_against_catalog(make_router: RouterFactory, scan_of: Any) -> None:
    strict = {"name": "short-retention", "when": {"min_data_class": "PERSONAL"},
              "require": {"max_retention_days": 10}}
    r = make_router({"constraints": [strict], "on_sensitive": "reroute"})
    d = r.decide(ctx(PERSONAL_PROMPT, model="jp-std"), scan_of(PERSONAL_PROMPT))
    assert d.model.id == "local/smollm2"  # the only model keeping nothing (retention 0 days)
    assert ["jp-std", "short-retention: retention 30d > 10d"] in d.trace["rejected"]
    juris = make_router({"constraints": [{"name": "jp-law", "when": {}, "require": {"jurisdiction": ["JP"]}}]})
    with pytest.raises(GatewayError) as ei:
        juris.decide(ctx("hi", model="gpt-5"), scan_of("hi"))
    assert "jp-law: jurisdiction US not in JP" in ei.value.message
    assert juris.decide(ctx("hi", model="jp-std"), scan_of("hi")).model.id == "jp-std"


def test_unscanned_requests_are_treated_as_personal_by_default(make_router: RouterFactory) -> None:
    r = make_router(policy())
    with pytest.raises(GatewayError):
        r.decide(ctx("天気", model="gpt-5"), None)
    lax = make_router(policy(unscanned_as="PUBLIC"))
    assert lax.decide(ctx("天気", model="gpt-5"), None).model.id == "gpt-5"


def test_key_restrictions_still_apply(make_router: RouterFactory) -> None:
    with pytest.raises(GatewayError) as ei:
        make_router().decide(ctx(model="gpt-5", allowed=("gpt-5-mini",)))
    assert ei.value.status == 403 and "may not use model `gpt-5`" in ei.value.message


def test_capability_mismatch_is_a_clear_400(make_router: RouterFactory) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    with pytest.raises(GatewayError) as ei:
        make_router().decide(ctx(model="local/smollm2", tools=tools))
    assert ei.value.status == 400 and ei.value.code == "policy_no_capable_model"
