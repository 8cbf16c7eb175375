"""Reading audit entries back for people: ``GET /admin/audit`` and the console's audit page.

One function so the team scope is applied in one place: a team sees the entries recorded under its
team (its requests, and the admin actions on it — ``admin_entry`` files a key change under the team
acted upon, whoever made it); ``None`` is every team (admins).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tenbin.store.base import Store

KINDS = ("request", "admin", "auth")


async def audit_rows(store: Store, team: str | None, *, after_seq: int = 0, limit: int = 100,
                     kind: str | None = None, newest_first: bool = False) -> list[dict[str, Any]]:
    """Entries with ``seq > after_seq`` (oldest first, for paging through the chain), or the
    newest ``limit`` first when ``newest_first``; ``kind`` narrows to one of :data:`KINDS`."""
    conds, params = ["seq > ?"], [after_seq]  # type: list[str], list[Any]
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        conds.append("kind = ?")
        params.append(kind)
    order = "DESC" if newest_first else ""
    return await store.query(
        f"SELECT * FROM audit_log WHERE {' AND '.join(conds)} ORDER BY seq {order} LIMIT ?", [*params, limit])
