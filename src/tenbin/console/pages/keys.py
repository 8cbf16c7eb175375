"""The keys page: the team's API keys, and creating, revoking and rotating them.

Reads are ``store.list_keys(scope)`` and writes are ``governance.keyadmin.KeyAdmin`` — what
``/admin/keys`` calls — so the role rules (``governance/roles.py``: admins any team, team-admins
their own team's keys and never broader than their own, viewers nothing) are decided there, for a
forged form as for the API, and every change is audited the same way. The form only offers what
those rules allow; it is not what enforces them. A new key's secret goes back in the flash of the
one response that follows the write (``Flash.secret``), never into the session.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from tenbin.api.edge import check_admin
from tenbin.auth.keys import ROLES
from tenbin.clock import TOKYO
from tenbin.console.page import Flash, Page, PageContext
from tenbin.errors import BadRequest, Forbidden
from tenbin.governance.keyadmin import KeyAdmin, key_view
from tenbin.governance.roles import RANK, require_manageable

MANAGERS = frozenset({"admin", "team-admin"})


def _admin(ctx: PageContext) -> KeyAdmin:
    return KeyAdmin(ctx.rt.keyring, ctx.rt.audit)


def creatable_roles(role: str) -> list[str]:
    """The roles a key of ``role`` may mint (governance.roles: never above its own)."""
    if role not in MANAGERS:
        return []
    return [r for r in ROLES if RANK[r] <= RANK[role]]


def _manageable(ctx: PageContext, team: str, role: str) -> bool:
    try:
        require_manageable(ctx.principal, team, role)
    except Forbidden:
        return False
    return True


def _tokyo(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, TOKYO).strftime("%Y-%m-%d %H:%M")


async def view(ctx: PageContext) -> dict[str, Any]:
    records = await ctx.rt.store.list_keys(ctx.scope)
    keys = []
    for rec in sorted(records, key=lambda r: (r.revoked_at is not None, r.team, -r.created_at, r.id)):
        k = key_view(rec)
        k["manageable"] = rec.revoked_at is None and _manageable(ctx, rec.team, rec.role)
        k["self"] = rec.id == ctx.principal.key_id
        k["created"] = _tokyo(rec.created_at)
        k["revoked"] = _tokyo(rec.revoked_at) if rec.revoked_at is not None else ""
        keys.append(k)
    p = ctx.principal
    return {
        "keys": keys,
        "active": sum(1 for k in keys if k["revoked_at"] is None),
        "can_manage": p.role in MANAGERS,
        "roles": creatable_roles(p.role),
        "team_fixed": None if p.role == "admin" else p.team,
        "default_team": ctx.scope or p.team,
        "default_project": p.project,
    }


def _field(form: Mapping[str, str], name: str) -> str | None:
    v = (form.get(name) or "").strip()
    return v or None


async def create(ctx: PageContext, form: Mapping[str, str]) -> Flash:
    team, project, name = _field(form, "team"), _field(form, "project"), _field(form, "name")
    role = _field(form, "role") or "app"
    models_text = _field(form, "models")
    models = [m.strip() for m in models_text.split(",") if m.strip()] if models_text else None
    body: dict[str, Any] = {"team": team, "project": project, "name": name, "models": models}
    check_admin(body)  # the admin API's bounds on strings that become key columns
    if models is not None and not models:
        raise BadRequest("models must name at least one model id", param="models")
    plaintext, _ = await _admin(ctx).create(ctx.principal, team, project or "default", role, name,
                                              tuple(models) if models else None)
    return Flash("keys.created", secret=plaintext)


async def revoke(ctx: PageContext, form: Mapping[str, str]) -> Flash:
    key_id = _field(form, "key_id")
    if key_id is None:
        raise BadRequest("key_id is required", param="key_id")
    await _admin(ctx).revoke(ctx.principal, key_id)
    return Flash("keys.revoked")


async def rotate(ctx: PageContext, form: Mapping[str, str]) -> Flash:
    key_id = _field(form, "key_id")
    if key_id is None:
        raise BadRequest("key_id is required", param="key_id")
    plaintext, _ = await _admin(ctx).rotate(ctx.principal, key_id)
    return Flash("keys.rotated", secret=plaintext)


MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "keys.title": "APIキー",
        "keys.intro": "チームのAPIキーの一覧と、作成・失効・ローテーション。キーの値は作成時に一度だけ表示されます。",
        "keys.list": "キー一覧",
        "keys.active": "有効なキー",
        "keys.id": "ID",
        "keys.team": "チーム",
        "keys.project": "プロジェクト",
        "keys.role": "ロール",
        "keys.name": "名前",
        "keys.models": "利用できるモデル",
        "keys.models_any": "すべて",
        "keys.created_at": "作成日時",
        "keys.state": "状態",
        "keys.state_active": "有効",
        "keys.state_revoked": "失効",
        "keys.yours": "（ログイン中のキー）",
        "keys.actions": "操作",
        "keys.revoke": "失効",
        "keys.rotate": "ローテーション",
        "keys.create": "キーを作成",
        "keys.create_submit": "作成",
        "keys.models_hint": "モデルIDをカンマ区切りで（空欄: 制限なし。制限付きのキーで作成すると同じ制限）",
        "keys.created": "キーを作成しました。この値は二度と表示されません。今すぐ安全な場所に保存してください。",
        "keys.rotated": "新しいキーを発行し、古いキーを失効させました。この値は二度と表示されません。",
        "keys.revoked": "キーを失効させました。",
        "keys.secret": "新しいキー",
        "keys.read_only": "閲覧権限のため、キーの作成・変更はできません。",
        "keys.none": "キーはありません。",
    },
    "en": {
        "keys.title": "API keys",
        "keys.intro": "Your team's API keys: create, revoke and rotate. A key's secret is shown once, when it is made.",
        "keys.list": "Keys",
        "keys.active": "Active keys",
        "keys.id": "ID",
        "keys.team": "Team",
        "keys.project": "Project",
        "keys.role": "Role",
        "keys.name": "Name",
        "keys.models": "Models allowed",
        "keys.models_any": "any",
        "keys.created_at": "Created",
        "keys.state": "State",
        "keys.state_active": "active",
        "keys.state_revoked": "revoked",
        "keys.yours": "(the key you are logged in with)",
        "keys.actions": "Actions",
        "keys.revoke": "Revoke",
        "keys.rotate": "Rotate",
        "keys.create": "Create a key",
        "keys.create_submit": "Create",
        "keys.models_hint": "model ids, comma separated (empty: any; a restricted key passes on its own restriction)",
        "keys.created": "Key created. Its secret is shown this once: store it somewhere safe now.",
        "keys.rotated": "New key issued and the old one revoked. Its secret is shown this once.",
        "keys.revoked": "Key revoked.",
        "keys.secret": "New key",
        "keys.read_only": "Your key can read only: it cannot create or change keys.",
        "keys.none": "No keys.",
    },
}

PAGE = Page(slug="keys", title="nav.keys", template="keys.html", view=view,
            actions={"create": create, "revoke": revoke, "rotate": rotate}, messages=MESSAGES)
