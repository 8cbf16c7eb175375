"""The audit page: is the hash chain intact, what is its head (the checkpoint to publish outside
this database), and which admin actions were recorded — keys created, rotated and revoked,
budgets changed, the configuration loaded and reloaded.

The chain check and the head are what ``/admin/audit/verify`` and ``/admin/audit/checkpoint``
(and ``tenbin audit verify`` / ``checkpoint``) return — ``governance.verify.verify_store`` and
``head`` — and, as there, for admins only: the chain spans every team. The admin actions are read
with ``governance.audit_read.audit_rows``, the function behind ``/admin/audit``, for the caller's
team only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from tenbin.console.page import Page, PageContext
from tenbin.governance.audit_read import audit_rows
from tenbin.governance.period import JST
from tenbin.governance.verify import head, verify_store

RECENT = 50
#: Longest chain verified on every view of the page. Verifying costs ~50 µs an entry (SQLite, one
#: core): the demo's ~1,000 entries take ~55 ms, a million would take close to a minute — so a
#: longer chain is verified when the admin asks (``?verify=1``, the page's button), not on each view.
AUTO_VERIFY_MAX = 20_000


def _short(v: Any) -> str:
    """A detail value for a table cell: a config or key hash shortened to its first 16 digits."""
    text = v if isinstance(v, str) else orjson.dumps(v).decode()
    return text[:16] + "…" if len(text) > 40 else text


def _action(row: dict[str, Any]) -> dict[str, Any]:
    detail = orjson.loads(row["detail"]) if row.get("detail") else {}
    return {"seq": row["seq"], "when": dt.datetime.fromtimestamp(int(row["ts_us"]) / 1_000_000, JST),
            "action": row["action"], "key_id": row["key_id"], "role": row["role"], "team": row["team"],
            "actor_team": detail.pop("actor_team", None) if isinstance(detail, dict) else None,
            "target": row["target"], "detail": detail,
            "detail_text": ", ".join(f"{k}={_short(v)}" for k, v in detail.items()) if isinstance(detail, dict) else ""}


async def view(ctx: PageContext) -> dict[str, Any]:
    store = ctx.rt.store
    if ctx.rt.audit is not None:  # as the admin API: reads include every entry queued so far
        await ctx.rt.audit.flush()
    out: dict[str, Any] = {"enabled": ctx.rt.audit is not None, "is_admin": ctx.principal.role == "admin"}
    if out["is_admin"]:
        seq, h = await head(store)
        out.update(checkpoint={"seq": seq, "hash": h}, verify=None, auto_verify_max=AUTO_VERIFY_MAX)
        if seq <= AUTO_VERIFY_MAX or ctx.query.get("verify") == "1":
            res = await verify_store(store)
            broken = None if res.broken is None else {"seq": res.broken.seq, "reason": res.broken.reason}
            out["verify"] = {"ok": res.ok, "checked": res.checked, "head_seq": res.head_seq,
                             "head_hash": res.head_hash, "purged_through": res.purged_through, "broken": broken}
    rows = await audit_rows(store, ctx.scope, kind="admin", limit=RECENT, newest_first=True)
    out["actions"] = [_action(r) for r in rows]
    return out


MESSAGES = {
    "ja": {
        "audit.title": "監査ログ",
        "audit.lead": "改ざん検知のためのハッシュチェーンと、記録された管理操作。",
        "audit.disabled": "監査ログは無効です（governance.audit: false）。",
        "audit.chain": "チェーンの検証",
        "audit.ok": "正常",
        "audit.broken": "破損",
        "audit.checked": "検証した件数",
        "audit.head_seq": "先頭の連番",
        "audit.head_hash": "先頭のハッシュ",
        "audit.purged": "保存期間により削除済み（封印あり）",
        "audit.broken_at": "最初の破損箇所",
        "audit.checkpoint": "チェックポイント（このデータベースの外に公開する値）",
        "audit.admins_only": "チェーンの検証とチェックポイントは全チームにまたがるため、管理者のみ表示されます。",
        "audit.long_chain": "チェーンが {n} 件を超えるため、表示のたびには検証しません。",
        "audit.verify_now": "今すぐ検証",
        "audit.actions": "最近の管理操作",
        "audit.seq": "連番",
        "audit.when": "日時（日本時間）",
        "audit.action": "操作",
        "audit.actor": "実行したキー",
        "audit.role": "ロール",
        "audit.team": "対象チーム",
        "audit.actor_team": "実行者のチーム",
        "audit.target": "対象",
        "audit.detail": "詳細",
        "audit.none": "管理操作の記録はありません。",
    },
    "en": {
        "audit.title": "Audit",
        "audit.lead": "The tamper-evident hash chain and the admin actions it records.",
        "audit.disabled": "The audit log is off (governance.audit: false).",
        "audit.chain": "Chain verification",
        "audit.ok": "OK",
        "audit.broken": "BROKEN",
        "audit.checked": "Entries verified",
        "audit.head_seq": "Head seq",
        "audit.head_hash": "Head hash",
        "audit.purged": "Dropped by retention (sealed) through seq",
        "audit.broken_at": "First broken link",
        "audit.checkpoint": "Checkpoint (publish it outside this database)",
        "audit.admins_only": "The chain check and checkpoint span every team, so only admins see them.",
        "audit.long_chain": "The chain is longer than {n} entries, so it is not verified on every view.",
        "audit.verify_now": "Verify now",
        "audit.actions": "Recent admin actions",
        "audit.seq": "Seq",
        "audit.when": "When (JST)",
        "audit.action": "Action",
        "audit.actor": "Key",
        "audit.role": "Role",
        "audit.team": "Team acted on",
        "audit.actor_team": "Actor's team",
        "audit.target": "Target",
        "audit.detail": "Detail",
        "audit.none": "No admin actions recorded.",
    },
}

PAGE = Page(slug="audit", title="nav.audit", template="audit.html", view=view, messages=MESSAGES)
