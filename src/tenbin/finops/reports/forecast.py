"""Month-end spend forecast from the month so far, per team and in total.

Method (printed with every forecast): for each weekday, the mean spend of the complete days of
this month falling on it; a future day takes its weekday's mean, or the mean of all complete days
when that weekday has not occurred yet. Today counts as the larger of its spend so far and its
weekday's mean. Complete days before the first day with any spend are not evidence (the gateway,
or the team, was not in use yet: a ¥0 first day must not forecast ¥0), so with no complete day of
use yet — the first day of a month, or the first day of use — today's spend is extrapolated from
the share of the day elapsed. Business-day-heavy usage in Japan makes weekday weighting far
more accurate than a flat run rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from tenbin.finops.config import BudgetRule
from tenbin.finops.periods import Period
from tenbin.finops.reports.sql import day_of, day_range
from tenbin.ledger.record import from_nanos
from tenbin.store.base import Store

METHOD = ("weekday run rate: month-to-date actual + each remaining Tokyo day forecast at the mean of "
          "this month's complete days with the same weekday (all-days mean if none yet), counting from "
          "the first day with spend; today = max(actual so far, weekday mean); with no complete day of "
          "use yet, today is extrapolated by the share of the day elapsed")


@dataclass(frozen=True, slots=True)
class Forecast:
    subject: str
    month_to_date: Decimal
    forecast: Decimal
    days_observed: int


def forecast_month(daily: dict[dt.date, Decimal], period: Period, today: dt.date, day_fraction: Decimal,
                   subject: str = "total") -> Forecast:
    days = period.days()
    first_use = next((d for d in days if daily.get(d, Decimal(0)) > 0), None)
    complete = [d for d in days if d < today and first_use is not None and d >= first_use]
    mtd = sum((daily.get(d, Decimal(0)) for d in days if d <= today), Decimal(0))
    if today > days[-1]:
        return Forecast(subject, mtd, mtd, len(days))
    by_wd: dict[int, list[Decimal]] = {}
    for d in complete:
        by_wd.setdefault(d.weekday(), []).append(daily.get(d, Decimal(0)))
    overall = sum((daily.get(d, Decimal(0)) for d in complete), Decimal(0)) / len(complete) if complete else None

    def expect(d: dt.date) -> Decimal:
        vals = by_wd.get(d.weekday())
        if vals:
            return sum(vals, Decimal(0)) / len(vals)
        if overall is not None:
            return overall
        today_spend = daily.get(today, Decimal(0))
        return today_spend / day_fraction if day_fraction > 0 else today_spend

    total = sum((daily.get(d, Decimal(0)) for d in complete), Decimal(0))
    if today >= days[0]:
        total += max(daily.get(today, Decimal(0)), expect(today))
    total += sum((expect(d) for d in days if d > today), Decimal(0))
    return Forecast(subject, mtd, total, len(complete))


def applicable_budgets(rules: list[BudgetRule], subject: str) -> list[BudgetRule]:
    """The monthly budgets a forecast line is compared with: for a team's line its team budgets
    (its own or ``match: '*'``), for the total the company-wide ones (``scope: all``)."""
    return [r for r in rules if r.period == "month" and (
        (r.scope == "team" and subject != "total" and r.match in ("*", subject))
        or (r.scope == "all" and subject == "total"))]


async def daily_spend(store: Store, period: Period, by_team: bool) -> dict[str, dict[dt.date, Decimal]]:
    team = "team" if by_team else "'total'"
    rows = await store.query(
        f"SELECT {team} AS subject, day AS d, sum(cost_jpy_nanos) AS jpy FROM usage_daily"
        " WHERE day >= ? AND day < ? GROUP BY 1, 2", day_range(period))
    out: dict[str, dict[dt.date, Decimal]] = {}
    for r in rows:
        out.setdefault(str(r["subject"]), {})[day_of(r["d"])] = from_nanos(int(r["jpy"] or 0))
    return out


async def forecast_period(store: Store, period: Period, now: dt.datetime) -> list[Forecast]:
    """Per-team forecasts, then the total (last)."""
    today = now.date()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    fraction = Decimal((now - start).total_seconds()) / Decimal(86400)
    teams = await daily_spend(store, period, by_team=True)
    out = [forecast_month(d, period, today, fraction, t) for t, d in sorted(teams.items())]
    total: dict[dt.date, Decimal] = {}
    for d in teams.values():
        for k, v in d.items():
            total[k] = total.get(k, Decimal(0)) + v
    out.append(forecast_month(total, period, today, fraction, "total"))
    return out
