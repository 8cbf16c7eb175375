"""Reading ledger rows back: the recent rows of a team, narrowed by model, status, data class, use
case and Tokyo day, and one row by request id.

One function for every reader — ``GET /admin/ledger`` and the console's requests and routing pages
— so a filter means the same thing everywhere and the team scope is applied in one place: a row of
another team is never returned, not even when its request id is asked for by name. Rows are
metadata only (the ledger holds no prompt or answer text); the ``route`` trace is parsed from JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from tenbin.clock import TOKYO
from tenbin.errors import BadRequest

if TYPE_CHECKING:  # store/ imports the usage record this package defines
    from tenbin.store.base import Store

MAX_LIMIT = 1000
STATUS_GROUPS = ("ok", "error")  # 200, anything else


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """What a reader narrows the rows to; ``None`` means no condition."""

    model: str | None = None  # served or requested model id
    status: str | None = None  # "ok", "error" or an HTTP status code
    data_class: str | None = None
    use_case: str | None = None
    day: dt.date | None = None  # a Tokyo calendar day

    @classmethod
    def from_query(cls, q: Mapping[str, str]) -> LedgerFilter:
        """From query parameters (``model``, ``status``, ``data_class``, ``use_case``, ``day``);
        empty values mean no condition, malformed ones are a 400 naming the parameter."""
        def text(name: str) -> str | None:
            v = (q.get(name) or "").strip()
            return v or None

        status = text("status")
        if status is not None and status not in STATUS_GROUPS and not (status.isascii() and status.isdigit()
                                                                       and 100 <= int(status) <= 599):
            raise BadRequest("status must be ok, error or an HTTP status code", param="status")
        day_text = text("day")
        day: dt.date | None = None
        if day_text is not None:
            try:
                day = dt.date.fromisoformat(day_text)
            except ValueError:
                raise BadRequest("day must be a date like 2026-11-20", param="day") from None
        return cls(text("model"), status, text("data_class"), text("use_case"), day)

    def where(self) -> tuple[list[str], list[Any]]:
        conds: list[str] = []
        params: list[Any] = []
        if self.model is not None:
            conds.append("(served_model = ? OR requested_model = ?)")
            params += [self.model, self.model]
        if self.status == "ok":
            conds.append("status = 200")
        elif self.status == "error":
            conds.append("status <> 200")
        elif self.status is not None:
            conds.append("status = ?")
            params.append(int(self.status))
        if self.data_class is not None:
            conds.append("data_class = ?")
            params.append(self.data_class)
        if self.use_case is not None:
            conds.append("use_case = ?")
            params.append(self.use_case)
        if self.day is not None:
            start = dt.datetime.combine(self.day, dt.time(), TOKYO)
            conds.append("ts_start >= ? AND ts_start < ?")
            params += [start.timestamp(), (start + dt.timedelta(days=1)).timestamp()]
        return conds, params


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    if isinstance(row.get("route"), str):
        row["route"] = orjson.loads(row["route"])
    return row


async def ledger_rows(store: Store, team: str | None, limit: int = 100,
                      where: LedgerFilter | None = None) -> list[dict[str, Any]]:
    """The newest rows first, of ``team`` only (``None``: every team — admins)."""
    conds, params = (where or LedgerFilter()).where()
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    sql = "SELECT * FROM usage" + (f" WHERE {' AND '.join(conds)}" if conds else "")
    rows = await store.query(sql + " ORDER BY ts_start DESC LIMIT ?", [*params, max(1, min(limit, MAX_LIMIT))])
    return [_parsed(r) for r in rows]


async def ledger_row(store: Store, request_id: str, team: str | None) -> dict[str, Any] | None:
    """One row by request id, or None when there is none *for this team*: a row of another team
    is answered exactly like a missing one, so an id cannot be probed across teams."""
    conds, params = ["request_id = ?"], [request_id]
    if team is not None:
        conds.append("team = ?")
        params.append(team)
    rows = await store.query(f"SELECT * FROM usage WHERE {' AND '.join(conds)}", params)
    return _parsed(rows[0]) if rows else None


async def distinct_values(store: Store, column: str, team: str | None) -> list[str]:
    """The values a filter can take (for a form's choices), within the team's own rows."""
    if column not in ("served_model", "data_class", "use_case", "status"):
        raise ValueError(f"not a filterable column: {column}")
    where, params = ("WHERE team = ?", [team]) if team is not None else ("", [])
    rows = await store.query(f"SELECT DISTINCT {column} AS v FROM usage {where} ORDER BY 1", params)
    return [str(r["v"]) for r in rows if r["v"] is not None]
