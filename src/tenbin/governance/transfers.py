"""Which vendors a request's data actually reached: one transfer per model of the chain called.

APPI Art. 28/29 records are about data that left: a fallback chain where Claude failed and GPT
answered sent the prompt to two vendors, so the audit needs two entries; a model skipped because
its key is missing or its breaker is open received nothing, so it needs none. The pipeline hands
over what it tried (``gateway.pipeline.Attempt``: the calls that reached each vendor) and what
served; this module turns that into the list the audit writes, without knowing the pipeline.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tenbin.catalog.catalog import Catalog, ModelSpec


class Transfer(NamedTuple):
    """One model of the chain whose vendor received the request (``sends`` calls, retries included).
    Immutable; a NamedTuple because one is built per request and a frozen dataclass's
    ``object.__setattr__`` per field costs ~10 k instructions."""

    model: ModelSpec
    sends: int
    status: int | None  # the vendor's HTTP status for a failed attempt, None when it gave none
    error: str | None  # the failure kind; None for the model that answered
    served: bool
    position: int  # 0 = first model of the chain
    masked: bool  # it received the masked body (masking is decided per destination)


def transfers(facts: dict[str, Any], catalog: Catalog) -> list[Transfer]:
    """The transfers of one request, in the order they happened."""
    out: list[Transfer] = []
    tried = facts.get("tried") or ()
    for i, a in enumerate(tried):
        spec = catalog.get(a.model)
        if spec is not None and a.sent > 0:
            out.append(Transfer(spec, a.sent, a.status, a.error, False, i, a.masked))
    served = facts.get("served")
    if served is not None and served.sent > 0:
        out.append(Transfer(served.model, served.sent, None, None, True, len(served.attempts), served.masked))
    return out


def skipped(facts: dict[str, Any]) -> list[dict[str, str]]:
    """Models of the chain that received nothing, and why (kept in the entry's detail)."""
    return [{"model": a.model, "reason": a.error} for a in facts.get("tried") or () if a.sent == 0]


def budget_action(facts: dict[str, Any]) -> dict[str, Any] | None:
    """What a budget did to the routing decision (today: a downgrade), from its trace."""
    decision = facts.get("decision")
    trace = getattr(decision, "trace", None) or {}
    action = trace.get("budget_downgrade")
    return {"action": "downgrade", **action} if isinstance(action, dict) else None


def policy_rule(facts: dict[str, Any]) -> str | None:
    """The policy rule that authorised the transfer: the router's, not a budget's replacement."""
    routed = facts.get("routed") or facts.get("decision")
    return getattr(routed, "rule", None)
