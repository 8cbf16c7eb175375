"""Budgets: where each budget stands this period (``GET /admin/budgets``' status rows: spend,
reservations in flight, thresholds crossed and when, downgrading or blocking since when), a
burn-down per budget, and — for admins — creating, changing and deleting stored budgets.

The burn-down is ``tenbin costs --period <day>`` per day of the budget's period for its subject,
counting what vendors bill (``vendor_jpy``): a budget counts the ledger's cost, not the
self-hosted charge-back (the guard charges ``cost_jpy`` per request), so its last point is the
status row's settled spend.

A write goes the way ``tenbin budgets set`` / ``rm`` go (finops/budgets/admin.py): the fields
parsed and validated by the same ``budget_rule``, stored with ``save_rule`` / ``delete_rule``, and
the same admin entry (``set_entry`` / ``rm_entry``) in the audit chain — here through the
gateway's own audit writer with the admin's key as the actor (a second writer would fork the
chain). Only admin keys may write; the check is here, on the
server, whatever the page showed. Config budgets are changed in the config file (config wins over
a stored rule of the same name, so storing one would change nothing and say it had).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from tenbin.console.figures import daily_reports, line_of, tokyo_today
from tenbin.console.page import Flash, Page, PageContext
from tenbin.errors import BadRequest, NotFound
from tenbin.finops.budgets.admin import budget_rule, rm_entry, set_entry
from tenbin.finops.budgets.rules import delete_rule, save_rule
from tenbin.finops.config import BudgetRule
from tenbin.finops.periods import Period, period_of_key
from tenbin.finops.reports.costs import Report
from tenbin.governance.roles import require_admin

#: The cost-report dimension each budget scope counts by (None: every request).
SCOPE_DIMS: dict[str, str | None] = {"team": "team", "project": "project", "key": "key", "use_case": "use-case",
                                     "all": None}


def burn_down(row: dict[str, Any], days: list[tuple[dt.date, Report]], dim: str | None) -> list[dict[str, Any]]:
    """Per day of the budget's current period: that day's billed spend for its subject, the
    running total (month budgets; a day budget's period is one day) and what is left."""
    limit = Decimal(row["limit_jpy"])
    cumulative = Decimal(0)
    out = []
    for d, report in days:
        if dim is None:
            spent = report.total.vendor_jpy
        else:
            ln = line_of(report, (row["subject"],))
            spent = ln.vendor_jpy if ln is not None else Decimal(0)
        cumulative = cumulative + spent if row["period"] == "month" else spent
        out.append({"day": d.isoformat(), "spent_jpy": spent, "cumulative_jpy": cumulative,
                    "remaining_jpy": max(limit - cumulative, Decimal(0))})
    return out


def _shown_days(row: dict[str, Any]) -> Period:
    """The days a burn-down shows: a month budget's month; for a day budget the month its day is
    in, one point per day (which days came near the limit, and which crossed it)."""
    return period_of_key("month", row["period_key"][:7])


async def view(ctx: PageContext) -> dict[str, Any]:
    fo = ctx.rt.finops
    rows = await fo.status(ctx.scope) if fo is not None else []
    today = tokyo_today(ctx.now)
    cache: dict[tuple[str | None, str], list[tuple[dt.date, Report]]] = {}
    budgets = []
    for row in rows:
        dim = SCOPE_DIMS[row["scope"]]
        p = _shown_days(row)
        k = (dim, p.label)
        if k not in cache:
            cache[k] = await daily_reports(ctx.rt, p, [dim or "team"], ctx.scope, today)
        limit = Decimal(row["limit_jpy"])
        budgets.append({**row, "limit": limit, "spent": Decimal(row["spent_jpy"]),
                        "reserved": Decimal(row["reserved_jpy"]), "remaining": Decimal(row["remaining_jpy"]),
                        "threshold_jpy": [(t, limit * t / 100) for t in _thresholds(fo, row["budget"])],
                        "burn_down": burn_down(row, cache[k], dim)})
    admin = ctx.principal.role == "admin"
    stored = [r for r in fo.rules if not fo.config_budget(r.name)] if fo is not None and admin else []
    edit = next((r for r in stored if r.name == ctx.query.get("edit")), None)
    return {
        "budgets": budgets, "acting": [b for b in budgets if b["state"] in ("blocking",
                                                                                             "downgrading")],
        "can_edit": admin and fo is not None, "stored": stored,
        "form": _form_values(edit), "editing": edit is not None,
        "models": sorted(m.id for m in ctx.rt.catalog) if admin else [],
    }


def _thresholds(fo: Any, name: str) -> tuple[int, ...]:
    rule = next((r for r in fo.rules if r.name == name), None)
    return rule.thresholds if rule is not None else ()


def _form_values(rule: BudgetRule | None) -> dict[str, str]:
    if rule is None:
        return {"name": "", "scope": "team", "match": "*", "period": "month", "limit_jpy": "", "action": "block",
                "downgrade_to": "", "thresholds": "50,80,100", "webhook": ""}
    return {"name": rule.name, "scope": rule.scope, "match": rule.match, "period": rule.period,
            "limit_jpy": str(rule.limit_jpy), "action": rule.action, "downgrade_to": rule.downgrade_to or "",
            "thresholds": ",".join(str(t) for t in rule.thresholds), "webhook": rule.webhook or ""}


def rule_from_form(form: Mapping[str, str]) -> BudgetRule:
    """The rule ``tenbin budgets set NAME --limit … --scope … …`` would store for these fields."""
    try:
        return budget_rule(form)
    except ValueError as e:
        raise BadRequest(f"budget: {_reason(e)}") from None


def _reason(e: ValueError) -> str:
    if isinstance(e, ValidationError):
        return "; ".join(f"{'.'.join(str(x) for x in err['loc']) or 'budget'}: {err['msg']}" for err in e.errors())
    return str(e)


def _writable(ctx: PageContext, name: str) -> Any:
    require_admin(ctx.principal)  # on the server: a viewer's or team admin's POST stops here
    fo = ctx.rt.finops
    if fo is None:
        raise BadRequest("FinOps is not enabled on this gateway; budgets cannot be enforced")
    if fo.config_budget(name):
        raise BadRequest(f"budget {name!r} is defined in the config file; change it there")
    return fo


def _say(ctx: PageContext, key: str, **kw: str) -> str:
    return MESSAGES.get(ctx.lang, MESSAGES["en"])[key].format(**kw)


async def set_budget(ctx: PageContext, form: Mapping[str, str]) -> Flash:
    require_admin(ctx.principal)
    rule = rule_from_form(form)
    fo = _writable(ctx, rule.name)
    if rule.downgrade_to and rule.downgrade_to not in ctx.rt.catalog:
        raise BadRequest(f"downgrade_to: unknown model {rule.downgrade_to!r}", param="downgrade_to")
    await save_rule(ctx.rt.store, rule)
    if ctx.rt.audit is not None:  # the entry `tenbin budgets set` writes, with this admin as the actor
        ctx.rt.audit.admin(ctx.principal, **set_entry(rule))
        await ctx.rt.audit.flush()
    await fo.refresh()  # in force now on this replica; others pick it up on their next refresh
    return Flash(_say(ctx, "budgets.saved", name=rule.name))


async def remove_budget(ctx: PageContext, form: Mapping[str, str]) -> Flash:
    require_admin(ctx.principal)
    name = (form.get("name") or "").strip()
    fo = _writable(ctx, name)
    if not await delete_rule(ctx.rt.store, name):
        raise NotFound(f"no stored budget named {name!r}")
    if ctx.rt.audit is not None:
        ctx.rt.audit.admin(ctx.principal, **rm_entry(name))
        await ctx.rt.audit.flush()
    await fo.refresh()
    return Flash(_say(ctx, "budgets.removed", name=name))


MESSAGES = {
    "ja": {
        "budgets.title": "予算",
        "budgets.acting": "現在、制限中の予算",
        "budgets.acting_none": "現在、ダウングレードやブロックを行っている予算はありません。",
        "budgets.status": "予算の状況",
        "budgets.budget": "予算名",
        "budgets.source": "定義元",
        "budgets.source.config": "設定ファイル",
        "budgets.source.store": "コンソール/CLI",
        "budgets.scope": "範囲",
        "budgets.subject": "対象",
        "budgets.period": "期間",
        "budgets.limit": "上限",
        "budgets.spent": "使用額",
        "budgets.reserved": "処理中の引当",
        "budgets.remaining": "残額",
        "budgets.burn": "消化率",
        "budgets.action": "超過時の動作",
        "budgets.action.alert": "通知のみ",
        "budgets.action.block": "ブロック",
        "budgets.action.downgrade": "ダウングレード",
        "budgets.state": "状態",
        "budgets.state.ok": "正常",
        "budgets.state.blocking": "ブロック中",
        "budgets.state.downgrading": "ダウングレード中",
        "budgets.state.exhausted": "上限到達",
        "budgets.state.over limit": "上限超過（通知のみ）",
        "budgets.since": "開始時刻",
        "budgets.last": "最新",
        "budgets.affected": "対象リクエスト数",
        "budgets.resets": "リセット",
        "budgets.thresholds": "しきい値",
        "budgets.crossed": "到達したしきい値",
        "budgets.burn_down": "消化推移",
        "budgets.day": "日付",
        "budgets.day_spend": "当日の使用額",
        "budgets.cumulative": "累計",
        "budgets.none": "この範囲に予算はありません。",
        "budgets.burn_note": "日別の使用額はベンダー請求分（tenbin costs の vendor_jpy）。"
                             "予算は自社ホストの按分を含みません。",
        "budgets.edit": "予算の作成・変更（管理者）",
        "budgets.editing": "変更中",
        "budgets.name": "名前",
        "budgets.match": "対象（* はそれぞれ）",
        "budgets.limit_jpy": "上限（円）",
        "budgets.downgrade_to": "ダウングレード先モデル",
        "budgets.thresholds_field": "通知しきい値（%、カンマ区切り）",
        "budgets.webhook": "Webhook URL（任意）",
        "budgets.save": "保存",
        "budgets.remove": "削除",
        "budgets.change": "変更",
        "budgets.stored": "保存済みの予算",
        "budgets.saved": "予算 {name} を保存しました（監査ログに記録）。",
        "budgets.removed": "予算 {name} を削除しました（監査ログに記録）。",
        "budgets.config_note": "設定ファイルの予算は設定ファイルで変更します。",
    },
    "en": {
        "budgets.title": "Budgets",
        "budgets.acting": "Budgets acting now",
        "budgets.acting_none": "No budget is downgrading or blocking requests now.",
        "budgets.status": "Where each budget stands",
        "budgets.budget": "Budget",
        "budgets.source": "Defined in",
        "budgets.source.config": "config file",
        "budgets.source.store": "console/CLI",
        "budgets.scope": "Scope",
        "budgets.subject": "Subject",
        "budgets.period": "Period",
        "budgets.limit": "Limit",
        "budgets.spent": "Spent",
        "budgets.reserved": "Reserved in flight",
        "budgets.remaining": "Remaining",
        "budgets.burn": "Burn",
        "budgets.action": "When exceeded",
        "budgets.action.alert": "alert only",
        "budgets.action.block": "block",
        "budgets.action.downgrade": "downgrade",
        "budgets.state": "State",
        "budgets.state.ok": "ok",
        "budgets.state.blocking": "blocking",
        "budgets.state.downgrading": "downgrading",
        "budgets.state.exhausted": "exhausted",
        "budgets.state.over limit": "over limit (alert only)",
        "budgets.since": "Since",
        "budgets.last": "Latest",
        "budgets.affected": "Requests affected",
        "budgets.resets": "Resets",
        "budgets.thresholds": "Thresholds",
        "budgets.crossed": "Thresholds crossed",
        "budgets.burn_down": "Burn-down",
        "budgets.day": "Day",
        "budgets.day_spend": "Spent that day",
        "budgets.cumulative": "Cumulative",
        "budgets.none": "No budget applies here.",
        "budgets.burn_note": "Daily spend is what vendors bill (tenbin costs' vendor_jpy); budgets do not count the "
                             "self-hosted charge-back.",
        "budgets.edit": "Create or change a budget (admins)",
        "budgets.editing": "Changing",
        "budgets.name": "Name",
        "budgets.match": "Match (* = each)",
        "budgets.limit_jpy": "Limit (JPY)",
        "budgets.downgrade_to": "Downgrade to model",
        "budgets.thresholds_field": "Alert thresholds (%, comma-separated)",
        "budgets.webhook": "Webhook URL (optional)",
        "budgets.save": "Save",
        "budgets.remove": "Delete",
        "budgets.change": "Change",
        "budgets.stored": "Stored budgets",
        "budgets.saved": "Budget {name} saved (recorded in the audit log).",
        "budgets.removed": "Budget {name} deleted (recorded in the audit log).",
        "budgets.config_note": "Budgets from the config file are changed in the config file.",
    },
}

PAGE = Page(slug="budgets", title="nav.budgets", template="budgets.html", view=view,
            actions={"set": set_budget, "remove": remove_budget}, messages=MESSAGES,
            action_roles=frozenset({"admin"}))
