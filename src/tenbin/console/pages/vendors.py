"""The vendor-risk page: spend concentration per vendor, exit readiness, and a what-if replay.

Concentration and exit readiness are ``finops.reports.vendors`` over the cost report (so every yen
matches ``tenbin costs --by provider``); the what-if panel is ``tenbin simulate`` — the same replay
— run through ``finops.replay.bounded`` so a page request stays bounded in days, shapes and
seconds. All three read only the caller's team when the role is not admin (``ctx.scope``). The
what-if is a read: a GET form whose parameters are in the URL, run one at a time per process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenbin.console.page import Page, PageContext
from tenbin.finops.config import FinOpsConfig
from tenbin.finops.periods import TOKYO, Period, month, parse_period
from tenbin.finops.replay.bounded import ReplayTooLarge, bounded_replay
from tenbin.finops.replay.scenario import Scenario, parse_scenario
from tenbin.finops.replay.simulate import ReplayResult
from tenbin.finops.reports.vendors import callable_providers, concentration, exit_readiness, usage_lines
from tenbin.governance.config import GovernanceConfig

KINDS = ("outage", "price")
PCT_RANGE = (-90, 500)
TOP = 20  # rows of the replay's move and gap tables, as the CLI prints
REPLAY_LOCK = "console.vendors.replay"  # Runtime.extras key of the lock that runs one replay at a time


@dataclass(frozen=True, slots=True)
class WhatIf:
    kind: str  # outage | price
    vendor: str
    pct: int  # price change in percent (kind price)

    def scenario(self) -> Scenario:
        if self.kind == "outage":
            return parse_scenario([], [self.vendor], [], None)
        return parse_scenario([f"{self.vendor}:{self.pct:+d}%"], [], [], None)


def period_of(ctx: PageContext) -> Period:
    """``?period=YYYY-MM`` or the Tokyo month of the page's clock."""
    text = (ctx.query.get("period") or "").strip()
    if len(text) == 7:  # a month: the replay is bounded to one
        try:
            return parse_period(text)
        except ValueError:
            pass
    now = ctx.now.astimezone(TOKYO)
    return month(now.year, now.month)


def vendor_names(ctx: PageContext, seen: list[str]) -> list[str]:
    """What the what-if offers: the configured providers and any that served traffic in the period
    (the catalog's other vendors have no traffic an outage or a price could change)."""
    return sorted(set(ctx.rt.cfg.providers) | set(seen))


def whatif_of(ctx: PageContext, vendors: list[str]) -> WhatIf | str | None:
    """The what-if the query asks for, an error message key, or None when none was asked."""
    kind = ctx.query.get("whatif")
    if kind is None:
        return None
    vendor = (ctx.query.get("vendor") or "").strip()
    if kind not in KINDS or vendor not in vendors:
        return "vendors.whatif_bad"
    pct = 0
    if kind == "price":
        try:
            pct = int((ctx.query.get("pct") or "").strip())
        except ValueError:
            return "vendors.whatif_bad_pct"
        if not PCT_RANGE[0] <= pct <= PCT_RANGE[1] or pct == 0:
            return "vendors.whatif_bad_pct"
    return WhatIf(kind, vendor, pct)


def _replay_view(res: ReplayResult) -> dict[str, Any]:
    lines = sorted(res.use_cases.items())
    use_cases = [{"use_case": name or "-", "requests": ln.requests, "before": ln.baseline_jpy,
                  "after": ln.scenario_jpy, "delta": ln.delta_jpy, "moved": ln.moved, "refused": ln.gaps}
                 for name, ln in lines]
    return {
        "scenario": res.scenario, "rows": res.rows, "shapes": res.shapes, "decisions": res.decisions,
        "seconds": res.seconds, "moved": res.moved, "refused": res.refused, "approximate": res.approximate,
        "before": res.baseline_jpy, "after": res.scenario_jpy, "delta": res.delta_jpy,
        "japan_before": res.japan_share(False), "japan_after": res.japan_share(True),
        "unevaluable": list(res.unevaluable), "use_cases": use_cases,
        "moves": [{"from": a, "to": b, "requests": n, "delta": res.move_cost[(a, b)]}
                  for (a, b), n in res.moves.most_common(TOP)],
        "gaps": [{"model": m, "reason": why, "requests": n,
                  "alternatives": sorted(res.alternatives.get((m, why), ()))[:5]}
                 for (m, why), n in res.gaps.most_common(TOP)],
        "chart": {"labels": [name or "-" for name, _ in lines],
                  "before": [float(ln.baseline_jpy) for _, ln in lines],
                  "after": [float(ln.scenario_jpy) for _, ln in lines]},
    }


