"""Changing stored budgets, the one way ``tenbin budgets set`` / ``rm`` and the console's budgets
page both go: the same parsing and validation of the fields, and the same audit entry for each
change — so a budget written from the browser reads in the chain exactly like one written from the
shell, only with the admin's key as the actor instead of the local operator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenbin.finops.config import BudgetRule

DEFAULT_THRESHOLDS = "50,80,100"


def budget_rule(fields: Mapping[str, str | None]) -> BudgetRule:
    """A rule from text fields as the CLI options hold them (``thresholds`` comma-separated). A
    field left out takes the CLI's default; an empty ``thresholds`` means no alerts, as
    ``--thresholds ""`` always did; an empty ``match`` is refused (it would match nothing, silently).
    Raises ValueError (pydantic's names the field)."""
    def opt(name: str) -> str | None:
        v = (fields.get(name) or "").strip()
        return v or None

    match = fields.get("match")
    if match is not None and not match.strip():
        raise ValueError("match: name the team, project, key or use case, or * for each one")
    thresholds = fields.get("thresholds")
    text = DEFAULT_THRESHOLDS if thresholds is None else thresholds
    try:
        pcts = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"thresholds: expected comma-separated whole percentages, got {text!r}") from None
    return BudgetRule.model_validate({
        "name": (fields.get("name") or "").strip(), "scope": opt("scope") or "team",
        "match": (match or "*").strip(), "period": opt("period") or "month", "limit_jpy": opt("limit_jpy"),
        "action": opt("action") or "block", "downgrade_to": opt("downgrade_to"), "webhook": opt("webhook"),
        "thresholds": pcts})


def set_entry(rule: BudgetRule) -> dict[str, Any]:
    """The audit entry of storing ``rule`` (``AuditWriter.admin`` / ``operator.audited`` keywords):
    a team budget naming one team is that team's entry, so its team admins see it."""
    return {"action": "budget.set", "target": rule.name,
            "team": rule.match if rule.scope == "team" and rule.match != "*" else None,
            "detail": rule.model_dump(mode="json")}


def rm_entry(name: str) -> dict[str, Any]:
    return {"action": "budget.rm", "target": name}
