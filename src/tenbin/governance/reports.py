"""Reports an auditor asks for, computed from the audit chain and the ledger alone.

Cross-border (APPI Art. 28): a transfer abroad is any request whose model is processed outside
Japan or run by a vendor under a foreign jurisdiction (on-prem and JP/JP models are domestic).
Failed requests that reached a provider are counted too: the data may have left even if no answer
came back. Personal means data class ``personal`` or ``special_care``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tenbin.governance.period import month_bounds
from tenbin.ledger.record import from_nanos
from tenbin.store.base import Store

PERSONAL = ("personal", "special_care")
DOMESTIC = ("JP", "on-prem")


def _where(period: str | None, team: str | None, ts: str, scale: int) -> tuple[list[str], list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    if period:
        start, end = month_bounds(period)
        conds.append(f"{ts} >= ? AND {ts} < ?")
        params += [int(start * scale), int(end * scale)] if scale != 1 else [start, end]
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    return conds, params


@dataclass(slots=True)
class CrossBorderRow:
    team: str
    provider: str
    jurisdiction: str
    region: str
    requests: int = 0
    personal: int = 0
    special_care: int = 0
    personal_masked: int = 0
    rules: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {"team": self.team, "provider": self.provider, "jurisdiction": self.jurisdiction,
                "region": self.region, "requests": self.requests, "personal": self.personal,
                "special_care": self.special_care, "personal_masked": self.personal_masked,
                "personal_by_rule": dict(sorted(self.rules.items()))}


async def cross_border(store: Store, period: str | None, team: str | None = None) -> list[CrossBorderRow]:
    conds, params = _where(period, team, "ts_us", 1_000_000)
    conds += ["kind = 'request'", "provider IS NOT NULL",
              "(region NOT IN ('JP', 'on-prem') OR jurisdiction <> 'JP')"]
    rows = await store.query(
        "SELECT team, provider, jurisdiction, region, data_class, masked, rule, count(*) AS n"
        f" FROM audit_log WHERE {' AND '.join(conds)}"
        " GROUP BY team, provider, jurisdiction, region, data_class, masked, rule", params)
    out: dict[tuple[str, str, str, str], CrossBorderRow] = {}
    for r in rows:
        k = (r["team"], r["provider"], r["jurisdiction"] or "?", r["region"] or "?")
        row = out.get(k) or out.setdefault(k, CrossBorderRow(*k))
        n = int(r["n"])
        row.requests += n
        if r["data_class"] in PERSONAL:
            row.personal += n
            row.special_care += n if r["data_class"] == "special_care" else 0
            row.personal_masked += n if r["masked"] else 0
            row.rules[r["rule"] or "-"] += n
    return [out[k] for k in sorted(out)]


async def processing(store: Store, period: str | None, team: str | None = None) -> list[dict[str, Any]]:
    """Records of processing: per vendor and region, the purposes (use cases) and data classes seen."""
    conds, params = _where(period, team, "ts_us", 1_000_000)
    conds += ["kind = 'request'", "provider IS NOT NULL"]
    rows = await store.query(
        "SELECT provider, jurisdiction, region, use_case, data_class, count(*) AS n"
        f" FROM audit_log WHERE {' AND '.join(conds)}"
        " GROUP BY provider, jurisdiction, region, use_case, data_class", params)
    by_vendor: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in rows:
        k = (r["provider"], r["jurisdiction"] or "?", r["region"] or "?")
        v = by_vendor.setdefault(k, {"provider": k[0], "jurisdiction": k[1], "region": k[2],
                                     "requests": 0, "use_cases": Counter(), "data_classes": Counter()})
        v["requests"] += int(r["n"])
        v["use_cases"][r["use_case"] or "(unspecified)"] += int(r["n"])
        v["data_classes"][r["data_class"] or "(not scanned)"] += int(r["n"])
    return [{**v, "use_cases": dict(v["use_cases"]), "data_classes": dict(v["data_classes"])}
            for _, v in sorted(by_vendor.items())]


async def costs(store: Store, period: str | None, team: str | None = None) -> list[dict[str, Any]]:
    conds, params = _where(period, team, "ts_start", 1)
    where = f"WHERE {' AND '.join(conds)}" if conds else ""
    rows = await store.query(
        "SELECT team, coalesce(served_model, '-') AS model, count(*) AS requests,"
        " sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens,"
        f" sum(cost_jpy_nanos) AS cost_jpy_nanos FROM usage {where}"
        " GROUP BY team, coalesce(served_model, '-') ORDER BY team, model", params)
    return [{**r, "cost_jpy": str(from_nanos(r["cost_jpy_nanos"]))} for r in rows]