async def run_whatif(ctx: PageContext, w: WhatIf, period: Period) -> dict[str, Any]:
    """The replay's figures, or ``{"error": text}`` (a bound, a busy replayer, a bad scenario)."""
    lock = ctx.rt.extras.setdefault(REPLAY_LOCK, asyncio.Lock())
    assert isinstance(lock, asyncio.Lock)
    if lock.locked():
        return {"error_key": "vendors.whatif_busy"}
    async with lock:
        try:
            res = await bounded_replay(ctx.rt.store, ctx.rt.cfg, ctx.rt.catalog, w.scenario(), period, ctx.scope)
        except (ValueError, ReplayTooLarge) as e:
            return {"error": str(e)}
    return _replay_view(res)


def register(ctx: PageContext) -> dict[str, dict[str, Any]]:
    """The vendor register beside each vendor's share (what ``/admin/vendors`` lists): the legal
    entity, its country and basis, and the review date an Art. 28(3) check is due by."""
    gov = GovernanceConfig.from_section(ctx.rt.cfg.governance)
    today = ctx.now.astimezone(TOKYO).date()
    out = {}
    for name, v in gov.vendors.items():
        due = v.review_due(gov.review_max_age_days)
        out[name] = {"legal_entity": v.legal_entity, "country": v.country, "legal_basis": v.legal_basis,
                     "review_due": due.isoformat() if due else "-", "overdue": due is not None and due < today}
    return out


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole else Decimal(0)


async def view(ctx: PageContext) -> dict[str, Any]:
    rt = ctx.rt
    period = period_of(ctx)
    fo = FinOpsConfig.from_section(rt.cfg.finops)
    lines = await usage_lines(rt.store, period, ctx.scope, fo.self_hosted)
    conc = concentration(lines)
    ready = exit_readiness(lines, rt.gateway.router.policy, rt.catalog, callable_providers(rt.cfg))
    by_vendor = sorted(ready.by_vendor().items(), key=lambda kv: (-kv[1][2], kv[0]))
    per_vendor = [{"provider": p, "requests": n, "ready_requests": rn, "cost": c, "ready_cost": rc,
                   "request_share": _pct(Decimal(rn), Decimal(n)), "cost_share": _pct(rc, c)}
                  for p, (n, rn, c, rc) in by_vendor]
    vendors = vendor_names(ctx, [v.provider for v in conc.vendors])
    asked = whatif_of(ctx, vendors)
    whatif: dict[str, Any] | None = None
    if isinstance(asked, str):
        whatif = {"error_key": asked}
    elif asked is not None:
        whatif = await run_whatif(ctx, asked, period)
    return {
        "period": period.label,
        "concentration": conc,
        "band": conc.band,
        "share_chart": {"labels": [v.provider for v in conc.vendors],
                        "data": [float(v.cost_jpy) for v in conc.vendors]},
        "exit": ready,
        "exit_vendors": per_vendor,
        "exit_chart": {"labels": [p for p, _ in by_vendor],
                       "ready": [float(rc) for _, (_, _, _, rc) in by_vendor],
                       "not_ready": [float(c - rc) for _, (_, _, c, rc) in by_vendor]},
        "vendors": vendors,
        "register": register(ctx),
        "form": {"whatif": ctx.query.get("whatif") or "outage", "vendor": ctx.query.get("vendor") or "",
                 "pct": ctx.query.get("pct") or "30"},
        "whatif": whatif,
    }


MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "vendors.title": "ベンダーリスク",
        "vendors.intro": ("ベンダーごとの支出の集中度、他ベンダーへ移せるトラフィックの割合（出口準備度）、"
                          "障害や値上げの影響試算。"),
        "vendors.period": "対象期間",
        "vendors.concentration": "支出の集中度",
        "vendors.hhi": "ハーフィンダール・ハーシュマン指数（HHI、支出シェア）",
        "vendors.hhi_requests": "HHI（リクエスト数シェア）",
        "vendors.largest": "最大ベンダーの支出シェア",
        "vendors.hhi_note": ("シェア（%）の二乗和。0〜10,000。1,800 超は高集中、1,000〜1,800 は中程度"
                             "（2023 年米国合併ガイドライン）。"),
        "vendors.band_high": "高集中",
        "vendors.band_moderate": "中程度の集中",
        "vendors.band_low": "低集中",
        "vendors.vendor": "ベンダー",
        "vendors.requests": "リクエスト",
        "vendors.request_share": "リクエストのシェア",
        "vendors.spend": "支出",
        "vendors.spend_share": "支出のシェア",
        "vendors.total": "合計",
        "vendors.country": "法人の国",
        "vendors.legal_basis": "移転の根拠",
        "vendors.review_due": "確認期限",
        "vendors.overdue": "期限切れ",
        "vendors.unregistered": "未登録",
        "vendors.basis_consent": "本人の同意",
        "vendors.basis_equivalent_measures": "基準適合体制",
        "vendors.basis_adequate_country": "委員会が認める国",
        "vendors.basis_entrustment": "委託（国内）",
        "vendors.basis_in_house": "自社内",
        "vendors.none": "この期間の利用はありません。",
        "vendors.exit": "出口準備度",
        "vendors.exit_note": ("各ユースケースが実際に送ったすべてのデータ区分について、現在のルーティング"
                              "ポリシーの主権制約を満たす他ベンダーのモデルが一つ以上あるトラフィックの割合。"
                              "マスキングで免除される制約も適用し、内容に関する条件は成立するものとして"
                              "数えるため、下限値です。"),
        "vendors.exit_requests": "移行可能なリクエストの割合",
        "vendors.exit_spend": "移行可能な支出の割合",
        "vendors.ready_requests": "移行可能なリクエスト",
        "vendors.ready_spend": "移行可能な支出",
        "vendors.not_ready_spend": "移行先のない支出",
        "vendors.team": "チーム",
        "vendors.use_case": "ユースケース",
        "vendors.data_classes": "送ったデータ区分",
        "vendors.alternatives": "準拠する代替モデル",
        "vendors.ready": "移行可能",
        "vendors.yes": "可",
        "vendors.no": "不可（代替なし）",
        "vendors.whatif": "影響試算（what-if リプレイ）",
        "vendors.whatif_note": ("この期間の台帳のメタデータを実際のルーティングで再判定します"
                                "（`tenbin simulate` と同じ計算）。費用は台帳の記録（ベンダーの請求額）で、"
                                "自社ホストモデルの配賦は含みません。"),
        "vendors.whatif_kind": "シナリオ",
        "vendors.whatif_outage": "ベンダー障害",
        "vendors.whatif_price": "価格変更",
        "vendors.whatif_pct": "価格変更（%）",
        "vendors.whatif_run": "試算する",
        "vendors.whatif_bad": "シナリオまたはベンダーが不正です。",
        "vendors.whatif_bad_pct": "価格変更は -90〜500 の 0 以外の整数（%）で指定してください。",
        "vendors.whatif_busy": "別の試算を実行中です。しばらくしてから再度お試しください。",
        "vendors.scenario": "シナリオ",
        "vendors.replayed": "再判定したリクエスト",
        "vendors.moved": "移動したリクエスト",
        "vendors.refused": "移行先のないリクエスト",
        "vendors.approximate": "近似で判定したリクエスト",
        "vendors.cost_before": "費用（台帳）",
        "vendors.cost_after": "費用（シナリオ）",
        "vendors.cost_delta": "差額",
        "vendors.japan_before": "国内処理トークン（前）",
        "vendors.japan_after": "国内処理トークン（後）",
        "vendors.per_use_case": "ユースケース別",
        "vendors.moves": "トラフィックの移動",
        "vendors.from": "移動元",
        "vendors.to": "移動先",
        "vendors.gaps": "継続性のギャップ（適格なモデルなし）",
        "vendors.model": "要求モデル",
        "vendors.reason": "理由",
        "vendors.no_gaps": "ギャップなし：すべてのリクエストに適格なモデルがありました。",
        "vendors.unevaluable": "評価できない条件",
    },
    "en": {
        "vendors.title": "Vendor risk",
        "vendors.intro": ("How concentrated spend is per vendor, how much traffic could move to another vendor "
                          "(exit readiness), and what an outage or a price change would do."),
        "vendors.period": "Period",
        "vendors.concentration": "Spend concentration",
        "vendors.hhi": "Herfindahl–Hirschman index (HHI, spend shares)",
        "vendors.hhi_requests": "HHI (request shares)",
        "vendors.largest": "Largest vendor's share of spend",
        "vendors.hhi_note": ("Sum of the squared percentage shares, 0 to 10,000. Above 1,800 is highly "
                             "concentrated, 1,000 to 1,800 moderately (2023 US Merger Guidelines)."),
        "vendors.band_high": "highly concentrated",
        "vendors.band_moderate": "moderately concentrated",
        "vendors.band_low": "unconcentrated",
        "vendors.vendor": "Vendor",
        "vendors.requests": "Requests",
        "vendors.request_share": "Share of requests",
        "vendors.spend": "Spend",
        "vendors.spend_share": "Share of spend",
        "vendors.total": "Total",
        "vendors.country": "Entity country",
        "vendors.legal_basis": "Transfer basis",
        "vendors.review_due": "Review due",
        "vendors.overdue": "overdue",
        "vendors.unregistered": "not in the register",
        "vendors.basis_consent": "consent",
        "vendors.basis_equivalent_measures": "equivalent measures",
        "vendors.basis_adequate_country": "adequate country",
        "vendors.basis_entrustment": "entrustment (domestic)",
        "vendors.basis_in_house": "in house",
        "vendors.none": "No usage in this period.",
        "vendors.exit": "Exit readiness",
        "vendors.exit_note": ("Share of traffic whose use case has at least one model of another vendor that "
                              "the current routing policy's sovereignty constraints allow for every data class "
                              "the use case sent. Constraints waived for masked data still count and conditions "
                              "on content are taken to hold, so this is a lower bound."),
        "vendors.exit_requests": "Share of requests ready to move",
        "vendors.exit_spend": "Share of spend ready to move",
        "vendors.ready_requests": "Requests ready",
        "vendors.ready_spend": "Spend ready",
        "vendors.not_ready_spend": "Spend with no alternative",
        "vendors.team": "Team",
        "vendors.use_case": "Use case",
        "vendors.data_classes": "Data classes sent",
        "vendors.alternatives": "Compliant alternatives",
        "vendors.ready": "Ready",
        "vendors.yes": "yes",
        "vendors.no": "no (no alternative)",
        "vendors.whatif": "What-if (replay)",
        "vendors.whatif_note": ("Replays this period's ledger metadata through the real routing (the same "
                                "computation as `tenbin simulate`). Costs are the ledger's (what vendors bill), "
                                "without the self-hosted charge-back."),
        "vendors.whatif_kind": "Scenario",
        "vendors.whatif_outage": "Vendor outage",
        "vendors.whatif_price": "Price change",
        "vendors.whatif_pct": "Price change (%)",
        "vendors.whatif_run": "Run",
        "vendors.whatif_bad": "Unknown scenario or vendor.",
        "vendors.whatif_bad_pct": "Give the price change as a whole percentage from -90 to 500, not 0.",
        "vendors.whatif_busy": "Another what-if is running; try again in a moment.",
        "vendors.scenario": "Scenario",
        "vendors.replayed": "Requests replayed",
        "vendors.moved": "Requests moved",
        "vendors.refused": "Requests with no eligible model",
        "vendors.approximate": "Requests decided approximately",
        "vendors.cost_before": "Cost (ledger)",
        "vendors.cost_after": "Cost (scenario)",
        "vendors.cost_delta": "Delta",
        "vendors.japan_before": "Tokens processed in Japan (before)",
        "vendors.japan_after": "Tokens processed in Japan (after)",
        "vendors.per_use_case": "Per use case",
        "vendors.moves": "Traffic moves",
        "vendors.from": "From",
        "vendors.to": "To",
        "vendors.gaps": "Continuity gaps (no eligible model)",
        "vendors.model": "Requested model",
        "vendors.reason": "Reason",
        "vendors.no_gaps": "No continuity gaps: every request had an eligible model.",
        "vendors.unevaluable": "Not evaluable",
    },
}

PAGE = Page(slug="vendors", title="nav.vendors", template="vendors.html", view=view, messages=MESSAGES)
