"""Forecast on a synthetic month with a weekday pattern (November 2026 starts on a Sunday)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tenbin.finops.periods import TOKYO, parse_period
from tenbin.finops.reports.forecast import forecast_month, forecast_period
from tenbin.ledger.record import to_nanos
from tests.finops.ledger import jst, row, with_ledger

NOV = parse_period("2026-11")


def synthetic(until: int, today_spend: Decimal) -> dict[dt.date, Decimal]:
    out = {}
    for d in range(1, until):
        day = dt.date(2026, 11, d)
        out[day] = Decimal(1000) if day.weekday() < 5 else Decimal(100)
    out[dt.date(2026, 11, until)] = today_spend
    return out


def test_weekday_run_rate() -> None:
    # complete days 1–17: 12 weekdays × 1000 + 5 weekend days × 100 = 12,500; today (Wed 18th) 400 so far
    # → today counts 1000 (its weekday mean); 19–30: 8 weekdays, 4 weekend days → 8,400
    f = forecast_month(synthetic(18, Decimal(400)), NOV, dt.date(2026, 11, 18), Decimal("0.5"), "sales")
    assert f.month_to_date == Decimal(12_900)
    assert f.forecast == Decimal(21_900)
    assert f.days_observed == 17
    flat = f.month_to_date / Decimal("17.5") * 30  # a flat run rate would say ≈22,114
    assert abs(flat - f.forecast) > 100


def test_first_day_extrapolates_by_time_elapsed() -> None:
    f = forecast_month({dt.date(2026, 11, 1): Decimal(50)}, NOV, dt.date(2026, 11, 1), Decimal("0.25"))
    assert f.forecast == Decimal(6000)  # 50 in a quarter day → 200/day × 30


def test_past_month_is_its_actual() -> None:
    f = forecast_month(synthetic(30, Decimal(1000)), NOV, dt.date(2026, 12, 3), Decimal(0))
    assert f.forecast == f.month_to_date


def test_forecast_from_the_ledger_per_team_and_total(tmp_path: Path) -> None:
    rows = []
    for d in range(1, 18):
        spend = 1000 if dt.date(2026, 11, d).weekday() < 5 else 100
        rows.append(row(jst(2026, 11, d), team="sales", jpy_nanos=to_nanos(Decimal(spend))))
        rows.append(row(jst(2026, 11, d, 23), team="dev", jpy_nanos=to_nanos(Decimal(10))))
    rows.append(row(jst(2026, 11, 18, 3), team="sales", jpy_nanos=to_nanos(Decimal(400))))
    now = dt.datetime(2026, 11, 18, 12, tzinfo=TOKYO)
    fcs = with_ledger(tmp_path, rows, lambda s: forecast_period(s, NOV, now))
    by = {f.subject: f for f in fcs}
    assert by["sales"].forecast == Decimal(21_900)
    assert by["dev"].forecast == Decimal(300)  # 10/day every day (today: weekday mean 10)
    assert by["total"].forecast == Decimal(22_200)
    assert fcs[-1].subject == "total"


def test_a_zero_first_day_does_not_forecast_zero() -> None:
    """Used from the 2nd: the 1st (¥0) is before any use, so today's ¥50 in a quarter day is the
    run rate (200/day for the 29 days from today), not the ¥0 mean of the one complete day."""
    daily = {dt.date(2026, 11, 1): Decimal(0), dt.date(2026, 11, 2): Decimal(50)}
    f = forecast_month(daily, NOV, dt.date(2026, 11, 2), Decimal("0.25"))
    assert f.month_to_date == Decimal(50)
    assert f.forecast == Decimal(200) * 29
    assert f.days_observed == 0


def test_zero_days_after_first_use_still_count() -> None:
    # used on the 1st (¥300), nothing on the 2nd: the mean of both is 150, a ¥0 day of use is evidence
    daily = {dt.date(2026, 11, 1): Decimal(300), dt.date(2026, 11, 2): Decimal(0)}
    f = forecast_month(daily, NOV, dt.date(2026, 11, 3), Decimal("0.5"))
    assert f.days_observed == 2
    assert f.forecast == Decimal(300) + Decimal(150) * 28
