"""Costs: spend over time by team, project, use case, model or vendor; unit economics and ROI per
use case; the same figures as CSV (``tenbin costs --format csv``) and as a FOCUS 1.2 dataset
(``tenbin export focus``).

Every figure is a ``cost_report`` line (console/figures.py): the table for ``?by=model`` is what
``tenbin costs --by model`` prints (``--by team,model`` for that team in a team's view), a day's
bar is ``tenbin costs --period <day>``. A team's FOCUS download keeps the rows whose
``SubAccountId`` is that team — FOCUS' own name for the team column.
"""

from __future__ import annotations

import io
from typing import Any

from tenbin.console.figures import (
    MAX_DAILY,
    daily_reports,
    finops_config,
    line_of,
    period_of,
    scoped_report,
    tokyo_today,
)
from tenbin.console.page import Download, Downloader, Page, PageContext
from tenbin.errors import BadRequest
from tenbin.finops.periods import Period
from tenbin.finops.reports.costs import write_csv_to
from tenbin.finops.reports.focus import focus_rows
from tenbin.finops.reports.focus import write_csv_to as write_focus_csv

#: The groupings the page offers (``tenbin costs --by`` names); "provider" is the vendor.
GROUPS = ("team", "project", "use-case", "model", "provider")


def _period(ctx: PageContext) -> Period:
    try:
        return period_of(ctx.query.get("period"), ctx.now)
    except ValueError as e:
        raise BadRequest(str(e), param="period") from None


def _group(ctx: PageContext) -> str:
    by = ctx.query.get("by") or "team"
    if by not in GROUPS:
        raise BadRequest(f"by must be one of {', '.join(GROUPS)}", param="by")
    return by


async def view(ctx: PageContext) -> dict[str, Any]:
    period, by = _period(ctx), _group(ctx)
    report = await scoped_report(ctx.rt, period, [by], ctx.scope)
    days = await daily_reports(ctx.rt, period, [by], ctx.scope, tokyo_today(ctx.now))
    keys = [ln.key for ln in report.lines]  # largest first, as the report orders them
    series = [{"key": k[0], "values": [(ln.cost_jpy if (ln := line_of(r, k)) is not None else None)
                                       for _, r in days]} for k in keys]
    use_cases = await scoped_report(ctx.rt, period, ["use-case"], ctx.scope)
    return {
        "period": period.label, "by": by, "groups": GROUPS,
        "report": report, "total": report.total,
        "days": [d.isoformat() for d, _ in days], "series": series,
        "day_totals": [r.total.cost_jpy for _, r in days], "daily_capped": len(period.days()) > MAX_DAILY,
        "use_cases": use_cases, "has_roi": any(ln.outcome is not None for ln in use_cases.lines),
    }


async def download_csv(ctx: PageContext) -> Download:
    """``tenbin costs --period P --by B --format csv``; in a team's view ``--by team,B`` and that
    team's rows, so the file names the team it covers once it is detached from the page."""
    period, by = _period(ctx), _group(ctx)
    dims = [by] if ctx.scope is None or by == "team" else ["team", by]
    report = await scoped_report(ctx.rt, period, dims, ctx.scope)
    buf = io.StringIO()
    write_csv_to(report, buf)
    return Download(f"tenbin-costs-{period.label}-{by}.csv", "text/csv; charset=utf-8", buf.getvalue().encode())


async def download_focus(ctx: PageContext) -> Download:
    """``tenbin export focus --period P --format csv``, only the caller's team's rows in a team view."""
    period = _period(ctx)
    rows = await focus_rows(ctx.rt.store, ctx.rt.catalog, period, self_hosted=finops_config(ctx.rt).self_hosted)
    if ctx.scope is not None:
        rows = [r for r in rows if r["SubAccountId"] == ctx.scope]
    buf = io.StringIO()
    write_focus_csv(rows, buf)
    return Download(f"tenbin-focus-{period.label}.csv", "text/csv; charset=utf-8", buf.getvalue().encode())


