"""The requests page: the newest ledger rows, narrowed by model, status, data class, use case and
Tokyo day — metadata only (who, when, which model, tokens, cost, latency, status, route rule).

Rows are read with ``tenbin.ledger.query.ledger_rows``, the function behind ``GET /admin/ledger``,
with the caller's team. The ledger holds no prompt or answer text. Only when raw retention is on
(``governance.retain_raw``, encrypted in ``audit_raw``) may an **admin** open one request's
retained prompt and answer; each opening is itself recorded in the audit chain (``raw.read``), so
reading personal data leaves the same trail as changing a key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tenbin.console.page import Page, PageContext
from tenbin.finops.periods import TOKYO
from tenbin.ledger.query import LedgerFilter, distinct_values, ledger_row, ledger_rows
from tenbin.ledger.record import from_nanos
from tenbin.ledger.routes import policy_rule

LIMIT = 100


def may_read_raw(ctx: PageContext) -> bool:
    """Raw text exists only under retain_raw, and only admins may open it."""
    return ctx.principal.role == "admin" and ctx.rt.audit is not None and ctx.rt.audit.vault is not None


def _row(r: dict[str, Any]) -> dict[str, Any]:
    route = r.get("route") if isinstance(r.get("route"), dict) else None
    return {"request_id": r["request_id"], "when": dt.datetime.fromtimestamp(float(r["ts_start"]), TOKYO),
            "team": r["team"], "project": r["project"], "use_case": r["use_case"],
            "requested_model": r["requested_model"], "served_model": r["served_model"], "provider": r["provider"],
            "region": r["region"], "status": r["status"], "error_class": r["error_class"],
            "data_class": r["data_class"], "prompt_tokens": r["prompt_tokens"],
            "completion_tokens": r["completion_tokens"], "cost_jpy": from_nanos(r["cost_jpy_nanos"]),
            "latency_ms": r["latency_ms"], "ttft_ms": r["ttft_ms"], "attempts": r["attempts"],
            "stream": bool(r["stream"]), "rule": policy_rule(route) if route else None}


async def _raw(ctx: PageContext, request_id: str) -> dict[str, Any] | None:
    """One retained prompt/answer, opened for an admin and recorded as ``raw.read``."""
    audit = ctx.rt.audit
    if audit is None or audit.vault is None:
        return None
    row = await ledger_row(ctx.rt.store, request_id, ctx.scope)
    if row is None:
        return None
    raw = await ctx.rt.store.query("SELECT * FROM audit_raw WHERE request_id = ?", [request_id])
    if not raw:
        return {"request_id": request_id, "found": False}
    audit.admin(ctx.principal, "raw.read", target=request_id, team=row["team"])
    await audit.flush()
    opened = audit.vault.open(raw[0])
    return {"request_id": request_id, "found": True, "messages": opened.get("messages"),
            "answer": opened.get("answer")}


async def view(ctx: PageContext) -> dict[str, Any]:
    store, team = ctx.rt.store, ctx.scope
    where = LedgerFilter.from_query(ctx.query)
    rows = await ledger_rows(store, team, LIMIT, where)
    raw_id = (ctx.query.get("raw") or "").strip()
    return {
        "rows": [_row(r) for r in rows], "limit": LIMIT,
        "sel": {"model": where.model or "", "status": where.status or "", "data_class": where.data_class or "",
                   "use_case": where.use_case or "", "day": where.day.isoformat() if where.day else ""},
        "choices": {"model": await distinct_values(store, "served_model", team),
                    "data_class": await distinct_values(store, "data_class", team),
                    "use_case": await distinct_values(store, "use_case", team),
                    "status": await distinct_values(store, "status", team)},
        "raw_allowed": may_read_raw(ctx),
        "raw": await _raw(ctx, raw_id) if raw_id and may_read_raw(ctx) else None,
    }


MESSAGES = {
    "ja": {
        "requests.title": "リクエスト",
        "requests.lead": "最近のリクエストの記録（メタデータのみ。プロンプト本文は台帳に保存されません）。",
        "requests.filter": "絞り込み",
        "requests.any": "すべて",
        "requests.apply": "適用",
        "requests.clear": "解除",
        "requests.model": "モデル",
        "requests.status": "ステータス",
        "requests.status_ok": "成功 (200)",
        "requests.status_error": "エラー (200以外)",
        "requests.data_class": "データ区分",
        "requests.use_case": "ユースケース",
        "requests.day": "日付（日本時間）",
        "requests.when": "日時",
        "requests.team": "チーム",
        "requests.project": "プロジェクト",
        "requests.requested": "要求モデル",
        "requests.served": "応答モデル",
        "requests.provider": "ベンダー",
        "requests.region": "リージョン",
        "requests.error": "エラー種別",
        "requests.tokens": "トークン 入/出",
        "requests.tokens_in": "入力トークン",
        "requests.tokens_out": "出力トークン",
        "requests.cost": "費用",
        "requests.latency": "応答 ms",
        "requests.ttft": "最初のトークン (ms)",
        "requests.attempts": "試行",
        "requests.rule": "ルール",
        "requests.id": "リクエストID",
        "requests.why": "経路",
        "requests.shown": "新しい順に最大 {n} 件",
        "requests.none": "条件に合うリクエストはありません。",
        "requests.raw": "保存された本文",
        "requests.raw_open": "本文を開く（監査に記録されます）",
        "requests.raw_short": "本文",
        "requests.raw_missing": "このリクエストの本文は保存されていません（期限切れ、または保存対象外）。",
        "requests.raw_note": "本文の閲覧は raw.read として監査ログに記録されました。",
        "requests.prompt": "プロンプト",
        "requests.answer": "回答",
    },
    "en": {
        "requests.title": "Requests",
        "requests.lead": "Recent requests as the ledger records them (metadata only; the ledger keeps no prompt text).",
        "requests.filter": "Filter",
        "requests.any": "Any",
        "requests.apply": "Apply",
        "requests.clear": "Clear",
        "requests.model": "Model",
        "requests.status": "Status",
        "requests.status_ok": "OK (200)",
        "requests.status_error": "Error (not 200)",
        "requests.data_class": "Data class",
        "requests.use_case": "Use case",
        "requests.day": "Day (JST)",
        "requests.when": "When",
        "requests.team": "Team",
        "requests.project": "Project",
        "requests.requested": "Requested",
        "requests.served": "Served by",
        "requests.provider": "Vendor",
        "requests.region": "Region",
        "requests.error": "Error",
        "requests.tokens": "Tokens (in / out)",
        "requests.tokens_in": "Input tokens",
        "requests.tokens_out": "Output tokens",
        "requests.cost": "Cost",
        "requests.latency": "ms",
        "requests.ttft": "TTFT (ms)",
        "requests.attempts": "Attempts",
        "requests.rule": "Rule",
        "requests.id": "Request id",
        "requests.why": "Route",
        "requests.shown": "Newest first, at most {n}",
        "requests.none": "No request matches.",
        "requests.raw": "Retained text",
        "requests.raw_open": "Open text (recorded in the audit log)",
        "requests.raw_short": "Text",
        "requests.raw_missing": "No text is retained for this request (expired, or not kept).",
        "requests.raw_note": "Opening it was recorded in the audit log as raw.read.",
        "requests.prompt": "Prompt",
        "requests.answer": "Answer",
    },
}

PAGE = Page(slug="requests", title="nav.requests", template="requests.html", view=view, messages=MESSAGES)
