"""The books after a hostile run: ledger rows and audit entries counted per request id.

A request id (``x-tenbin-request-id``) may have at most one ledger row and one audit entry; a chat
request that was answered 200 must have exactly one of each; a row the pipeline wrote (not a
refusal row, whose team is ``-``) must have its audit entry and say the status the client got; the
audit chain must verify; and no budget reservation may be left held.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tenbin.governance.verify import verify_store
from tests.harness import GatewayHandle
from tests.hostile.probe import TALLY


@dataclass(frozen=True)
class Seen:
    label: str
    chat: bool  # POST /v1/chat/completions: a 200 must be in the books
    status: int | None
    request_id: str | None
    cut: bool = False  # the client left early: the row says 499 (or 200 if the answer was already out)


@dataclass
class Books:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    audit_gaps: list[str] = field(default_factory=list)
    checked: int = 0
    chain_ok: bool = False
    chain_checked: int = 0
    held: dict[str, int] = field(default_factory=dict)  # bucket → nano-yen still reserved
    spent_matches: bool = True

    def problems(self) -> list[str]:
        out = [f"lost: {x}" for x in self.lost] + [f"duplicated: {x}" for x in self.duplicated]
        out += [f"audit gap: {x}" for x in self.audit_gaps]
        if not self.chain_ok:
            out.append("the audit chain does not verify")
        if self.held:
            out.append(f"reservations left held: {self.held}")
        if not self.spent_matches:
            out.append("budget spend differs from the ledger's cost")
        return out


def audit_books(gw: GatewayHandle, seen: list[Seen]) -> Books:
    """Count ``seen`` against the gateway's store (after flushing both writers); adds to ``TALLY``."""
    gw.flush()
    assert gw.runtime.audit is not None
    gw.lt.run(gw.runtime.audit.flush())
    usage = gw.lt.run(gw.runtime.store.query("SELECT request_id, status, team, cost_jpy_nanos FROM usage"))
    audit = gw.lt.run(gw.runtime.store.query(
        "SELECT request_id, model FROM audit_log WHERE request_id IS NOT NULL"))
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in usage:
        rows.setdefault(r["request_id"], []).append(r)
    # One audit entry per vendor a request reached (governance/transfers.py), or one when it
    # reached none: two entries for the same request and model would be a duplicate.
    entries: dict[str, int] = {}
    per_model: dict[tuple[str, str | None], int] = {}
    for e in audit:
        entries[e["request_id"]] = entries.get(e["request_id"], 0) + 1
        k = (e["request_id"], e["model"])
        per_model[k] = per_model.get(k, 0) + 1
    twice = {rid for (rid, _), n in per_model.items() if n > 1}
    b = Books()
    for s in seen:
        if s.request_id is None:
            continue
        b.checked += 1
        got = rows.get(s.request_id, [])
        if len(got) > 1:
            b.duplicated.append(s.label)
        if s.request_id in twice:
            b.duplicated.append(s.label + " (audit)")
        if s.chat and s.status == 200 and not s.cut and len(got) != 1:
            b.lost.append(s.label)
        if got and got[0]["team"] != "-":
            if entries.get(s.request_id, 0) == 0:
                b.audit_gaps.append(s.label)
            if not s.cut and got[0]["status"] != s.status:
                b.lost.append(f"{s.label}: the row says {got[0]['status']}, the client got {s.status}")
    known = {s.request_id for s in seen}
    b.duplicated += [rid for rid, rs in rows.items() if len(rs) > 1 and rid not in known]
    res = gw.lt.run(verify_store(gw.runtime.store))
    b.chain_ok, b.chain_checked = res.ok, res.checked
    if gw.runtime.finops is not None:
        snap = gw.lt.run(gw.runtime.finops.guard.ledger.snapshot())
        b.held = {k: reserved for k, (_, reserved) in snap.items() if reserved}
        b.spent_matches = sum(s for s, _ in snap.values()) == sum(r["cost_jpy_nanos"] for r in usage)
    TALLY.ledger_checked += b.checked
    TALLY.ledger_lost += len(b.lost)
    TALLY.ledger_duplicated += len(b.duplicated)
    TALLY.audit_gaps += len(b.audit_gaps)
    TALLY.chain_verified += b.chain_checked
    return b
