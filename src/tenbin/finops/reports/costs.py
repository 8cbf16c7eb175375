"""Cost reports grouped by any of team, model, project, use case, provider, region, key; unit
economics (per request, per 1k tokens); ROI for use cases that declare an outcome; restatement at
another FX rate (the ledger keeps vendor-currency cost, so any rate can be applied later).

``cost_jpy`` is the full cost: what vendors bill (``vendor_jpy``) plus the charge-back of
self-hosted models (``self_hosted_jpy``, see :mod:`tenbin.finops.reports.chargeback`), so a team
that used the on-prem GPU sees it on its bill and ROI counts it."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TextIO

from tenbin.finops.config import SelfHosted, UseCase
from tenbin.finops.periods import Period
from tenbin.finops.reports.chargeback import self_hosted_charges
from tenbin.finops.reports.sql import day_range
from tenbin.ledger.record import NANO, from_nanos
from tenbin.store.base import Store

DIMENSIONS: dict[str, str] = {
    "team": "team", "model": "served_model", "project": "project", "use-case": "use_case",
    "provider": "provider", "region": "region", "key": "key_id", "requested-model": "requested_model",
    "data-class": "data_class",
}


def parse_dimensions(text: str) -> list[str]:
    dims = [d.strip().replace("_", "-") for d in text.split(",") if d.strip()]
    bad = [d for d in dims if d not in DIMENSIONS]
    if bad or not dims:
        raise ValueError(f"--by: unknown dimension(s) {', '.join(bad) or '(none)'}; choose from "
                         + ", ".join(DIMENSIONS))
    return list(dict.fromkeys(dims))


@dataclass(slots=True)
class Line:
    key: tuple[str, ...]
    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_jpy: Decimal = Decimal(0)  # vendor + self-hosted
    self_hosted_jpy: Decimal = Decimal(0)  # of which charged back for self-hosted models
    vendor_cost: dict[str, Decimal] = field(default_factory=dict)  # currency → amount
    outcome: str | None = None
    outcomes: Decimal | None = None
    value_jpy: Decimal | None = None

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def vendor_jpy(self) -> Decimal:
        return self.cost_jpy - self.self_hosted_jpy

    @property
    def per_request(self) -> Decimal | None:
        ok = self.requests - self.errors
        return self.cost_jpy / ok if ok else None

    @property
    def per_1k_tokens(self) -> Decimal | None:
        return self.cost_jpy * 1000 / self.tokens if self.tokens else None

    @property
    def per_outcome(self) -> Decimal | None:
        return self.cost_jpy / self.outcomes if self.outcomes else None

    @property
    def roi(self) -> Decimal | None:
        """(value − cost) / cost."""
        if self.value_jpy is None or not self.cost_jpy:
            return None
        return (self.value_jpy - self.cost_jpy) / self.cost_jpy


@dataclass(slots=True)
class Report:
    period: Period
    dims: list[str]
    lines: list[Line]
    fx: dict[str, Decimal]  # restatement rates used (empty: the rates in force at request time)

    @property
    def total(self) -> Line:
        t = Line(("total",))
        for ln in self.lines:
            t.requests += ln.requests
            t.errors += ln.errors
            t.prompt_tokens += ln.prompt_tokens
            t.completion_tokens += ln.completion_tokens
            t.cost_jpy += ln.cost_jpy
            t.self_hosted_jpy += ln.self_hosted_jpy
        return t

    @property
    def fx_basis(self) -> str:
        """What the JPY figures are: ``booked`` (the rate each request was priced at) or
        ``restated USDJPY=170, …`` — written on every CSV/JSON row so a restated file cannot be
        mistaken for the books once it is detached from the command that made it."""
        if not self.fx:
            return "booked"
        return "restated " + ", ".join(f"{k}JPY={v}" for k, v in sorted(self.fx.items()))

    def rows(self) -> list[dict[str, Any]]:
        """Flat rows for CSV/JSON (money as decimal strings, never floats)."""
        out = []
        for ln in self.lines:
            r: dict[str, Any] = dict(zip(self.dims, ln.key, strict=True))
            r.update(requests=ln.requests, errors=ln.errors, prompt_tokens=ln.prompt_tokens,
                     completion_tokens=ln.completion_tokens, cost_jpy=_s(ln.cost_jpy, 4),
                     vendor_jpy=_s(ln.vendor_jpy, 4), self_hosted_jpy=_s(ln.self_hosted_jpy, 4),
                     jpy_per_request=_s(ln.per_request, 6), jpy_per_1k_tokens=_s(ln.per_1k_tokens, 6))
            for ccy, amount in sorted(ln.vendor_cost.items()):
                # what each currency's vendors billed; a yen-billed vendor (a domestic SaaS) must not
                # overwrite cost_jpy, the line's whole cost in yen, with its own part of it
                r["billed_jpy" if ccy == "JPY" else f"cost_{ccy.lower()}"] = _s(amount, 6)
            if ln.outcome is not None:
                r.update(outcome=ln.outcome, outcomes=_s(ln.outcomes, 1), jpy_per_outcome=_s(ln.per_outcome, 4),
                         value_jpy=_s(ln.value_jpy, 0), roi=_s(ln.roi, 2))
            r["fx_basis"] = self.fx_basis
            out.append(r)
        return out


def write_csv_to(report: Report, f: TextIO) -> None:
    """``tenbin costs --format csv`` (and the console's download): one row per line, every column
    any row has, ``fx_basis`` last on every row so restated figures are marked as such."""
    rows = report.rows()
    names = list(dict.fromkeys(k for r in rows for k in r if k != "fx_basis")) or [*report.dims, "cost_jpy"]
    names.append("fx_basis")
    w = csv.DictWriter(f, fieldnames=names)
    w.writeheader()
    w.writerows(rows)


def _s(v: Decimal | None, places: int) -> str | None:
    return None if v is None else str(v.quantize(Decimal(1).scaleb(-places)))


async def cost_report(store: Store, period: Period, dims: list[str], *, fx: dict[str, Decimal] | None = None,
                      use_cases: dict[str, UseCase] | None = None,
                      self_hosted: dict[str, SelfHosted] | None = None) -> Report:
    fx = fx or {}
    cols = [DIMENSIONS[d] for d in dims]
    sel = ", ".join(f"CASE WHEN {c} = '' THEN '-' ELSE {c} END AS d{i}" for i, c in enumerate(cols))
    grp = ", ".join(f"d{i}" for i in range(len(cols)))
    rows = await store.query(
        f"SELECT {sel}, currency, sum(requests) AS n,"
        " sum(CASE WHEN status = 200 THEN 0 ELSE requests END) AS errors, sum(prompt_tokens) AS prompt,"
        " sum(completion_tokens) AS completion, sum(cost_nanos) AS cost, sum(cost_jpy_nanos) AS jpy"
        f" FROM usage_daily WHERE day >= ? AND day < ? GROUP BY {grp}, currency", day_range(period))
    lines: dict[tuple[str, ...], Line] = {}
    for r in rows:
        key = tuple(str(r[f"d{i}"]) for i in range(len(cols)))
        ln = lines.get(key) or lines.setdefault(key, Line(key))
        ln.requests += int(r["n"])
        ln.errors += int(r["errors"] or 0)
        ln.prompt_tokens += int(r["prompt"] or 0)
        ln.completion_tokens += int(r["completion"] or 0)
        ccy = r["currency"]
        vendor = Decimal(int(r["cost"] or 0)) / NANO
        if ccy:
            ln.vendor_cost[ccy] = ln.vendor_cost.get(ccy, Decimal(0)) + vendor
        ln.cost_jpy += vendor * fx[ccy] if ccy in fx else from_nanos(int(r["jpy"] or 0))
    for ch in await self_hosted_charges(store, period, self_hosted or {}):
        key = tuple("-" if ch.row[c] == "" else str(ch.row[c]) for c in cols)
        ln = lines.get(key) or lines.setdefault(key, Line(key))
        ln.cost_jpy += from_nanos(ch.nanos)
        ln.self_hosted_jpy += from_nanos(ch.nanos)
    if use_cases and "use-case" in dims:
        i = dims.index("use-case")
        for ln in lines.values():
            uc = use_cases.get(ln.key[i])
            if uc is not None:
                ln.outcome = uc.outcome
                ln.outcomes = (ln.requests - ln.errors) / uc.requests_per_outcome
                ln.value_jpy = ln.outcomes * uc.outcome_value_jpy
    ordered = sorted(lines.values(), key=lambda ln: (-ln.cost_jpy, ln.key))
    return Report(period, dims, ordered, fx)
