"""The routing page: which policy rules chose the models over a period, the complexity tiers and
the models that served, the fallbacks and what caused them — and, for one request id, why it went
where it went, from the trace its ledger row stores.

Figures come from :func:`tenbin.ledger.routes.route_report` (the same function as
``GET /admin/reports/routing``); the "why" view reads one row through
:func:`tenbin.ledger.query.ledger_row` with the caller's team, so a request of another team is
"not found", exactly like an id that does not exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenbin.console.page import Page, PageContext
from tenbin.errors import BadRequest
from tenbin.finops.periods import TOKYO, Period, month, parse_period
from tenbin.ledger.query import ledger_row
from tenbin.ledger.record import from_nanos
from tenbin.ledger.routes import NO_TRACE, policy_rule, route_report

MAX_DAYS = 62  # longest period whose fallbacks are drawn day by day


def period_of(ctx: PageContext) -> Period:
    """``?period=`` (a month, a day or a day range, as ``tenbin costs --period``), else the Tokyo
    month the runtime's clock is in."""
    text = (ctx.query.get("period") or "").strip()
    if not text:
        now = ctx.now.astimezone(TOKYO)
        return month(now.year, now.month)
    try:
        return parse_period(text)
    except ValueError as e:
        raise BadRequest(str(e), param="period") from None


def explain(row: dict[str, Any]) -> dict[str, Any]:
    """What the stored trace says, in the order ``tenbin route --explain`` prints it."""
    route = row.get("route")
    trace: dict[str, Any] = route if isinstance(route, dict) else {}
    facts = trace.get("facts") or {}
    down = trace.get("budget_downgrade") if isinstance(trace.get("budget_downgrade"), dict) else None
    return {
        "request_id": row["request_id"],
        "when": dt.datetime.fromtimestamp(float(row["ts_start"]), TOKYO),
        "team": row["team"], "project": row["project"], "use_case": row["use_case"],
        "requested": trace.get("requested") or row["requested_model"],
        "data_class": trace.get("data_class") or row["data_class"],
        "labels": list(facts.get("labels") or []),
        "chars": facts.get("chars"), "tokens": facts.get("tokens"),
        "reasons": list((trace.get("classifier") or {}).get("reasons") or []),
        "complexity": trace.get("complexity"),
        "has_trace": bool(trace),
        "policy_rule": policy_rule(trace) if trace else NO_TRACE,
        "final_rule": trace.get("rule"),
        "source": trace.get("source"),
        "missed": [list(m) for m in trace.get("missed") or []],
        "action": trace.get("action"),
        "constraints": list(trace.get("constraints") or []),
        "eligible": list(trace.get("eligible") or []),
        "rejected": [list(r) for r in trace.get("rejected") or []],
        "demoted": list(trace.get("demoted") or []),
        "chosen": trace.get("chosen"),
        "unmasked": list(trace.get("unmasked") or []),
        "max_cost_jpy": trace.get("max_cost_jpy"),
        "downgrade": down,
        "failed": [dict(a) for a in trace.get("failed") or []],
        "served_model": row["served_model"], "provider": row["provider"], "region": row["region"],
        "status": row["status"], "error_class": row["error_class"], "attempts": row["attempts"],
        "cost_jpy": from_nanos(row["cost_jpy_nanos"]),
        "trace": trace,
    }


async def view(ctx: PageContext) -> dict[str, Any]:
    period = period_of(ctx)
    rep = await route_report(ctx.rt.store, period, ctx.scope)
    rules = sorted(rep.rules.values(), key=lambda ln: (-ln.requests, ln.rule))
    catalog = ctx.rt.catalog
    models = []
    for model_id, n in rep.models.most_common():
        spec = catalog.get(model_id) if model_id != "-" else None
        models.append({"model": model_id, "requests": n, "share": n / rep.requests if rep.requests else 0.0,
                       "provider": spec.provider if spec else None, "region": spec.region if spec else None,
                       "tier": spec.tier if spec else None})
    tiers = [{"tier": t, "requests": n, "share": n / rep.requests if rep.requests else 0.0}
             for t, n in rep.tiers.most_common()]
    causes = [{"model": m, "error": e, "attempts": n}
              for (m, e), n in sorted(rep.causes.items(), key=lambda kv: (-kv[1], kv[0]))]
    # every day of the period (a storm shows against the quiet days), or only the days with fallbacks
    # when the period is too long to draw day by day
    span = period.days() if len(period.days()) <= MAX_DAYS else sorted(rep.fallback_days)
    days = [{"day": d.isoformat(), "fallbacks": rep.fallback_days.get(d, 0)} for d in span] if rep.fallbacks else []
    request_id = (ctx.query.get("request_id") or "").strip()
    why: dict[str, Any] | None = None
    if request_id:
        row = await ledger_row(ctx.rt.store, request_id, ctx.scope)
        why = explain(row) if row is not None else None
    return {
        "period": period.label, "report": rep, "rules": rules, "models": models, "tiers": tiers,
        "causes": causes, "fallback_days": days, "served_by": rep.served_by.most_common(),
        "downgrades": rep.downgrades.most_common(),
        "request_id": request_id, "why": why, "not_found": bool(request_id) and why is None,
    }


