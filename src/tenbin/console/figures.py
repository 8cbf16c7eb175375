"""The money figures the overview, costs and budgets pages show, read through the functions
``tenbin costs``, ``tenbin forecast`` and ``GET /admin/budgets`` use, narrowed to the team the
caller may see.

Nothing here prices, rounds or sums differently from those reports: a team's view is exactly the
rows ``tenbin costs --by team,<dims>`` prints for that team (the team column dropped when it was
not asked for), and a day's figures are ``tenbin costs --period <that day>``. So a console figure
and a CLI figure for the same store can only differ if the store changed in between.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from tenbin.finops.config import FinOpsConfig
from tenbin.finops.periods import TOKYO, Period, day, month, parse_period
from tenbin.finops.reports.costs import Line, Report, cost_report
from tenbin.finops.reports.forecast import Forecast, forecast_period
from tenbin.gateway.runtime import Runtime

#: Longest period the costs page draws day by day (one report per day); longer ones show totals.
MAX_DAILY = 62


def finops_config(rt: Runtime) -> FinOpsConfig:
    """The use cases and self-hosted rates the reports need: those the running FinOps holds, or the
    config's section when the gateway runs without FinOps (its ledger still prices requests)."""
    return rt.finops.cfg if rt.finops is not None else FinOpsConfig.from_section(rt.cfg.finops)


def tokyo_today(now: dt.datetime) -> dt.date:
    return now.astimezone(TOKYO).date()


def this_month(now: dt.datetime) -> Period:
    t = now.astimezone(TOKYO)
    return month(t.year, t.month)


def period_of(text: str | None, now: dt.datetime) -> Period:
    """``?period=`` as ``tenbin costs --period`` reads it (``YYYY-MM``, a day, or ``A..B``); this
    Tokyo month when absent. Raises ValueError with the CLI's message when malformed."""
    return parse_period(text) if text else this_month(now)


async def scoped_report(rt: Runtime, period: Period, dims: list[str], scope: str | None) -> Report:
    """``cost_report`` for ``dims``, restricted to team ``scope`` (None: every team, admins)."""
    fo = finops_config(rt)
    if scope is None:
        return await cost_report(rt.store, period, dims, use_cases=fo.use_cases, self_hosted=fo.self_hosted)
    full = dims if "team" in dims else ["team", *dims]
    report = await cost_report(rt.store, period, full, use_cases=fo.use_cases, self_hosted=fo.self_hosted)
    ti = full.index("team")
    lines = [ln for ln in report.lines if ln.key[ti] == scope]
    if full is not dims:  # the team column was added only to filter on: drop it again
        lines = [dataclasses.replace(ln, key=ln.key[1:], vendor_cost=dict(ln.vendor_cost)) for ln in lines]
    return Report(period, dims, lines, report.fx)


async def daily_reports(rt: Runtime, period: Period, dims: list[str], scope: str | None,
                        until: dt.date) -> list[tuple[dt.date, Report]]:
    """One report per Tokyo day of ``period`` up to ``until`` (each ``tenbin costs --period DAY``)."""
    days = [d for d in period.days() if d <= until][:MAX_DAILY]
    return [(d, await scoped_report(rt, day(d), dims, scope)) for d in days]


def line_of(report: Report, key: tuple[str, ...]) -> Line | None:
    return next((ln for ln in report.lines if ln.key == key), None)


async def month_forecast(rt: Runtime, now: dt.datetime, scope: str | None) -> Forecast | None:
    """``tenbin forecast`` for this month: the team's line for a team view, else the total."""
    p = this_month(now)
    at = min(now.astimezone(TOKYO), p.end - dt.timedelta(seconds=1))  # as the CLI clamps it
    rows = await forecast_period(rt.store, p, at)
    subject = scope if scope is not None else "total"
    return next((f for f in rows if f.subject == subject), None)


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """``part / whole`` or None when there is nothing to divide by (shown as "-")."""
    return Decimal(part) / Decimal(whole) if whole else None
