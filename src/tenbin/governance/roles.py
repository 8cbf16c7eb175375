"""Who may see and change what on the admin API. Pure functions over a Principal, so every route
asks the same questions and the rules can be read in one screen.

- ``admin``: everything, every team.
- ``team-admin``: own team's data; creates, rotates and revokes own team's keys, never ``admin``
  keys, and never a key broader than its own: no higher role, no other team, and when its key is
  restricted to some models, only keys restricted to (a subset of) those models.
- ``viewer``: reads own team's data only.
- ``app``: calls models; no admin API at all.

The team always comes from the key (``Principal.team``); a ``team`` query parameter can only
narrow an admin's view, and naming another team with a non-admin key is refused, not ignored,
so a misconfigured client finds out.
"""

from __future__ import annotations

from tenbin.context import Principal
from tenbin.errors import Forbidden

CONSOLE_ROLES = frozenset({"admin", "team-admin", "viewer"})
RANK = {"app": 0, "viewer": 1, "team-admin": 2, "admin": 3}


def require_console(p: Principal) -> None:
    if p.role not in CONSOLE_ROLES:
        raise Forbidden(f"API keys with role '{p.role}' can only call models; the admin API needs an admin, "
                        "team-admin or viewer key.", code="insufficient_role")


def require_admin(p: Principal) -> None:
    require_console(p)
    if p.role != "admin":
        raise Forbidden("This endpoint needs an admin key.", code="insufficient_role")


def read_scope(p: Principal, team: str | None) -> str | None:
    """The team whose data ``p`` may read (None: all teams, admins only)."""
    require_console(p)
    if p.role == "admin":
        return team
    if team is not None and team != p.team:
        raise Forbidden(f"Your key belongs to team '{p.team}' and cannot read team '{team}'.",
                        code="cross_tenant", param="team")
    return p.team


def require_key_manager(p: Principal, team: str) -> None:
    """May ``p`` create/rotate/revoke keys of ``team``?"""
    require_console(p)
    if p.role == "admin":
        return
    if p.role != "team-admin":
        raise Forbidden("Managing keys needs an admin or team-admin key.", code="insufficient_role")
    if team != p.team:
        raise Forbidden(f"Your key belongs to team '{p.team}' and cannot manage keys of team '{team}'.",
                        code="cross_tenant", param="team")


def require_manageable(p: Principal, team: str, role: str) -> None:
    """May ``p`` revoke or rotate an existing key of ``team`` with ``role``? Never one of a higher role."""
    require_key_manager(p, team)
    if RANK.get(role, 99) > RANK[p.role]:
        raise Forbidden(f"A {p.role} key cannot manage a key with role '{role}'.", code="insufficient_role")


def assignable_models(p: Principal, role: str, models: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The models a key ``p`` mints may use: refused when the role or the models are broader than
    ``p``'s own. A restricted minter that names no models gives the new key its own restriction."""
    if p.role == "admin":
        return models
    if RANK.get(role, 99) > RANK[p.role]:
        what = "admin keys" if role == "admin" else f"keys with role '{role}'"
        raise Forbidden(f"Only admins can create {what}.", code="insufficient_role", param="role")
    if p.allowed_models is None:
        return models
    if models is None:
        return p.allowed_models
    outside = [m for m in models if m not in p.allowed_models]
    if outside:
        raise Forbidden(f"Your key may only use {', '.join(p.allowed_models)}; it cannot create a key for "
                        f"{', '.join(outside)}.", code="insufficient_role", param="models")
    return models

