"""Policy mistakes fail at load time with the path of the offending field."""

from __future__ import annotations

from typing import Any

import pytest

from tests.routing.conftest import RouterFactory


@pytest.mark.parametrize(("section", "needle"), [
    ({"rules": [{"name": "x", "when": {"data_class": "SECRET"}}]}, "routing.rules.0.when.data_class"),
    ({"rules": [{"name": "x", "when": {"teem": "a"}}]}, "routing.rules.0.when.teem"),
    ({"rules": [{"name": "x", "model": "gpt-5", "pool": ["gpt-5"]}]}, "at most one of 'model' or 'pool'"),
    ({"rules": [{"name": "x", "pool": ["gpt-5"], "objective": "weighted"}]}, "needs 'weights'"),
    ({"rules": [{"name": "x", "on_sensitive": "ignore"}]}, "routing.rules.0.on_sensitive"),
    ({"rules": [{"name": "x", "max_cost_jpy": "-1"}]}, "routing.rules.0.max_cost_jpy"),
    ({"rules": [{"name": "x"}, {"name": "x"}]}, "duplicate rule name 'x'"),
    ({"constraints": [{"when": {}, "require": {"max_retention_days": -3}}]},
     "routing.constraints.0.require.max_retention_days"),
    ({"threshold": 1.5}, "routing.threshold"),
    ({"aliases": {"tenbin/auto": {"model": "gpt-5"}}}, "reserved"),
    ({"unscanned_as": "maybe"}, "routing.unscanned_as"),
])
def test_schema_errors_name_the_field(make_router: RouterFactory, section: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError) as ei:
        make_router(section)
    assert needle in str(ei.value)


@pytest.mark.parametrize(("section", "needle"), [
    ({"rules": [{"name": "code", "pool": ["gpt-5", "gpt-6"]}]}, "routing.rules.0(code).pool: unknown model 'gpt-6'"),
    ({"aliases": {"fast": {"model": "nano"}}}, "routing.aliases.fast.model: unknown model 'nano'"),
    ({"aliases": {"gpt-5": {"model": "jp-std"}}}, "shadows the catalog model"),
    ({"tiers": {"light": {"model": "x"}}}, "routing.tiers.light.model"),
    ({"models": {"nope": {"rpm": 5}}}, "routing.models: unknown model 'nope'"),
])
def test_unknown_models_fail_at_load(make_router: RouterFactory, section: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError) as ei:
        make_router(section)
    assert needle in str(ei.value)


def test_example_policy_loads(make_router: RouterFactory) -> None:
    from pathlib import Path

    import yaml
    raw = yaml.safe_load((Path(__file__).parents[2] / "examples" / "policy.yaml").read_text(encoding="utf-8"))
    r = make_router(raw["routing"], models=raw["models"], providers=raw.get("providers", {}),
                    default_model=raw.get("default_model", "local/smollm2"))
    assert len(r.policy.rules) >= 4 and len(r.policy.constraints) >= 2
