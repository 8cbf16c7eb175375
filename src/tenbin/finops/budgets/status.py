"""Where each budget stands this period, for ``tenbin budgets`` and ``GET /admin/budgets``: spend,
what requests in flight hold, thresholds crossed and when, and whether it is downgrading or
blocking and since when. Both read the same stored events (``budget_alerts``, ``budget_actions``),
so every replica's actions show, whichever process answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import orjson

from tenbin.finops.budgets.alerts import RECENT_S, ActionState
from tenbin.finops.budgets.rules import bucket, split_bucket
from tenbin.finops.config import BudgetRule
from tenbin.finops.periods import TOKYO, period_key, period_of_key
from tenbin.ledger.record import from_nanos
from tenbin.store.base import Store


def tokyo_time(ts: float | None) -> str | None:
    return None if ts is None else dt.datetime.fromtimestamp(ts, TOKYO).isoformat(timespec="seconds")


async def stored_events(store: Store, now: float | None = None,
                        ) -> tuple[dict[str, list[tuple[int, float]]], dict[tuple[str, str], ActionState]]:
    """Thresholds sent per bucket (pct, when) and the actions per (bucket, kind); with ``now``,
    only those of the last :data:`RECENT_S` (the current periods' are always among them)."""
    since = 0.0 if now is None else now - RECENT_S
    alerts: dict[str, list[tuple[int, float]]] = {}
    for r in await store.query("SELECT bucket, threshold, ts FROM budget_alerts WHERE ts >= ? ORDER BY threshold",
                               (since,)):
        alerts.setdefault(r["bucket"], []).append((int(r["threshold"]), float(r["ts"])))
    actions = {(r["bucket"], r["kind"]): ActionState(r["budget"], r["bucket"], r["kind"], float(r["since_ts"]),
                                                     float(r["last_ts"]), int(r["count"]), orjson.loads(r["detail"]))
               for r in await store.query(
                   "SELECT bucket, kind, budget, since_ts, last_ts, count, detail FROM budget_actions"
                   " WHERE last_ts >= ?", (since,))}
    return alerts, actions


def _yen(v: Decimal) -> str:
    return str(v.quantize(Decimal("0.01")))


def status_rows(rules: Iterable[BudgetRule], config_names: set[str], spent: Mapping[str, tuple[int, int]],
                alerts: Mapping[str, list[tuple[int, float]]], actions: Mapping[tuple[str, str], ActionState],
                now: float, team: str | None = None) -> list[dict[str, Any]]:
    """One row per budget and subject of the current period (a rule nobody has charged yet gets one
    row for its ``match``, or for ``team`` when a team's view asks). ``spent``: bucket → (settled,
    held) nano-yen. ``team`` keeps only the team rules that apply to that team, and its own row."""
    out: list[dict[str, Any]] = []
    for r in rules:
        if team is not None and not (r.scope == "team" and r.match in ("*", team)):
            continue
        key = period_key(r.period, now)
        subjects = {split_bucket(b)[1] for b in [*spent, *alerts, *(k[0] for k in actions)]
                    if split_bucket(b)[0] == r.name and split_bucket(b)[2] == key}
        if team is not None:
            subjects = {team}
        elif not subjects:
            subjects = {r.match}
        for subject in sorted(subjects):
            b = bucket(r, subject, key)
            used, held = spent.get(b, (0, 0))
            spent_jpy, held_jpy = from_nanos(used), from_nanos(held)
            acting = [a for kind in ("block", "downgrade") if (a := actions.get((b, kind))) is not None]
            if acting:
                state = {"block": "blocking", "downgrade": "downgrading"}[acting[0].kind]
            else:
                state = "ok" if spent_jpy < r.limit_jpy else "over limit" if r.action == "alert" else "exhausted"
            out.append({
                "budget": r.name, "source": "config" if r.name in config_names else "store", "scope": r.scope,
                "match": r.match, "subject": subject, "period": r.period, "period_key": key,
                "resets_at": period_of_key(r.period, key).end.isoformat(timespec="seconds"),
                "limit_jpy": str(r.limit_jpy), "spent_jpy": _yen(spent_jpy), "reserved_jpy": _yen(held_jpy),
                "remaining_jpy": _yen(max(r.limit_jpy - spent_jpy - held_jpy, Decimal(0))),
                "burn_pct": str((spent_jpy / r.limit_jpy * 100).quantize(Decimal("0.1"))),
                "action": r.action, "downgrade_to": r.downgrade_to,
                "state": state,
                "since": tokyo_time(min(a.since for a in acting)) if acting else None,
                "actions": [{"kind": a.kind, "since": tokyo_time(a.since), "last": tokyo_time(a.last),
                             "requests": a.count, "first": a.detail} for a in acting],
                "thresholds_crossed": [{"pct": pct, "at": tokyo_time(ts)} for pct, ts in alerts.get(b, [])],
            })
    return out
