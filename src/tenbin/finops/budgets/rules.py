"""Which budgets a request falls in, their bucket names, where rules are stored, and the spend so
far (from the usage table, so budgets survive restarts)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from tenbin.context import RequestContext
from tenbin.finops.config import BudgetRule
from tenbin.finops.periods import period_key, period_of_key
from tenbin.finops.reports.sql import day_range
from tenbin.ledger.record import to_nanos
from tenbin.store.base import Store

# usage column for each scope (None: every request)
SCOPE_COLUMN: dict[str, str | None] = {
    "team": "team", "project": "project", "key": "key_id", "use_case": "use_case", "all": None,
}


def subject_of(rule: BudgetRule, ctx: RequestContext) -> str | None:
    """The team/project/key/use case this request charges under ``rule``, or None if it does not apply."""
    if rule.scope == "all":
        return "*"
    p = ctx.principal
    value = {"team": p.team, "project": p.project, "key": p.key_id, "use_case": ctx.use_case}[rule.scope]
    if value is None:
        return None
    return value if rule.match in ("*", value) else None


def bucket(rule: BudgetRule, subject: str, key: str) -> str:
    return f"{rule.name}|{subject}|{key}"


def split_bucket(b: str) -> tuple[str, str, str]:
    name, subject, key = b.rsplit("|", 2)
    return name, subject, key


@dataclass(frozen=True, slots=True)
class Compiled:
    rule: BudgetRule
    limit_nanos: int


def compile_rules(rules: Iterable[BudgetRule]) -> list[Compiled]:
    return [Compiled(r, to_nanos(r.limit_jpy)) for r in rules]


# ---- rules stored with `tenbin budgets set` ------------------------------------------------------
async def stored_rules(store: Store) -> list[BudgetRule]:
    rows = await store.query("SELECT rule FROM budgets ORDER BY name")
    return [BudgetRule.model_validate_json(r["rule"]) for r in rows]


async def save_rule(store: Store, rule: BudgetRule) -> None:
    await store.execute(
        "INSERT INTO budgets (name, rule, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
        " SET rule = excluded.rule, updated_at = excluded.updated_at",
        (rule.name, rule.model_dump_json(), time.time()))


async def delete_rule(store: Store, name: str) -> bool:
    return await store.execute("DELETE FROM budgets WHERE name = ?", (name,)) > 0


def merge(config_rules: list[BudgetRule], stored: list[BudgetRule]) -> list[BudgetRule]:
    """Config rules win over stored ones of the same name (config is reviewed like code)."""
    names = {r.name for r in config_rules}
    return [*config_rules, *(r for r in stored if r.name not in names)]


# ---- spend so far --------------------------------------------------------------------------------
async def spend_so_far(store: Store, rules: Iterable[BudgetRule], now: float | None = None) -> dict[str, int]:
    """Settled spend of each rule's current bucket(s), from the usage table: one grouped query per
    (scope, period) pair, whatever the number of rules."""
    now = time.time() if now is None else now
    rules = list(rules)
    out: dict[str, int] = {}
    for scope, kind in {(r.scope, r.period) for r in rules}:
        key = period_key(kind, now)
        p = period_of_key(kind, key)
        col = SCOPE_COLUMN[scope]
        sel = f"{col} AS subject, " if col else "'*' AS subject, "
        grp = f" GROUP BY {col}" if col else ""
        rows = await store.query(
            f"SELECT {sel}sum(cost_jpy_nanos) AS spent FROM usage_daily WHERE day >= ? AND day < ?{grp}",
            day_range(p))
        by_subject = {r["subject"]: int(r["spent"] or 0) for r in rows if r["subject"] not in (None, "")}
        for r in rules:
            if (r.scope, r.period) != (scope, kind):
                continue
            for subject, spent in by_subject.items():
                if r.match in ("*", subject) or scope == "all":
                    out[bucket(r, subject, key)] = spent
    return out
