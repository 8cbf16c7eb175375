"""The SQLite ledger's daily rollup (``usage_daily``, sqlite_0004), kept once per batch.

Until sqlite_0014 a trigger ran one upsert into ``usage_daily`` for every inserted row: ~14 k of
the ~86 k instructions a row cost the store thread (256-row batch under callgrind). Now the
ledger insert (``SQLiteStore.insert_usage``) reads the largest rowid before it inserts and, in
the same transaction, adds the rows above it — exactly the rows this insert stored, since a
conflicting row (``ON CONFLICT (request_id) DO NOTHING``) is not stored and every stored one gets a
rowid above the largest before it — with one grouped upsert. The expressions are the trigger's,
applied to the stored values, so the rollup stays exactly the sum of ``usage``
(tests/finops/test_rollup_batches.py compares it to a GROUP BY over ``usage`` after mixed batches).

A database file not yet migrated to 0014 still has the trigger; the insert then leaves the rollup
to it (checked inside the transaction, so a migration by another process cannot make a batch
count twice or not at all). Whatever writes ``usage`` rows other than ``insert_usage`` must add
them the same way (``mark`` before, ``add_since`` after, in its transaction): bench/finops_bench.py
does. PostgreSQL keeps its trigger (postgres_0004): that work is the database server's.
"""

from __future__ import annotations

import sqlite3

TRIGGER = "usage_daily_rollup"
_KEY = ("day, team, project, key_id, use_case, requested_model, served_model, provider, region, data_class,"
        " currency, fx_rate, status")
_SUMS = ("requests", "prompt_tokens", "cached_tokens", "completion_tokens", "cost_nanos", "cost_jpy_nanos")
# The trigger's expressions (sqlite_0004_finops_rollup.sql), over the stored rows.
ADD_SINCE = (
    f"INSERT INTO usage_daily ({_KEY}, {', '.join(_SUMS)})"
    " SELECT CAST((ts_start + 32400) / 86400 AS INTEGER), team, project, key_id,"
    " coalesce(CAST(use_case AS TEXT), ''), requested_model, coalesce(CAST(served_model AS TEXT), ''),"
    " coalesce(CAST(provider AS TEXT), ''), coalesce(CAST(region AS TEXT), ''),"
    " coalesce(CAST(data_class AS TEXT), ''), coalesce(CAST(currency AS TEXT), ''),"
    " coalesce(CAST(fx_rate AS TEXT), ''), status, count(*), sum(prompt_tokens), sum(cached_tokens),"
    " sum(completion_tokens), sum(cost_nanos), sum(cost_jpy_nanos)"
    " FROM usage WHERE rowid > ? GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13"
    f" ON CONFLICT ({_KEY}) DO UPDATE SET "
    + ", ".join(f"{s} = usage_daily.{s} + excluded.{s}" for s in _SUMS)
)


def mark(c: sqlite3.Connection) -> int | None:
    """Inside a write transaction, before inserting into ``usage``: the largest rowid (0 for an
    empty table), or None when the per-row trigger is still there and keeps the rollup itself."""
    if c.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)).fetchone():
        return None
    row = c.execute("SELECT max(rowid) FROM usage").fetchone()
    return int(row[0] or 0)


def add_since(c: sqlite3.Connection, since: int | None) -> None:
    """Add the rows stored after ``mark`` returned ``since`` to ``usage_daily`` (same transaction)."""
    if since is not None:
        c.execute(ADD_SINCE, (since,))
