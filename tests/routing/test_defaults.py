"""The safe defaults with no routing policy: personal data abroad is masked, confidential stays home."""

from __future__ import annotations

from typing import Any

import pytest

from tenbin.catalog import load_catalog
from tenbin.config.loader import build_config
from tenbin.errors import Forbidden
from tenbin.routing.router import Router
from tests.routing.conftest import ctx


def router(routing: dict[str, Any] | None = None) -> Router:
    cfg = build_config({"routing": routing or {}}, env={})
    return Router(cfg, load_catalog(cfg.models))


def test_personal_data_to_foreign_model_is_masked(scan_of: Any) -> None:
    d = router().decide(ctx("山田太郎様の携帯は090-1234-5678です", model="gpt-4o"),
                        scan_of("山田太郎様の携帯は090-1234-5678です"))
    assert d.model.id == "gpt-4o" and d.privacy_action == "mask"


def test_confidential_never_leaves_on_prem(scan_of: Any) -> None:
    text = "【社外秘】来期の買収計画について"
    with pytest.raises(Forbidden) as ei:
        router().decide(ctx(text, model="gpt-4o"), scan_of(text))
    assert ei.value.code == "policy_no_compliant_model"
    assert router().decide(ctx(text), scan_of(text)).model.region == "on-prem"


def test_public_data_goes_where_asked(scan_of: Any) -> None:
    d = router().decide(ctx("今日の天気は晴れ", model="gpt-4o"), scan_of("今日の天気は晴れ"))
    assert d.model.id == "gpt-4o" and d.privacy_action == "allow"


def test_explicit_empty_constraints_opt_out(scan_of: Any) -> None:
    text = "山田太郎様の携帯は090-1234-5678です"
    d = router({"constraints": []}).decide(ctx(text, model="gpt-4o"), scan_of(text))
    assert d.model.id == "gpt-4o" and d.privacy_action == "allow"