DOWNLOADS: dict[str, Downloader] = {"csv": download_csv, "focus": download_focus}

MESSAGES = {
    "ja": {
        "costs.title": "コスト",
        "costs.period": "期間",
        "costs.period_hint": "YYYY-MM、YYYY-MM-DD、または A..B（東京時間）",
        "costs.by": "集計軸",
        "costs.by.team": "チーム",
        "costs.by.project": "プロジェクト",
        "costs.by.use-case": "ユースケース",
        "costs.by.model": "モデル",
        "costs.by.provider": "ベンダー",
        "costs.show": "表示",
        "costs.over_time": "日別の利用額",
        "costs.day": "日付",
        "costs.day_total": "日計",
        "costs.daily_capped": "期間が長いため、最初の62日分のみ日別に表示しています。",
        "costs.breakdown": "内訳",
        "costs.requests": "リクエスト数",
        "costs.errors": "エラー数",
        "costs.tokens": "トークン数",
        "costs.cost": "利用額",
        "costs.self_hosted": "うち自社ホスト分",
        "costs.per_request": "1リクエストあたり",
        "costs.per_1k": "1,000トークンあたり",
        "costs.total": "合計",
        "costs.unit_economics": "ユースケース別の単位経済性とROI",
        "costs.use_case": "ユースケース",
        "costs.outcome": "成果",
        "costs.outcomes": "成果数",
        "costs.per_outcome": "成果1件あたり",
        "costs.value": "価値",
        "costs.roi": "ROI",
        "costs.roi_note": "ROI = (価値 − 利用額) ÷ 利用額。価値は設定の finops.use_cases（削減時間 × 時間単価）から。",
        "costs.download": "ダウンロード",
        "costs.download_csv": "CSV（tenbin costs と同じ）",
        "costs.download_focus": "FOCUS 1.2（CSV）",
        "costs.none": "この期間の利用はありません。",
        "costs.cli": "同じ数値:",
    },
    "en": {
        "costs.title": "Costs",
        "costs.period": "Period",
        "costs.period_hint": "YYYY-MM, YYYY-MM-DD or A..B (Asia/Tokyo)",
        "costs.by": "Group by",
        "costs.by.team": "Team",
        "costs.by.project": "Project",
        "costs.by.use-case": "Use case",
        "costs.by.model": "Model",
        "costs.by.provider": "Vendor",
        "costs.show": "Show",
        "costs.over_time": "Spend per day",
        "costs.day": "Day",
        "costs.day_total": "Day total",
        "costs.daily_capped": "A long period: only its first 62 days are shown day by day.",
        "costs.breakdown": "Breakdown",
        "costs.requests": "Requests",
        "costs.errors": "Errors",
        "costs.tokens": "Tokens",
        "costs.cost": "Spend",
        "costs.self_hosted": "of which self-hosted",
        "costs.per_request": "per request",
        "costs.per_1k": "per 1k tokens",
        "costs.total": "Total",
        "costs.unit_economics": "Unit economics and ROI per use case",
        "costs.use_case": "Use case",
        "costs.outcome": "Outcome",
        "costs.outcomes": "Outcomes",
        "costs.per_outcome": "per outcome",
        "costs.value": "Value",
        "costs.roi": "ROI",
        "costs.roi_note": "ROI = (value − spend) ÷ spend; value from finops.use_cases (time saved × hourly cost).",
        "costs.download": "Download",
        "costs.download_csv": "CSV (as tenbin costs)",
        "costs.download_focus": "FOCUS 1.2 (CSV)",
        "costs.none": "No usage in this period.",
        "costs.cli": "Same figures:",
    },
}

PAGE = Page(slug="costs", title="nav.costs", template="costs.html", view=view, messages=MESSAGES,
            downloads=DOWNLOADS)
