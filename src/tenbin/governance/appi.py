"""The APPI Art. 28/29 record: transfers abroad per period and vendor, joined with the register.

Built from the audit chain (one entry per vendor a request reached, governance/transfers.py) and
the vendor register (governance/register.py): for each JST month and each foreign recipient, how
many requests went there, how many carried personal or special-care data and how many of those
were masked, which items of personal data (finding labels), for which purposes (use cases) under
which policy rules — beside the recipient's legal entity, country, legal basis, contract and last
review dates, retention and training terms. Warnings name what a reviewer must act on: a vendor
with no register entry, and transfers made after the last Art. 28(3) review grew older than
``governance.review_max_age_days``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tenbin.governance.config import GovernanceConfig
from tenbin.governance.period import JST
from tenbin.governance.reports import PERSONAL, _where
from tenbin.store.base import Store

ABROAD = "(region NOT IN ('JP', 'on-prem') OR jurisdiction <> 'JP')"

ITEM_JA: dict[str, str] = {
    "PERSON": "氏名", "PHONE": "電話番号", "EMAIL": "メールアドレス", "ADDRESS": "住所", "POSTAL_CODE": "郵便番号",
    "BIRTH_DATE": "生年月日", "MY_NUMBER": "個人番号（マイナンバー）", "CREDIT_CARD": "クレジットカード番号",
    "BANK_ACCOUNT": "銀行口座番号", "PASSPORT": "旅券番号", "DRIVER_LICENSE": "運転免許証番号",
    "IP_ADDRESS": "IPアドレス", "SPECIAL_CARE_TERM": "要配慮個人情報に当たる記述",
}


@dataclass(slots=True)
class AppiRow:
    period: str
    provider: str
    region: str
    jurisdiction: str
    registered: bool = False
    legal_entity: str | None = None
    country: str | None = None
    legal_basis: str | None = None
    legal_basis_ja: str | None = None
    contract_date: str | None = None
    last_review: str | None = None
    review_due: str | None = None
    retention: str | None = None
    training: str | None = None
    transfers: int = 0
    personal: int = 0
    special_care: int = 0
    personal_masked: int = 0
    after_review_due: int = 0
    items: Counter[str] = field(default_factory=Counter)
    use_cases: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)

    @property
    def personal_unmasked(self) -> int:
        return self.personal - self.personal_masked

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period, "provider": self.provider, "registered": self.registered,
            "legal_entity": self.legal_entity, "country": self.country, "legal_basis": self.legal_basis,
            "legal_basis_ja": self.legal_basis_ja, "contract_date": self.contract_date,
            "last_review": self.last_review, "review_due": self.review_due, "retention": self.retention,
            "training": self.training, "region": self.region, "jurisdiction": self.jurisdiction,
            "transfers": self.transfers, "personal": self.personal, "special_care": self.special_care,
            "personal_masked": self.personal_masked, "personal_unmasked": self.personal_unmasked,
            "after_review_due": self.after_review_due, "items": dict(sorted(self.items.items())),
            "use_cases": dict(sorted(self.use_cases.items())), "rules": dict(sorted(self.rules.items())),
        }


@dataclass(slots=True)
class AppiReport:
    periods: list[str]
    rows: list[AppiRow]
    warnings: list[str]
    review_max_age_days: int

    def as_dict(self) -> dict[str, Any]:
        return {"periods": self.periods, "review_max_age_days": self.review_max_age_days,
                "data": [r.as_dict() for r in self.rows], "warnings": self.warnings}


def _month(ts_us: int) -> str:
    return dt.datetime.fromtimestamp(ts_us / 1_000_000, JST).strftime("%Y-%m")


async def periods_with_transfers(store: Store, team: str | None) -> list[str]:
    """Every JST month with at least one transfer abroad, oldest first."""
    conds, params = _where(None, team, "ts_us", 1_000_000)
    conds += ["kind = 'request'", "provider IS NOT NULL", ABROAD]
    rows = await store.query(f"SELECT min(ts_us) AS lo, max(ts_us) AS hi FROM audit_log WHERE {' AND '.join(conds)}",
                             params)
    if not rows or rows[0]["lo"] is None:
        return []
    first, last = _month(int(rows[0]["lo"])), _month(int(rows[0]["hi"]))
    out, y, m = [], int(first[:4]), int(first[5:])
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = y + (m == 12), m % 12 + 1
    return out


def _join(row: AppiRow, gov: GovernanceConfig) -> None:
    v = gov.vendors.get(row.provider)
    if v is None:
        return
    due = v.review_due(gov.review_max_age_days)
    row.registered = True
    row.legal_entity, row.country, row.legal_basis = v.legal_entity, v.country, v.legal_basis
    row.legal_basis_ja, row.contract_date = v.basis_ja, v.contract_date.isoformat()
    row.last_review = v.last_review.isoformat() if v.last_review else None
    row.review_due = due.isoformat() if due else None
    row.retention, row.training = v.retention, v.training


async def appi_report(store: Store, gov: GovernanceConfig, period: str | None = None,
                      team: str | None = None) -> AppiReport:
    """The record for ``period`` (a JST month), or for every month with transfers when None."""
    periods = [period] if period else await periods_with_transfers(store, team)
    rows: list[AppiRow] = []
    warnings: list[str] = []
    for p in periods:
        conds, params = _where(p, team, "ts_us", 1_000_000)
        conds += ["kind = 'request'", "provider IS NOT NULL", ABROAD]
        where = " AND ".join(conds)
        groups = await store.query(
            "SELECT provider, region, jurisdiction, data_class, masked, findings, use_case, rule, count(*) AS n"
            f" FROM audit_log WHERE {where}"
            " GROUP BY provider, region, jurisdiction, data_class, masked, findings, use_case, rule", params)
        by: dict[tuple[str, str, str], AppiRow] = {}
        for g in groups:
            k = (g["provider"], g["region"] or "?", g["jurisdiction"] or "?")
            row = by.get(k) or by.setdefault(k, AppiRow(p, *k))
            n = int(g["n"])
            row.transfers += n
            row.use_cases[g["use_case"] or "(unspecified)"] += n
            if g["data_class"] in PERSONAL:
                row.personal += n
                row.special_care += n if g["data_class"] == "special_care" else 0
                row.personal_masked += n if g["masked"] else 0
                row.rules[g["rule"] or "-"] += n
                for label in json.loads(g["findings"]) if g["findings"] else {}:
                    if label in ITEM_JA:
                        row.items[label] += n
        for row in sorted(by.values(), key=lambda r: (r.provider, r.region, r.jurisdiction)):
            _join(row, gov)
            if not row.registered:
                warnings.append(f"{p} {row.provider}: {row.transfers} transfer(s) abroad but no entry in "
                                "governance.vendors (legal entity and legal basis unknown)")
            elif row.review_due is not None:
                due_end = dt.datetime.combine(dt.date.fromisoformat(row.review_due) + dt.timedelta(days=1),
                                              dt.time(), JST).timestamp()
                late = await store.query(
                    f"SELECT count(*) AS n FROM audit_log WHERE {where} AND provider = ? AND ts_us >= ?",
                    [*params, row.provider, int(due_end * 1_000_000)])
                row.after_review_due = int(late[0]["n"]) if late else 0
                if row.after_review_due:
                    warnings.append(
                        f"{p} {row.provider}: {row.after_review_due} transfer(s) rely on the Art. 28(3) review of "
                        f"{row.last_review}, older than {gov.review_max_age_days} days after {row.review_due}")
            rows.append(row)
    return AppiReport(periods, rows, warnings, gov.review_max_age_days)

