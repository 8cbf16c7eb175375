"""Each kind of rule condition, one test apiece: the matching request routes, a near miss does not."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.routing.conftest import RouterFactory, ctx


def rule(name: str, when: dict[str, Any], model: str = "gpt-5-nano", **kw: Any) -> dict[str, Any]:
    return {"name": name, "when": when, "model": model, **kw}


def routed(make_router: RouterFactory, when: dict[str, Any], hit: Any, miss: Any, scan: Any = None,
           miss_scan: Any = None, **routing: Any) -> None:
    r = make_router({"rules": [rule("r", when)], **routing})
    d = r.decide(hit, scan)
    assert (d.model.id, d.rule) == ("gpt-5-nano", "r")
    d2 = r.decide(miss, miss_scan if miss_scan is not None else scan)
    assert d2.rule != "r", d2.trace


def test_team_project_key_use_case(make_router: RouterFactory) -> None:
    routed(make_router, {"team": "sales"}, ctx(team="sales"), ctx(team="hr"))
    routed(make_router, {"project": ["crm", "web"]}, ctx(project="web"), ctx(project="erp"))
    routed(make_router, {"key_id": "key_9"}, ctx(key_id="key_9"), ctx(key_id="key_1"))
    routed(make_router, {"use_case": "nippo"}, ctx(use_case="nippo"), ctx(use_case=None))


def test_requested_model_or_alias(make_router: RouterFactory) -> None:
    routed(make_router, {"model": "tenbin/auto"}, ctx(model="tenbin/auto"), ctx(model="gpt-4o"))


def test_data_class_and_labels(make_router: RouterFactory, scan_of: Any) -> None:
    personal = scan_of("電話は 090-1234-5678 です")
    public = scan_of("今日の天気は晴れ")
    routed(make_router, {"data_class": "PERSONAL"}, ctx(), ctx(), scan=personal, miss_scan=public)
    routed(make_router, {"min_data_class": "confidential"}, ctx(), ctx(), scan=personal, miss_scan=public)
    routed(make_router, {"labels": ["PHONE", "EMAIL"]}, ctx(), ctx(), scan=personal, miss_scan=public)


def test_complexity_tier_and_score(make_router: RouterFactory) -> None:
    hard = "次の分散システムを設計し、整合性を証明して、レビュー観点を分析して:\n```python\nx=1\n```"
    easy = "この文を要約して"
    # The rule conditions, with the keyword estimator whose scores test_complexity.py pins (the
    # learned classifier's tiers have their own tests in test_classifier.py).
    keywords = {"classifier": {"engine": "keywords"}}
    routed(make_router, {"complexity_tier": "frontier"}, ctx(hard), ctx(easy), scan=None, **keywords)
    routed(make_router, {"complexity": {"max": 0.2}}, ctx(easy), ctx(hard), **keywords)


def test_prompt_size(make_router: RouterFactory) -> None:
    routed(make_router, {"chars": {"min": 1000}}, ctx("あ" * 1200), ctx("短い"))
    routed(make_router, {"tokens": {"max": 50}}, ctx("short"), ctx("word " * 400))


def test_capabilities_in_body(make_router: RouterFactory) -> None:
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    routed(make_router, {"tools": True}, ctx(tools=tools), ctx())
    routed(make_router, {"json_mode": True}, ctx(response_format={"type": "json_object"}), ctx())
    routed(make_router, {"context_needed": {"min": 100_000}}, ctx(max_tokens=120_000), ctx(max_tokens=100))


def test_latency_budget_and_tags(make_router: RouterFactory) -> None:
    routed(make_router, {"latency_budget_ms": {"max": 800}},
           ctx(metadata={"latency_budget_ms": "500"}), ctx(metadata={"latency_budget_ms": "5000"}))
    routed(make_router, {"tags": {"channel": "chatbot"}}, ctx(metadata={"channel": "chatbot"}),
           ctx(metadata={"channel": "batch"}))


def test_prompt_contains(make_router: RouterFactory) -> None:
    routed(make_router, {"prompt_contains": ["日報", "稟議"]}, ctx("本日の日報です"), ctx("議事録です"))


def test_conditions_are_anded_and_first_rule_wins(make_router: RouterFactory) -> None:
    r = make_router({"rules": [rule("both", {"team": "sales", "use_case": "quote"}, "gpt-5"),
                               rule("team-only", {"team": "sales"}, "gpt-5-mini")]})
    assert r.decide(ctx(team="sales", use_case="quote")).model.id == "gpt-5"
    d = r.decide(ctx(team="sales", use_case="other"), explain=True)
    assert d.model.id == "gpt-5-mini"
    assert d.trace["missed"] == [["both", "use_case"]]


def test_pool_objectives(make_router: RouterFactory) -> None:
    pool = ["gpt-5", "gpt-5-nano", "claude-haiku-4-5"]
    cheap = make_router({"rules": [{"name": "c", "pool": pool, "objective": "cheapest"}]})
    d = cheap.decide(ctx())
    assert d.model.id == "gpt-5-nano"
    assert [m.id for m in d.fallbacks][-1] == "gpt-5"  # dearest last
    fast = make_router({"rules": [{"name": "f", "pool": pool, "objective": "fastest"}],
                        "models": {"claude-haiku-4-5": {"latency_ms": 100}}})
    assert fast.decide(ctx()).model.id == "claude-haiku-4-5"


def test_weighted_split_is_deterministic_per_request_id(make_router: RouterFactory) -> None:
    r = make_router({"rules": [{"name": "ab", "pool": ["gpt-5-mini", "claude-haiku-4-5"],
                                "objective": "weighted", "weights": {"gpt-5-mini": 90, "claude-haiku-4-5": 10}}]})
    picks = [r.decide(ctx(request_id=f"req_{i}")).model.id for i in range(2000)]
    share = picks.count("gpt-5-mini") / len(picks)
    assert 0.86 < share < 0.94
    again = [r.decide(ctx(request_id=f"req_{i}")).model.id for i in range(2000)]
    assert picks == again


def test_max_cost_rule_over_policy_default(make_router: RouterFactory) -> None:
    r = make_router({"max_cost_jpy": "100", "rules": [rule("cap", {"team": "intern"}, max_cost_jpy="2.5")]})
    assert r.decide(ctx(team="intern")).max_cost == Decimal("2.5")
    d = r.decide(ctx(team="sales"))
    assert d.max_cost == Decimal("100") and isinstance(d.max_cost, Decimal)


def test_virtual_models(make_router: RouterFactory) -> None:
    r = make_router({
        "aliases": {"fast": {"pool": ["gpt-5-nano", "gemini-2.5-flash-lite"], "objective": "fastest"},
                    "smart": {"model": "gpt-5"}, "private": {"model": "local/smollm2"}},
        "tiers": {"light": {"model": "gpt-5-nano"}, "frontier": {"model": "claude-opus-4-1"}},
    })
    assert r.decide(ctx(model="smart")).model.id == "gpt-5"
    assert r.decide(ctx(model="private")).model.id == "local/smollm2"
    assert r.decide(ctx(model="fast")).rule == "alias:fast"
    assert r.decide(ctx("要約して", model="tenbin/auto")).model.id == "gpt-5-nano"
    # A proof is frontier by the labelling rules (a list of task words and an empty code block is not)
    hard = "任意の有限グラフで、次数が奇数の頂点の個数は偶数であることを証明してください。"
    d = r.decide(ctx(hard, model="tenbin/auto"))
    assert d.model.id == "claude-opus-4-1" and d.trace["complexity"]["tier"] == "frontier"
    # a tier without a target falls back to default_model
    mid = "来週の全社会議について、参加者への案内メールの件名と本文の下書きを作ってください。" * 2
    d = r.decide(ctx(mid, model="auto"))
    assert d.trace["complexity"]["tier"] == "standard" and d.model.id == "local/smollm2"


def test_concrete_model_honour_reroute_refuse(make_router: RouterFactory) -> None:
    base = {"name": "code", "when": {"use_case": "code-review"}, "pool": ["gpt-5", "claude-sonnet-4-5"]}
    honour = make_router({"rules": [base]})
    assert honour.decide(ctx(model="gpt-4o", use_case="code-review")).model.id == "gpt-4o"
    reroute = make_router({"rules": [{**base, "client_model": "reroute"}]})
    d = reroute.decide(ctx(model="gpt-4o", use_case="code-review"))
    assert d.model.id == "gpt-5" and d.trace["source"] == "rule:code"
    assert reroute.decide(ctx(model="claude-sonnet-4-5", use_case="code-review")).model.id == "claude-sonnet-4-5"
    refuse = make_router({"rules": [{**base, "client_model": "refuse"}]})
    with pytest.raises(Exception) as ei:
        refuse.decide(ctx(model="gpt-4o", use_case="code-review"))
    e: Any = ei.value
    assert e.status == 403 and e.code == "policy_model_not_allowed" and "`code`" in e.message


def test_block_names_the_rule(make_router: RouterFactory, scan_of: Any) -> None:
    r = make_router({"rules": [{"name": "no-pii-in-chatbot", "when": {"tags": {"channel": "chatbot"}},
                                "on_sensitive": "block"}]})
    with pytest.raises(Exception) as ei:
        r.decide(ctx("090-1234-5678", metadata={"channel": "chatbot"}), scan_of("090-1234-5678"))
    e: Any = ei.value
    assert e.status == 403 and e.code == "policy_blocked" and "no-pii-in-chatbot" in e.message
    # the same rule lets non-personal data through
    assert r.decide(ctx("hello", metadata={"channel": "chatbot"}), scan_of("hello")).privacy_action == "allow"


def test_unknown_model_is_404(make_router: RouterFactory) -> None:
    with pytest.raises(Exception) as ei:
        make_router().decide(ctx(model="gpt-9"))
    assert getattr(ei.value, "status", None) == 404