MESSAGES = {
    "ja": {
        "routing.title": "ルーティング",
        "routing.when": "日時（日本時間）",
        "routing.team": "チーム / プロジェクト / ユースケース",
        "routing.lead": "どのルールがどのモデルを選んだか、フォールバックとその原因、個々のリクエストの経路。",
        "routing.period": "期間",
        "routing.show": "表示",
        "routing.requests": "リクエスト数",
        "routing.fallbacks": "フォールバックで応答",
        "routing.all_failed": "全モデル失敗",
        "routing.downgraded": "予算による格下げ",
        "routing.rules": "発火したルール",
        "routing.rule": "ルール",
        "routing.errors": "エラー",
        "routing.rerouted": "再ルーティング",
        "routing.cost": "費用",
        "routing.tiers": "複雑度ティア（ルーターの判定）",
        "routing.tier": "ティア",
        "routing.share": "割合",
        "routing.models": "応答したモデル",
        "routing.model": "モデル",
        "routing.provider": "ベンダー",
        "routing.region": "リージョン",
        "routing.none_served": "（応答なし）",
        "routing.causes": "フォールバックの原因",
        "routing.failed_model": "失敗したモデル",
        "routing.error": "エラー種別",
        "routing.attempts": "試行数",
        "routing.served_by": "代わりに応答したモデル",
        "routing.by_day": "日別フォールバック",
        "routing.day": "日付",
        "routing.budget": "予算",
        "routing.why": "このリクエストはなぜそこへ？",
        "routing.request_id": "リクエストID",
        "routing.explain": "経路を表示",
        "routing.not_found": "このIDのリクエストは見つかりません（閲覧できる範囲内）。",
        "routing.no_trace": "ルーティング前に拒否されたため経路の記録はありません。",
        "routing.requested": "要求モデル",
        "routing.data_class": "データ区分",
        "routing.labels": "検出項目",
        "routing.classifier": "分類器",
        "routing.complexity": "複雑度",
        "routing.policy_rule": "選んだルール",
        "routing.final_rule": "最終決定",
        "routing.source": "経路の出所",
        "routing.missed": "一致しなかったルール",
        "routing.action": "機微データの扱い",
        "routing.constraints": "制約",
        "routing.eligible": "制約を満たすモデル",
        "routing.rejected": "除外された候補",
        "routing.why_rejected": "理由",
        "routing.demoted": "後回しにされた候補",
        "routing.chosen": "選ばれたモデル",
        "routing.unmasked": "マスクなしで送れるモデル",
        "routing.max_cost": "上限費用",
        "routing.downgrade": "予算による格下げ",
        "routing.failed": "失敗した試行",
        "routing.served": "応答したモデル",
        "routing.status": "ステータス",
        "routing.trace": "保存されたトレース（JSON）",
        "routing.empty": "この期間のリクエストはありません。",
    },
    "en": {
        "routing.title": "Routing",
        "routing.when": "When (JST)",
        "routing.team": "Team / project / use case",
        "routing.lead": "Which rules chose which models, the fallbacks and their causes, and the path of any request.",
        "routing.period": "Period",
        "routing.show": "Show",
        "routing.requests": "Requests",
        "routing.fallbacks": "Answered by a fallback",
        "routing.all_failed": "Every model failed",
        "routing.downgraded": "Downgraded by a budget",
        "routing.rules": "Rules that fired",
        "routing.rule": "Rule",
        "routing.errors": "Errors",
        "routing.rerouted": "Rerouted",
        "routing.cost": "Cost",
        "routing.tiers": "Complexity tiers (the router's reading)",
        "routing.tier": "Tier",
        "routing.share": "Share",
        "routing.models": "Models that answered",
        "routing.model": "Model",
        "routing.provider": "Vendor",
        "routing.region": "Region",
        "routing.none_served": "(none served)",
        "routing.causes": "Fallback causes",
        "routing.failed_model": "Model that failed",
        "routing.error": "Error kind",
        "routing.attempts": "Attempts",
        "routing.served_by": "Answered instead by",
        "routing.by_day": "Fallbacks per day",
        "routing.day": "Day",
        "routing.budget": "Budget",
        "routing.why": "Why did this request go there?",
        "routing.request_id": "Request id",
        "routing.explain": "Explain",
        "routing.not_found": "No request with this id (within what you may see).",
        "routing.no_trace": "Refused before routing, so no route was recorded.",
        "routing.requested": "Requested model",
        "routing.data_class": "Data class",
        "routing.labels": "Found",
        "routing.classifier": "Classifier",
        "routing.complexity": "Complexity",
        "routing.policy_rule": "Rule that chose",
        "routing.final_rule": "Final decision",
        "routing.source": "Route source",
        "routing.missed": "Rules that did not match",
        "routing.action": "Sensitive-data action",
        "routing.constraints": "Constraints",
        "routing.eligible": "Models the constraints allow",
        "routing.rejected": "Candidates set aside",
        "routing.why_rejected": "Why",
        "routing.demoted": "Candidates demoted",
        "routing.chosen": "Chosen model",
        "routing.unmasked": "Models that may receive it unmasked",
        "routing.max_cost": "Max cost",
        "routing.downgrade": "Budget downgrade",
        "routing.failed": "Failed attempts",
        "routing.served": "Answered by",
        "routing.status": "Status",
        "routing.trace": "Stored trace (JSON)",
        "routing.empty": "No requests in this period.",
    },
}

PAGE = Page(slug="routing", title="nav.routing", template="routing.html", view=view, messages=MESSAGES)
