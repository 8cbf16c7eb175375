"""Build audit entry bodies from what the pipeline knows, keeping only what an auditor may hold.

An entry says who (key, team, role), when, what kind of data (class and finding *counts* per
label, never the findings' text), where it went (model, vendor, processing region, governing
jurisdiction from the catalog), whether it was masked and under which policy rule, and SHA-256
digests and sizes of the prompt and the answer, which prove what was sent without keeping it.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import orjson

from tenbin.catalog.catalog import Catalog
from tenbin.context import Principal, RequestContext
from tenbin.governance.chain import canonical
from tenbin.governance.transfers import budget_action, policy_rule, skipped, transfers
from tenbin.ledger.record import UsageRecord


def prompt_bytes(body: dict[str, Any]) -> bytes:
    """The prompt as digested: the request's ``messages`` as compact JSON (orjson, key order kept);
    an embeddings request's ``input`` (its only text)."""
    if "messages" not in body and "input" in body:
        return orjson.dumps(body["input"])
    return orjson.dumps(body.get("messages") or [])


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def answer_text(response: dict[str, Any]) -> str:
    """What the client was told, in choice order: the same text a stream's deltas concatenate to."""
    parts = []
    for choice in response.get("choices") or []:
        content = (choice.get("message") or {}).get("content")
        if isinstance(content, str):
            parts.append(content)
    return "".join(parts)


def request_entries(ctx: RequestContext, rec: UsageRecord, facts: dict[str, Any], catalog: Catalog,
                    prompt: bytes, answer_sha256: str | None, answer_bytes: int | None) -> list[dict[str, Any]]:
    """One entry per vendor the request reached (governance/transfers.py), in the order they were
    called; one entry without a vendor when it reached none (refused, no model available, cache hit)."""
    scan = facts.get("scan")
    p = ctx.principal
    # A scan without findings has no counts: skip building an empty Counter (most requests).
    counts = scan.counts() if scan is not None and getattr(scan, "findings", True) else {}
    base: dict[str, Any] = {
        "ts_us": int(rec.ts_start * 1_000_000), "kind": "request", "action": "chat.completions",
        "request_id": rec.request_id, "key_id": p.key_id, "team": p.team, "role": p.role,
        "project": p.project, "use_case": rec.use_case, "target": None,
        # The ledger row's class: the one routing decided on (gateway/finish.py data_class_name),
        # so the audit, the ledger and the x-tenbin-route header never disagree.
        "data_class": rec.data_class, "findings": canonical(counts) if counts else None,
        "masked": 1 if facts.get("masked") else 0,
        "rule": policy_rule(facts), "prompt_sha256": digest(prompt), "prompt_bytes": len(prompt),
    }
    common: dict[str, Any] = {}
    if rec.error_class:
        common.update(stream=rec.stream, error=rec.error_class)
    budget = budget_action(facts)
    if budget is not None:
        common["budget"] = budget
    not_sent = skipped(facts)
    if not_sent:
        common["not_sent"] = not_sent
    sent = transfers(facts, catalog)
    if not sent:
        decision = facts.get("decision")
        headed = decision.model.id if decision is not None else rec.requested_model
        if facts.get("served") is not None:
            common["cache"] = "hit"  # answered without calling anyone
        return [{**base, "model": headed, "provider": None, "region": None, "jurisdiction": None,
                 "status": rec.status, "answer_sha256": answer_sha256 if facts.get("served") else None,
                 "answer_bytes": answer_bytes if facts.get("served") else None,
                 "detail": canonical(common) if common else None}]
    out = []
    for t in sent:
        detail = dict(common)
        if len(sent) > 1 or t.sends > 1 or not t.served:
            detail["attempt"] = {"position": t.position, "sends": t.sends, "served": t.served,
                                 **({"error": t.error} if t.error else {})}
        out.append({
            **base, "masked": 1 if t.masked else 0,  # as this vendor received it
            "model": t.model.id, "provider": t.model.provider, "region": t.model.region,
            "jurisdiction": t.model.jurisdiction,
            "status": rec.status if t.served else (t.status or 502),
            "answer_sha256": answer_sha256 if t.served else None,
            "answer_bytes": answer_bytes if t.served else None,
            "detail": canonical(detail) if detail else None,
        })
    return out


# The actor of what the gateway does by itself (loading its config at start): no key, no team.
SYSTEM_ACTOR = Principal(key_id="-", team="-", project="-", role="system")


def admin_entry(actor: Principal, action: str, *, target: str | None = None, team: str | None = None,
                detail: dict[str, Any] | None = None, ts: float | None = None) -> dict[str, Any]:
    """An admin action (``key.create``, ``key.revoke``, ``budget.update``, ``config.reload`` …).

    ``team`` is the team acted upon (defaults to the actor's) so team-scoped audit reads show a
    team its own key changes even when an admin made them; the actor is in ``detail``."""
    return {
        "ts_us": int((time.time() if ts is None else ts) * 1_000_000), "kind": "admin", "action": action,
        "request_id": None,
        "key_id": actor.key_id, "team": team or actor.team, "role": actor.role, "project": actor.project,
        "use_case": None, "target": target, "data_class": None, "findings": None, "masked": 0,
        "rule": None, "model": None, "provider": None, "region": None, "jurisdiction": None,
        "status": None, "prompt_sha256": None, "prompt_bytes": None, "answer_sha256": None,
        "answer_bytes": None,
        "detail": canonical({"actor_team": actor.team, **(detail or {})}),
    }


def refusal_entry(request_id: str | None, key_id: str, status: int, reason: str, ts: float,
                  detail: dict[str, Any]) -> dict[str, Any]:
    """A request refused before it was authenticated (``auth.refused``: wrong, missing, revoked or
    malformed key, a key-less request from a non-local client) or the summary of the refusals not
    written one by one (``auth.refused.summary``, ``detail.suppressed``). ``key_id`` is the id the
    client claimed (``-`` when none could be read); the team is unknown (``-``)."""
    return {
        "ts_us": int(ts * 1_000_000), "kind": "auth",
        "action": "auth.refused.summary" if "suppressed" in detail else "auth.refused",
        "request_id": request_id, "key_id": key_id, "team": "-", "role": "-", "project": None,
        "use_case": None, "target": None, "data_class": None, "findings": None, "masked": 0,
        "rule": None, "model": None, "provider": None, "region": None, "jurisdiction": None,
        "status": status, "prompt_sha256": None, "prompt_bytes": None, "answer_sha256": None,
        "answer_bytes": None, "detail": canonical({"reason": reason, **detail}),
    }
