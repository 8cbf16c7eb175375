"""FOCUS 1.2 export: the exact column set and data types of the spec version, and costs that add
up to the ledger."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tenbin.catalog.catalog import load_catalog
from tenbin.context import Usage
from tenbin.finops.periods import parse_period
from tenbin.finops.pricing import Pricer
from tenbin.finops.reports.focus import FOCUS_VERSION, focus_rows, write_csv, write_parquet
from tenbin.fx import FxTable
from tests.finops.ledger import jst, row, with_ledger

# FOCUS 1.2 cost-and-usage columns and data types, typed in from the specification independently of
# the implementation's table.
SPEC_1_2 = {
    "Decimal": """BilledCost CommitmentDiscountQuantity ConsumedQuantity ContractedCost ContractedUnitPrice
        EffectiveCost ListCost ListUnitPrice PricingCurrencyContractedUnitPrice PricingCurrencyEffectiveCost
        PricingCurrencyListUnitPrice PricingQuantity""",
    "DateTime": "BillingPeriodEnd BillingPeriodStart ChargePeriodEnd ChargePeriodStart",
    "JSON": "SkuPriceDetails Tags",
    "String": """AvailabilityZone BillingAccountId BillingAccountName BillingAccountType BillingCurrency
        CapacityReservationId CapacityReservationStatus ChargeCategory ChargeClass ChargeDescription ChargeFrequency
        CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName CommitmentDiscountStatus
        CommitmentDiscountType CommitmentDiscountUnit ConsumedUnit InvoiceId InvoiceIssuerName PricingCategory
        PricingCurrency PricingUnit ProviderName PublisherName RegionId RegionName ResourceId ResourceName
        ResourceType ServiceCategory ServiceName ServiceSubcategory SkuId SkuMeter SkuPriceId SubAccountId
        SubAccountName SubAccountType""",
}
SPEC_TYPES = {c: t for t, cols in SPEC_1_2.items() for c in cols.split()}
NOV = parse_period("2026-11")
FX = FxTable([("USD", dt.date(2026, 11, 1), Decimal("150"))])


def ledger() -> list:  # type: ignore[type-arg]
    catalog = load_catalog()
    out = []
    for model, team, day, usage in [("gpt-4o", "sales", 2, Usage(1000, 500, 200, True)),
                                    ("gpt-4o", "sales", 2, Usage(3000, 100, 0, True)),
                                    ("claude-haiku-4-5", "dev", 3, Usage(700, 70, 0, True))]:
        spec = catalog.get(model)
        assert spec is not None
        p = Pricer(FX).price(spec, usage, dt.date(2026, 11, day))
        r = row(jst(2026, 11, day), team=team, model=model, provider=spec.provider, region=spec.region,
                prompt=usage.prompt_tokens, completion=usage.completion_tokens, cost_nanos=p.cost_nanos,
                jpy_nanos=p.cost_jpy_nanos, fx=p.fx_rate, use_case="ringi")
        r.cached_tokens = usage.cached_tokens
        out.append(r)
    return out


def rows_and_total(tmp_path: Path) -> tuple[list, int]:  # type: ignore[type-arg]
    recs = ledger()
    rows = with_ledger(tmp_path, recs, lambda s: focus_rows(s, load_catalog(), NOV))
    return rows, sum(r.cost_jpy_nanos for r in recs)


def test_columns_and_costs(tmp_path: Path) -> None:
    rows, total_nanos = rows_and_total(tmp_path)
    assert FOCUS_VERSION == "1.2"
    assert len(SPEC_TYPES) == 57
    assert all(set(r) == set(SPEC_TYPES) for r in rows)
    # gpt-4o sales day 2: input (3800 uncached), cached input (200), output (600); claude: input, output
    assert sorted(r["SkuId"] for r in rows) == sorted(
        ["gpt-4o:input", "gpt-4o:cached-input", "gpt-4o:output", "claude-haiku-4-5:input",
         "claude-haiku-4-5:output"])
    assert sum(r["BilledCost"] for r in rows) * 10**9 == total_nanos
    for r in rows:
        assert r["ServiceCategory"] == "AI and Machine Learning" and r["BillingCurrency"] == "JPY"
        assert r["ChargeCategory"] == "Usage" and r["SubAccountId"] in ("sales", "dev")
        assert r["ChargePeriodEnd"] - r["ChargePeriodStart"] == dt.timedelta(days=1)
        assert r["ChargePeriodStart"].utcoffset() == dt.timedelta(0)
        assert r["ChargePeriodStart"].hour == 15  # Tokyo midnight in UTC
        # list unit price (¥ per 1M tokens) × pricing quantity = list cost, to the nano-yen
        assert abs(r["ListUnitPrice"] * r["PricingQuantity"] - r["ListCost"]) < Decimal("1e-9")
    gpt_in = next(r for r in rows if r["SkuId"] == "gpt-4o:input")
    assert gpt_in["ConsumedQuantity"] == 3800 and gpt_in["PricingCurrencyListUnitPrice"] == Decimal("2.50")
    assert gpt_in["ListUnitPrice"] == Decimal("375")  # $2.50 × ¥150
    assert gpt_in["Tags"]["use_case"] == "ringi"


def test_parquet_types_follow_the_spec(tmp_path: Path) -> None:
    rows, total_nanos = rows_and_total(tmp_path)
    path = tmp_path / "focus.parquet"
    write_parquet(rows, path)
    table = pq.read_table(path)
    assert table.schema.names == sorted(SPEC_TYPES)  # spec order is alphabetical
    for f in table.schema:
        kind = SPEC_TYPES[f.name]
        if kind == "Decimal":
            assert pa.types.is_decimal(f.type), f.name
        elif kind == "DateTime":
            assert pa.types.is_timestamp(f.type) and f.type.tz == "UTC", f.name
        else:
            assert pa.types.is_string(f.type), f.name
    assert (table.schema.metadata or {})[b"focus_version"] == b"1.2"
    billed = sum(v.as_py() for v in table.column("BilledCost"))
    assert billed * 10**9 == total_nanos


def test_csv_header_and_json_tags(tmp_path: Path) -> None:
    rows, _ = rows_and_total(tmp_path)
    path = tmp_path / "focus.csv"
    write_csv(rows, path)
    with path.open(encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    assert list(data[0]) == sorted(SPEC_TYPES)
    assert data[0]["ChargePeriodStart"].endswith("T15:00:00Z")
    import json

    assert json.loads(data[0]["Tags"])["team"] in ("sales", "dev")


def test_csv_decimals_are_plain_and_fixed_width_per_column(tmp_path: Path) -> None:
    """Strict loaders reject ``0E-10``: zeros and every other decimal are written in plain notation
    with the same number of places down a column (the Parquet scale, 10; token counts 0)."""
    recs = ledger()
    # a request that failed after the vendor counted its prompt: tokens, but a cost of exactly ¥0
    recs.append(row(jst(2026, 11, 4), team="dev", model="gpt-4o", prompt=10, completion=0, cost_nanos=0,
                    jpy_nanos=0, fx="150", use_case="ringi"))
    rows = with_ledger(tmp_path, recs, lambda s: focus_rows(s, load_catalog(), NOV))
    assert any(r["BilledCost"] == 0 for r in rows)
    path = tmp_path / "focus.csv"
    write_csv(rows, path)
    text = path.read_text(encoding="utf-8")
    assert "E-" not in text and "E+" not in text
    with path.open(encoding="utf-8") as f:
        data = list(csv.DictReader(f))
    decimals = [c for c, t in SPEC_TYPES.items() if t == "Decimal"]
    for c in decimals:
        values = [d[c] for d in data if d[c] != ""]
        places = {len(v.partition(".")[2]) for v in values}
        assert len(places) <= 1, (c, values)
    zero = next(d for d in data if Decimal(d["BilledCost"]) == 0)
    assert zero["BilledCost"] == "0.0000000000" and zero["ConsumedQuantity"] == "10"
    assert {len(d["BilledCost"].partition(".")[2]) for d in data} == {10}
    assert all("." not in d["ConsumedQuantity"] for d in data)
