"""Cost arithmetic across currencies, price-change dates and dated FX rates (store-backed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Usage
from tenbin.finops.fxstore import load_table, parse_csv, parse_override, parse_pair, set_rate
from tenbin.finops.pricing import Pricer
from tenbin.fx import FxTable, restated
from tests.finops.ledger import jst, with_ledger


def spec(currency: str = "USD", prices: list[dict[str, str]] | None = None) -> ModelSpec:
    return ModelSpec.model_validate({
        "id": "m", "provider": "p", "upstream": "m", "region": "US", "jurisdiction": "US", "retention_days": 0,
        "context_window": 1000,
        "prices": prices or [
            {"effective": "2026-01-01", "currency": currency, "input": "2", "cached_input": "0.5", "output": "8"},
            {"effective": "2026-11-15", "currency": currency, "input": "1", "output": "4"}]})


FX = FxTable([("USD", dt.date(2026, 11, 1), Decimal("150")), ("USD", dt.date(2026, 11, 20), Decimal("160")),
              ("EUR", dt.date(2026, 11, 1), Decimal("170"))])


@pytest.mark.parametrize("day,jpy_nanos,rate", [
    (dt.date(2026, 11, 10), 900_000_000, "150"),  # (1000×2 + 500×8)/1M = $0.006 × 150 = ¥0.90
    (dt.date(2026, 11, 14), 900_000_000, "150"),  # last day of the old price
    (dt.date(2026, 11, 15), 450_000_000, "150"),  # new price: $0.003 × 150
    (dt.date(2026, 11, 19), 450_000_000, "150"),
    (dt.date(2026, 11, 20), 480_000_000, "160"),  # new rate
    (dt.date(2026, 10, 1), 900_000_000, "150"),  # before the first rate: the earliest known rate
])
def test_price_and_fx_in_force_on_the_day(day: dt.date, jpy_nanos: int, rate: str) -> None:
    p = Pricer(FX).price(spec(), Usage(1000, 500, 0, True), day)
    assert p.cost_jpy_nanos == jpy_nanos
    assert p.fx_rate == rate and p.currency == "USD"


def test_cached_tokens_and_other_currencies() -> None:
    # 400 cached of 1000 prompt: 600×2 + 400×0.5 + 500×8 = 5400 → €0.0054 × 170 = ¥0.918
    p = Pricer(FX).price(spec("EUR"), Usage(1000, 500, 400, True), dt.date(2026, 11, 10))
    assert (p.cost_nanos, p.cost_jpy_nanos, p.currency) == (5_400_000, 918_000_000, "EUR")
    jp = Pricer(FX).price(spec("JPY"), Usage(1000, 500, 0, True), dt.date(2026, 11, 10))
    assert jp.cost_jpy_nanos == jp.cost_nanos == 6_000_000 and jp.fx_rate == "1"
    unknown = Pricer(FX).price(spec("GBP"), Usage(1000, 500, 0, True), dt.date(2026, 11, 10))
    assert unknown.cost_jpy_nanos == 0 and unknown.fx_rate is None


def test_max_cost_bounds_the_real_cost() -> None:
    pr = Pricer(FX)
    day = dt.date(2026, 11, 10)
    real = pr.price(spec(), Usage(1000, 500, 400, True), day).cost_jpy_nanos
    assert pr.max_cost_jpy_nanos(spec(), 1000, 500, day) >= real
    assert pr.max_cost_jpy_nanos(spec(), 1000, 500, day) == 900_000_000


def test_restated_rate_applies_to_every_day() -> None:
    r = restated(FX, {"USD": Decimal("170")})
    assert r.rate("USD", dt.date(2026, 11, 25)) == r.rate("USD", dt.date(2000, 1, 1)) == Decimal("170")
    assert r.rate("EUR", dt.date(2026, 11, 25)) == Decimal("170")
    assert FX.rate("USD", dt.date(2026, 11, 25)) == Decimal("160")  # the original is untouched


def test_store_backed_rates(tmp_path: Path) -> None:
    async def go(store):  # type: ignore[no-untyped-def]
        before = jst(2026, 10, 31)  # recorded before any day they price
        await set_rate(store, "USD", dt.date(2026, 11, 1), Decimal("152.3"), at=before)
        await set_rate(store, "USD", dt.date(2026, 11, 1), Decimal("152.5"), at=before + 60)  # same day: replaced
        await set_rate(store, "EUR", dt.date(2026, 12, 1), Decimal("180"), at=before)
        return await load_table(store)

    table = with_ledger(tmp_path, [], go)
    assert table.rate("USD", dt.date(2026, 11, 30)) == Decimal("152.5")
    assert table.rate("USD", dt.date(2026, 10, 30)) == Decimal("154.0")  # shipped default still applies before
    assert table.rate("EUR", dt.date(2026, 12, 2)) == Decimal("180")


def test_parsing_errors_are_clear() -> None:
    assert parse_pair("usd/jpy") == "USD"
    assert parse_override("USDJPY=170") == ("USD", Decimal("170"))
    with pytest.raises(ValueError, match="XXXJPY"):
        parse_pair("USDEUR")
    with pytest.raises(ValueError, match="positive"):
        parse_override("USDJPY=-1")
    with pytest.raises(ValueError, match="line 3"):
        parse_csv("pair,date,rate\nUSDJPY,2026-11-01,150\nUSDJPY,2026-13-01,150\n")
    assert parse_csv("USDJPY,2026-11-01,150\n# note\n\nEURJPY,2026-11-01,170\n")[1][0] == "EUR"


def test_cache_writes_cost_the_cache_write_rate() -> None:
    from decimal import Decimal

    from tenbin.catalog.catalog import Price

    p = Price(effective="2025-01-01", currency="USD", input=Decimal("3"), cached_input=Decimal("0.30"),
              cache_write=Decimal("3.75"), output=Decimal("15"))
    # 1,000 fresh + 2,000 read + 4,000 written prompt tokens, 100 out, per 1M tokens
    expected = (1000 * Decimal("3") + 2000 * Decimal("0.30") + 4000 * Decimal("3.75") + 100 * Decimal("15"))
    assert p.cost(7000, 100, cached_tokens=2000, cache_write_tokens=4000) == expected / Decimal(1_000_000)
    plain = Price(effective="2025-01-01", currency="USD", input=Decimal("3"), output=Decimal("15"))
    assert plain.cost(7000, 100, cache_write_tokens=4000) == plain.cost(7000, 100)  # no rate: plain input
