"""FOCUS export: the ledger as a FinOps Open Cost and Usage Specification dataset.

Target version: FOCUS 1.2 (all 57 columns of the 1.2 cost-and-usage dataset, in spec order,
with the spec's data types). One row per Tokyo day × team × project × use case × model × token
kind (input, cached input, output), so a BI tool gets list unit prices that multiply out exactly.
Billing is in JPY (the currency tenbin meters in); the vendor's own currency and prices are in the
PricingCurrency* columns that FOCUS 1.2 added for exactly this case.

Self-hosted models get their own charge rows (one per Tokyo day × team × project × use case ×
model): ChargeCategory ``Usage`` (the cost of consuming a service, priced per unit), ServiceCategory
``AI and Machine Learning`` / ``Generative AI`` like the vendors' rows, so make-or-buy compares like
with like. Nothing is invoiced for them — the GPU or server was paid for elsewhere — so, as FOCUS
treats amortised prepaid cost, ``BilledCost`` is 0 and ``EffectiveCost`` (= ListCost =
ContractedCost) carries the amortised charge-back; ``InvoiceIssuerName`` is null and
``SkuPriceDetails`` says how the rate was derived. Σ BilledCost therefore matches the vendors'
invoices and the ledger, and Σ EffectiveCost matches ``tenbin costs`` (vendors + self-hosted).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import orjson

from tenbin.catalog.catalog import Catalog
from tenbin.finops.config import SelfHosted
from tenbin.finops.periods import TOKYO, Period, month
from tenbin.finops.reports.chargeback import self_hosted_charges
from tenbin.finops.reports.sql import day_of, day_range
from tenbin.ledger.record import NANO
from tenbin.store.base import Store

FOCUS_VERSION = "1.2"
D, S, T, J = "Decimal", "String", "DateTime", "JSON"
# (column, FOCUS data type), alphabetical as in the spec
COLUMNS: tuple[tuple[str, str], ...] = (
    ("AvailabilityZone", S), ("BilledCost", D), ("BillingAccountId", S), ("BillingAccountName", S),
    ("BillingAccountType", S), ("BillingCurrency", S), ("BillingPeriodEnd", T), ("BillingPeriodStart", T),
    ("CapacityReservationId", S), ("CapacityReservationStatus", S), ("ChargeCategory", S), ("ChargeClass", S),
    ("ChargeDescription", S), ("ChargeFrequency", S), ("ChargePeriodEnd", T), ("ChargePeriodStart", T),
    ("CommitmentDiscountCategory", S), ("CommitmentDiscountId", S), ("CommitmentDiscountName", S),
    ("CommitmentDiscountQuantity", D), ("CommitmentDiscountStatus", S), ("CommitmentDiscountType", S),
    ("CommitmentDiscountUnit", S), ("ConsumedQuantity", D), ("ConsumedUnit", S), ("ContractedCost", D),
    ("ContractedUnitPrice", D), ("EffectiveCost", D), ("InvoiceId", S), ("InvoiceIssuerName", S),
    ("ListCost", D), ("ListUnitPrice", D), ("PricingCategory", S), ("PricingCurrency", S),
    ("PricingCurrencyContractedUnitPrice", D), ("PricingCurrencyEffectiveCost", D),
    ("PricingCurrencyListUnitPrice", D), ("PricingQuantity", D), ("PricingUnit", S), ("ProviderName", S),
    ("PublisherName", S), ("RegionId", S), ("RegionName", S), ("ResourceId", S), ("ResourceName", S),
    ("ResourceType", S), ("ServiceCategory", S), ("ServiceName", S), ("ServiceSubcategory", S), ("SkuId", S),
    ("SkuMeter", S), ("SkuPriceDetails", J), ("SkuPriceId", S), ("SubAccountId", S), ("SubAccountName", S),
    ("SubAccountType", S), ("Tags", J),
)
REGION_NAMES = {"JP": "Japan", "US": "United States", "EU": "European Union", "on-prem": "On premises"}
SCALE = Decimal("1e-10")
# Decimal places each Decimal column is written with: the Parquet schema's scale (10), except token
# counts, which are whole numbers. Every value of a column has the same number of places, in plain
# notation (``0.0000000000`` / ``0``, never ``0E-10``), so strict CSV loaders and diff tools agree.
PLACES: dict[str, int] = {c: 0 if c == "ConsumedQuantity" else 10 for c, t in COLUMNS if t == D}
MILLION = Decimal(1_000_000)


def _utc(d: dt.datetime) -> dt.datetime:
    return d.astimezone(dt.UTC)


async def focus_rows(store: Store, catalog: Catalog, period: Period, billing_account: str = "tenbin",
                     self_hosted: dict[str, SelfHosted] | None = None) -> list[dict[str, Any]]:
    """Vendor usage rows, then the self-hosted charge-back rows."""
    self_hosted = self_hosted or {}
    out = await _vendor_rows(store, catalog, period, billing_account, self_hosted)
    out.extend(await _self_hosted_rows(store, period, billing_account, self_hosted))
    return out


async def _vendor_rows(store: Store, catalog: Catalog, period: Period, billing_account: str,
                       self_hosted: dict[str, SelfHosted]) -> list[dict[str, Any]]:
    rows = await store.query(
        "SELECT day AS d, team, project, use_case, served_model, provider, region, currency, fx_rate,"
        " sum(prompt_tokens) AS p, sum(cached_tokens) AS c, sum(completion_tokens) AS o, sum(cost_nanos) AS cost,"
        " sum(cost_jpy_nanos) AS jpy FROM usage_daily WHERE day >= ? AND day < ? AND served_model <> ''"
        " GROUP BY day, team, project, use_case, served_model, provider, region, currency, fx_rate"
        " ORDER BY day, team, project, use_case, served_model", day_range(period))
    out: list[dict[str, Any]] = []
    for r in rows:
        d = day_of(r["d"])
        start = dt.datetime(d.year, d.month, d.day, tzinfo=TOKYO)
        bp = month(d.year, d.month)
        model = catalog.get(r["served_model"])
        rate = Decimal(r["fx_rate"] or "1")
        ccy = r["currency"] or "JPY"
        p, c, o = int(r["p"] or 0), int(r["c"] or 0), int(r["o"] or 0)
        jpy_total = Decimal(int(r["jpy"] or 0)) / NANO
        vendor_total = Decimal(int(r["cost"] or 0)) / NANO
        if r["served_model"] in self_hosted and not vendor_total:
            continue  # nothing billed: its cost is the charge-back row
        parts: list[tuple[str, str, int, Decimal | None, str | None]] = []  # kind, meter, qty, unit price
        if model is not None:
            price = model.price_at(d)
            cached_rate = price.cached_input if price.cached_input is not None else price.input
            cached = min(c, p)
            parts = [("input", "Input Tokens", p - cached, price.input, price.effective.isoformat()),
                     ("cached-input", "Cached Input Tokens", cached, cached_rate, price.effective.isoformat()),
                     ("output", "Output Tokens", o, price.output, price.effective.isoformat())]
            parts = [x for x in parts if x[2]]
        if not parts:  # model no longer in the catalog: one row, price unknown
            parts = [("tokens", "Tokens", p + o, None, None)]
        costs = [(q * u / MILLION) if u is not None else vendor_total for _, _, q, u, _ in parts]
        # the ledger is the truth: the last part absorbs nano-rounding so rows sum to it exactly
        costs[-1] = vendor_total - sum(costs[:-1], Decimal(0))
        jpys = [x * rate for x in costs]
        jpys[-1] = jpy_total - sum(jpys[:-1], Decimal(0))
        tags = {"team": r["team"], "project": r["project"], "use_case": r["use_case"] or None,
                "requested_via": "tenbin"}
        for (kind, meter, qty, unit, eff), vcost, jcost in zip(parts, costs, jpys, strict=True):
            sku = f"{r['served_model']}:{kind}"
            list_unit = None if unit is None else (unit * rate).quantize(SCALE)
            out.append({
                "AvailabilityZone": None, "BilledCost": jcost.quantize(SCALE), "BillingAccountId": billing_account,
                "BillingAccountName": billing_account, "BillingAccountType": "AI Gateway", "BillingCurrency": "JPY",
                "BillingPeriodEnd": _utc(bp.end), "BillingPeriodStart": _utc(bp.start),
                "CapacityReservationId": None, "CapacityReservationStatus": None, "ChargeCategory": "Usage",
                "ChargeClass": None, "ChargeDescription": f"{meter} on {r['served_model']} via {r['provider']}",
                "ChargeFrequency": "Usage-Based", "ChargePeriodEnd": _utc(start + dt.timedelta(days=1)),
                "ChargePeriodStart": _utc(start), "CommitmentDiscountCategory": None, "CommitmentDiscountId": None,
                "CommitmentDiscountName": None, "CommitmentDiscountQuantity": None, "CommitmentDiscountStatus": None,
                "CommitmentDiscountType": None, "CommitmentDiscountUnit": None, "ConsumedQuantity": Decimal(qty),
                "ConsumedUnit": "Tokens", "ContractedCost": jcost.quantize(SCALE), "ContractedUnitPrice": list_unit,
                "EffectiveCost": jcost.quantize(SCALE), "InvoiceId": None, "InvoiceIssuerName": r["provider"],
                "ListCost": jcost.quantize(SCALE), "ListUnitPrice": list_unit, "PricingCategory": "Standard",
                "PricingCurrency": ccy, "PricingCurrencyContractedUnitPrice": unit,
                "PricingCurrencyEffectiveCost": vcost.quantize(SCALE), "PricingCurrencyListUnitPrice": unit,
                "PricingQuantity": (Decimal(qty) / MILLION).quantize(SCALE), "PricingUnit": "1M Tokens",
                "ProviderName": r["provider"], "PublisherName": r["provider"], "RegionId": r["region"],
                "RegionName": REGION_NAMES.get(r["region"] or "", r["region"]), "ResourceId": r["served_model"],
                "ResourceName": r["served_model"], "ResourceType": "Model",
                "ServiceCategory": "AI and Machine Learning", "ServiceName": f"{r['provider']} models",
                "ServiceSubcategory": "Generative AI", "SkuId": sku, "SkuMeter": meter,
                "SkuPriceDetails": {"CoreTokenKind": kind, "FxRateJPY": str(rate)},
                "SkuPriceId": f"{sku}:{eff}" if eff else None, "SubAccountId": r["team"],
                "SubAccountName": r["team"], "SubAccountType": "Team", "Tags": tags,
            })
    return out


def decimal_text(v: Decimal, places: int) -> str:
    """Plain notation at a fixed scale: ``format(…, "f")`` never writes an exponent, and
    quantizing first gives every row of a column the same width after the point."""
    unit = Decimal(1).scaleb(-places)
    q = Decimal(v).quantize(unit)
    return format(q if q else unit * 0, "f")  # a zero (or -0) is written unsigned


async def _self_hosted_rows(store: Store, period: Period, billing_account: str,
                            self_hosted: dict[str, SelfHosted]) -> list[dict[str, Any]]:
    groups: dict[tuple[Any, ...], list[Any]] = {}  # key → [prompt, completion, nanos, rate]
    for ch in await self_hosted_charges(store, period, self_hosted):
        r = ch.row
        key = (r["day"], r["team"], r["project"], r["use_case"], r["served_model"], r["provider"], r["region"])
        g = groups.setdefault(key, [0, 0, 0, ch.jpy_per_million])
        g[0] += ch.prompt_tokens
        g[1] += ch.completion_tokens
        g[2] += ch.nanos
    out: list[dict[str, Any]] = []
    for (d_num, team, project, use_case, model, provider, region), (p, o, nanos, rate) in sorted(groups.items()):
        d = day_of(d_num)
        start = dt.datetime(d.year, d.month, d.day, tzinfo=TOKYO)
        bp = month(d.year, d.month)
        sh = self_hosted[model]
        cost = (Decimal(nanos) / NANO).quantize(SCALE)
        unit = rate.quantize(SCALE)
        basis = {"CoreTokenKind": "all", "Basis": sh.basis, "JPYPer1MTokens": str(unit)}
        basis.update({k: str(v) for k, v in (("GpuHourJPY", sh.gpu_hour_jpy), ("ServerMonthJPY", sh.server_month_jpy),
                                              ("TokensPerSecond", sh.tokens_per_second),
                                              ("Utilization", sh.utilization)) if v is not None})
        out.append({
            "AvailabilityZone": None, "BilledCost": Decimal(0).quantize(SCALE), "BillingAccountId": billing_account,
            "BillingAccountName": billing_account, "BillingAccountType": "AI Gateway", "BillingCurrency": "JPY",
            "BillingPeriodEnd": _utc(bp.end), "BillingPeriodStart": _utc(bp.start),
            "CapacityReservationId": None, "CapacityReservationStatus": None, "ChargeCategory": "Usage",
            "ChargeClass": None,
            "ChargeDescription": f"Self-hosted charge-back: {p + o:,} tokens on {model} at ¥{unit.normalize():f}"
                                 f" per 1M ({sh.basis.replace('_', ' ')}, amortised; not invoiced)",
            "ChargeFrequency": "Usage-Based", "ChargePeriodEnd": _utc(start + dt.timedelta(days=1)),
            "ChargePeriodStart": _utc(start), "CommitmentDiscountCategory": None, "CommitmentDiscountId": None,
            "CommitmentDiscountName": None, "CommitmentDiscountQuantity": None, "CommitmentDiscountStatus": None,
            "CommitmentDiscountType": None, "CommitmentDiscountUnit": None, "ConsumedQuantity": Decimal(p + o),
            "ConsumedUnit": "Tokens", "ContractedCost": cost, "ContractedUnitPrice": unit, "EffectiveCost": cost,
            "InvoiceId": None, "InvoiceIssuerName": None, "ListCost": cost, "ListUnitPrice": unit,
            "PricingCategory": "Standard", "PricingCurrency": "JPY", "PricingCurrencyContractedUnitPrice": unit,
            "PricingCurrencyEffectiveCost": cost, "PricingCurrencyListUnitPrice": unit,
            "PricingQuantity": (Decimal(p + o) / MILLION).quantize(SCALE), "PricingUnit": "1M Tokens",
            "ProviderName": provider, "PublisherName": provider, "RegionId": region or "on-prem",
            "RegionName": REGION_NAMES.get(region or "on-prem", region), "ResourceId": model, "ResourceName": model,
            "ResourceType": "Model", "ServiceCategory": "AI and Machine Learning",
            "ServiceName": "Self-hosted models", "ServiceSubcategory": "Generative AI",
            "SkuId": f"{model}:self-hosted", "SkuMeter": "Tokens Processed", "SkuPriceDetails": basis,
            "SkuPriceId": f"{model}:self-hosted:{sh.basis}", "SubAccountId": team, "SubAccountName": team,
            "SubAccountType": "Team",
            "Tags": {"team": team, "project": project, "use_case": use_case or None, "requested_via": "tenbin",
                     "charge": "self-hosted"},
        })
    return out


def _text(v: Any, column: str = "") -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return decimal_text(v, PLACES.get(column, 10))
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, dict):
        return orjson.dumps({k: x for k, x in v.items() if x is not None}).decode()
    return str(v)


def write_csv(rows: Sequence[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        write_csv_to(rows, f)


def write_csv_to(rows: Sequence[dict[str, Any]], f: TextIO) -> None:
    """The CSV into an open text stream (the console's download writes it into memory)."""
    names = [c for c, _ in COLUMNS]
    w = csv.writer(f)
    w.writerow(names)
    for r in rows:
        w.writerow([_text(r[c], c) for c in names])


def arrow_schema() -> Any:
    pa = _pyarrow()
    types = {D: pa.decimal128(38, 10), S: pa.string(), T: pa.timestamp("s", tz="UTC"), J: pa.string()}
    return pa.schema([pa.field(c, types[t]) for c, t in COLUMNS])


def write_parquet(rows: Sequence[dict[str, Any]], path: Path) -> None:
    pa = _pyarrow()
    import pyarrow.parquet as pq

    schema = arrow_schema()
    data = {}
    for name, kind in COLUMNS:
        vals = [r[name] for r in rows]
        if kind == J:
            vals = [None if v is None else _text(v) for v in vals]
        elif kind == D:
            vals = [None if v is None else Decimal(v).quantize(SCALE) for v in vals]
        data[name] = vals
    table = pa.table(data, schema=schema)
    table = table.replace_schema_metadata({"focus_version": FOCUS_VERSION, "generator": "tenbin"})
    pq.write_table(table, path)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise RuntimeError("Parquet export needs pyarrow: pip install pyarrow (or use --format csv)") from None
    return pyarrow
