"""The overview: spend today and this month in JPY against the budgets, the month-end forecast,
requests and error rate, latency and time to first token, and where the traffic was served.

Spend is ``tenbin costs`` for today and for this month (vendors + self-hosted charge-back), the
budgets are ``GET /admin/budgets``' status rows (budgets count what vendors bill, as the guard
does), the forecast is ``tenbin forecast``; all narrowed to the caller's team by ``ctx.scope``.
"""

from __future__ import annotations

from typing import Any

from tenbin.console import traffic
from tenbin.console.figures import month_forecast, ratio, scoped_report, this_month, tokyo_today
from tenbin.console.page import Page, PageContext
from tenbin.finops.periods import TOKYO, day
from tenbin.finops.reports.forecast import METHOD, applicable_budgets

DIMS = ["model", "region"]  # what the served-where shares need; the totals are the same by any grouping


async def view(ctx: PageContext) -> dict[str, Any]:
    rt = ctx.rt
    today, month = day(tokyo_today(ctx.now)), this_month(ctx.now)
    day_rep = await scoped_report(rt, today, DIMS, ctx.scope)
    month_rep = await scoped_report(rt, month, DIMS, ctx.scope)
    status = await rt.finops.status(ctx.scope) if rt.finops is not None else []
    fc = await month_forecast(rt, ctx.now, ctx.scope)
    rules = rt.finops.rules if rt.finops is not None else []
    crossing = []
    if fc is not None:
        crossing = [{"budget": r.name, "limit_jpy": r.limit_jpy, "crosses": fc.forecast > r.limit_jpy}
                    for r in applicable_budgets(rules, fc.subject)]
    periods = []
    for label, rep in (("today", day_rep), ("month", month_rep)):
        total = rep.total
        lat = await traffic.latency(rt.store, rep.period, ctx.scope)
        periods.append({
            "name": label, "period": rep.period.label, "cost_jpy": total.cost_jpy,
            "self_hosted_jpy": total.self_hosted_jpy, "requests": total.requests, "errors": total.errors,
            "error_rate": ratio(total.errors, total.requests), "latency": lat,
            "places": traffic.served_where(rep, rt.catalog),
        })
    return {
        "as_of": ctx.now.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"), "periods": periods,
        "sample": f"{traffic.SAMPLE:,}",
        "budgets": status, "forecast": fc, "forecast_budgets": crossing,
    }


MESSAGES = {
    "ja": {
        "overview.title": "概要",
        "overview.today": "本日",
        "overview.month": "今月",
        "overview.spend": "利用額",
        "overview.self_hosted": "うち自社ホスト分（按分）",
        "overview.requests": "リクエスト数",
        "overview.errors": "エラー数",
        "overview.error_rate": "エラー率",
        "overview.latency": "応答時間",
        "overview.latency_p50": "応答時間 p50",
        "overview.latency_p95": "応答時間 p95",
        "overview.ttft_p50": "初回トークンまで p50",
        "overview.ttft_p95": "初回トークンまで p95",
        "overview.answered": "応答済み",
        "overview.streamed": "ストリーミング",
        "overview.latency_note": "応答できたリクエスト（ステータス200）の最近接順位パーセンタイル。",
        "overview.sampled": "リクエストが多いため、応答時間は各期間の直近 {n} 件から算出しています。",
        "overview.budgets": "予算",
        "overview.budget": "予算名",
        "overview.subject": "対象",
        "overview.limit": "上限",
        "overview.spent": "使用額",
        "overview.burn": "消化率",
        "overview.state": "状態",
        "overview.no_budgets": "この範囲に予算はありません。",
        "overview.forecast": "月末予測",
        "overview.forecast_mtd": "今月これまで（ベンダー請求分）",
        "overview.forecast_end": "月末予測",
        "overview.forecast_days": "実績日数",
        "overview.forecast_none": "今月の利用はまだありません。",
        "overview.crosses": "超過見込み",
        "overview.within": "範囲内",
        "overview.method": "算出方法",
        "overview.method_text": "曜日別ランレート：今月の実績に、残りの各日（東京時間）を"
                                "今月これまでの同じ曜日の完了日の平均で加算（その曜日がまだなければ全完了日の平均）。"
                                "利用が始まった日から数え、本日は実績と同曜日平均の大きい方。"
                                "完了日がまだない場合は本日の実績を経過時間の割合で延長。",
        "overview.where": "処理場所の内訳",
        "overview.place": "処理場所",
        "overview.place.local": "自社（オンプレミス）",
        "overview.place.japan": "国内（日本法の事業者）",
        "overview.place.abroad": "国外（または外国法の事業者）",
        "overview.share": "割合",
        "overview.where_note": "モデルに送られたリクエスト（失敗を含む。拒否されて送られなかったものは除く）。"
                               "国内リージョンでも外国法の事業者は「国外」（個人情報保護法の越境移転の判定と同じ）。",
    },
    "en": {
        "overview.title": "Overview",
        "overview.today": "Today",
        "overview.month": "This month",
        "overview.spend": "Spend",
        "overview.self_hosted": "of which self-hosted (charged back)",
        "overview.requests": "Requests",
        "overview.errors": "Errors",
        "overview.error_rate": "Error rate",
        "overview.latency": "Latency",
        "overview.latency_p50": "Latency p50",
        "overview.latency_p95": "Latency p95",
        "overview.ttft_p50": "Time to first token p50",
        "overview.ttft_p95": "Time to first token p95",
        "overview.answered": "answered",
        "overview.streamed": "streamed",
        "overview.latency_note": "Nearest-rank percentiles over the answered requests (status 200).",
        "overview.sampled": "A busy period: latency figures are of its latest {n} answered requests.",
        "overview.budgets": "Budgets",
        "overview.budget": "Budget",
        "overview.subject": "Subject",
        "overview.limit": "Limit",
        "overview.spent": "Spent",
        "overview.burn": "Burn",
        "overview.state": "State",
        "overview.no_budgets": "No budget applies here.",
        "overview.forecast": "Month-end forecast",
        "overview.forecast_mtd": "Month to date (vendor-billed)",
        "overview.forecast_end": "Forecast at month end",
        "overview.forecast_days": "Complete days observed",
        "overview.forecast_none": "No spend this month yet.",
        "overview.crosses": "would cross",
        "overview.within": "within",
        "overview.method": "Method",
        "overview.method_text": METHOD,  # tenbin forecast's own words
        "overview.where": "Where traffic was served",
        "overview.place": "Place",
        "overview.place.local": "Local (on-prem)",
        "overview.place.japan": "Japan (vendor under Japanese law)",
        "overview.place.abroad": "Abroad (or a vendor under foreign law)",
        "overview.share": "Share",
        "overview.where_note": "Requests sent to a model (failures included; refused ones were sent nowhere). "
                               "A Japanese region run under foreign law counts as abroad (the APPI cross-border test).",
    },
}

PAGE = Page(slug="overview", title="nav.overview", template="overview.html", view=view, messages=MESSAGES)
