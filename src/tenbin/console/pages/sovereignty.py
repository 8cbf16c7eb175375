"""The sovereignty page: where data went. A data class × destination matrix (vendor, jurisdiction,
region; abroad marked), personal data sent abroad masked vs unmasked, and the APPI Art. 28/29
record of the period joined with the vendor register.

Every figure is one of the auditor's reports, called exactly as ``/admin/reports/processing``,
``/admin/reports/cross-border`` and ``/admin/reports/appi`` (and ``tenbin audit report``) call
them: ``governance.reports.processing``, ``reports.cross_border`` and ``appi.appi_report``, for the
caller's team only. Nothing is recounted here; a destination is "abroad" when the cross-border
report lists it.
"""

from __future__ import annotations

import re
from typing import Any

from tenbin.console.page import Page, PageContext
from tenbin.errors import BadRequest
from tenbin.governance import reports
from tenbin.governance.appi import ITEM_JA, appi_report, periods_with_transfers
from tenbin.governance.config import GovernanceConfig
from tenbin.governance.period import JST

ALL = "all"
_MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")


def period_of(ctx: PageContext) -> str | None:
    """``?period=YYYY-MM`` (a JST month, as the reports take it) or ``all``; by default the JST
    month of the runtime's clock. ``None`` means every month, as the reports' own default."""
    text = (ctx.query.get("period") or "").strip()
    if text == ALL:
        return None
    if not text:
        return ctx.now.astimezone(JST).strftime("%Y-%m")
    if not _MONTH.match(text):
        raise BadRequest("period must be a month like 2026-11, or all", param="period")
    return text


async def view(ctx: PageContext) -> dict[str, Any]:
    store, team = ctx.rt.store, ctx.scope
    if ctx.rt.audit is not None:  # as the admin API: reads include every entry queued so far
        await ctx.rt.audit.flush()
    period = period_of(ctx)
    processing = await reports.processing(store, period, team)
    cross = await reports.cross_border(store, period, team)
    gov = GovernanceConfig.from_section(ctx.rt.cfg.governance)
    appi = await appi_report(store, gov, period, team)
    abroad = {(r.provider, r.jurisdiction, r.region) for r in cross}
    classes = sorted({c for v in processing for c in v["data_classes"]})
    matrix = [{"provider": v["provider"], "jurisdiction": v["jurisdiction"], "region": v["region"],
               "abroad": (v["provider"], v["jurisdiction"], v["region"]) in abroad, "requests": v["requests"],
               "cells": [int(v["data_classes"].get(c, 0)) for c in classes]} for v in processing]
    # masked vs unmasked personal data abroad, per vendor (the cross-border rows are per team too)
    by_vendor: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in cross:
        k = (r.provider, r.jurisdiction, r.region)
        v = by_vendor.setdefault(k, {"provider": r.provider, "jurisdiction": r.jurisdiction, "region": r.region,
                                     "requests": 0, "personal": 0, "special_care": 0, "masked": 0})
        v["requests"] += r.requests
        v["personal"] += r.personal
        v["special_care"] += r.special_care
        v["masked"] += r.personal_masked
    masking = [{**v, "unmasked": v["personal"] - v["masked"]} for _, v in sorted(by_vendor.items())]
    totals = {"requests": sum(v["requests"] for v in masking), "personal": sum(v["personal"] for v in masking),
              "masked": sum(v["masked"] for v in masking), "unmasked": sum(v["unmasked"] for v in masking),
              "special_care": sum(v["special_care"] for v in masking)}
    months = await periods_with_transfers(store, team)
    return {
        "period": period or ALL, "months": months, "classes": classes, "matrix": matrix,
        "cross_border": [r.as_dict() for r in cross], "masking": masking, "totals": totals,
        "appi": appi.rows, "appi_warnings": appi.warnings, "appi_periods": appi.periods,
        "review_max_age_days": appi.review_max_age_days, "item_ja": ITEM_JA,
    }


MESSAGES = {
    "ja": {
        "sovereignty.title": "データ主権",
        "sovereignty.lead": "どの区分のデータがどの国・管轄のベンダーへ送られたか（監査ログから集計）。",
        "sovereignty.period": "期間（日本時間の月）",
        "sovereignty.all": "全期間",
        "sovereignty.show": "表示",
        "sovereignty.matrix": "データ区分 × 送信先",
        "sovereignty.vendor": "ベンダー",
        "sovereignty.jurisdiction": "管轄",
        "sovereignty.region": "処理リージョン",
        "sovereignty.abroad": "国外移転",
        "sovereignty.domestic": "国内",
        "sovereignty.requests": "リクエスト数",
        "sovereignty.masking": "国外へ送られた個人データ：マスクあり／なし",
        "sovereignty.personal": "個人データ",
        "sovereignty.special_care": "要配慮個人情報",
        "sovereignty.masked": "マスクあり",
        "sovereignty.unmasked": "マスクなし",
        "sovereignty.total": "合計",
        "sovereignty.by_team": "チーム別の国外移転",
        "sovereignty.team": "チーム",
        "sovereignty.by_rule": "ルール別（個人データ）",
        "sovereignty.appi": "個人情報保護法 第28条・第29条の記録",
        "sovereignty.month": "月",
        "sovereignty.entity": "提供先の法人",
        "sovereignty.country": "国",
        "sovereignty.basis": "根拠",
        "sovereignty.last_review": "最終確認日",
        "sovereignty.review_due": "次回確認期限",
        "sovereignty.transfers": "移転件数",
        "sovereignty.items": "個人データの項目",
        "sovereignty.use_cases": "利用目的（ユースケース）",
        "sovereignty.not_registered": "（台帳に未登録）",
        "sovereignty.warnings": "要対応",
        "sovereignty.empty": "この期間の記録はありません。",
    },
    "en": {
        "sovereignty.title": "Sovereignty",
        "sovereignty.lead": "Which classes of data went to vendors in which country and jurisdiction (audit log).",
        "sovereignty.period": "Period (JST month)",
        "sovereignty.all": "All time",
        "sovereignty.show": "Show",
        "sovereignty.matrix": "Data class × destination",
        "sovereignty.vendor": "Vendor",
        "sovereignty.jurisdiction": "Jurisdiction",
        "sovereignty.region": "Processing region",
        "sovereignty.abroad": "Abroad",
        "sovereignty.domestic": "Domestic",
        "sovereignty.requests": "Requests",
        "sovereignty.masking": "Personal data sent abroad: masked vs unmasked",
        "sovereignty.personal": "Personal",
        "sovereignty.special_care": "Special care",
        "sovereignty.masked": "Masked",
        "sovereignty.unmasked": "Unmasked",
        "sovereignty.total": "Total",
        "sovereignty.by_team": "Transfers abroad by team",
        "sovereignty.team": "Team",
        "sovereignty.by_rule": "By rule (personal)",
        "sovereignty.appi": "APPI Art. 28/29 record",
        "sovereignty.month": "Month",
        "sovereignty.entity": "Recipient legal entity",
        "sovereignty.country": "Country",
        "sovereignty.basis": "Legal basis",
        "sovereignty.last_review": "Last review",
        "sovereignty.review_due": "Review due",
        "sovereignty.transfers": "Transfers",
        "sovereignty.items": "Items of personal data",
        "sovereignty.use_cases": "Purposes (use cases)",
        "sovereignty.not_registered": "(not in the register)",
        "sovereignty.warnings": "To act on",
        "sovereignty.empty": "Nothing recorded in this period.",
    },
}

PAGE = Page(slug="sovereignty", title="nav.sovereignty", template="sovereignty.html", view=view,
            messages=MESSAGES)
