"""PostgreSQL store (asyncpg pool): the backend for several gateway replicas sharing one ledger.

Callers write portable SQL with ``?`` placeholders; ``to_dollar`` rewrites them to ``$n`` outside
string literals, quoted identifiers and comments, so each package can ship one query for both
dialects. Migrations run under a session advisory lock so replicas that start together apply each
file exactly once; the ledger insert is idempotent (``ON CONFLICT DO NOTHING`` on request_id) so
the write-ahead spool can replay rows after a crash without double counting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
import orjson

from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.store.base import CLIENT_SIDE_CONTENT_ERRORS, KeyRecord, Seal, extend_chain, insert_tuples
from tenbin.store.sqlite import migration_scripts

_INSERT_USAGE = (
    f"INSERT INTO usage ({', '.join(COLUMNS)}) VALUES ({', '.join(f'${i + 1}' for i in range(len(COLUMNS)))})"
    " ON CONFLICT (request_id) DO NOTHING"
)
COPY_MIN_ROWS = 64
# Any constant works as long as every replica uses the same one; the schema name is mixed in so
# test schemas in one database do not wait for each other.
_MIGRATE_LOCK_SQL = "SELECT pg_advisory_lock(hashtext('tenbin.migrate:' || $1))"
_MIGRATE_UNLOCK_SQL = "SELECT pg_advisory_unlock(hashtext('tenbin.migrate:' || $1))"
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\?", re.S)


def to_dollar(sql: str) -> str:
    """Rewrite ``?`` placeholders to ``$1, $2, …`` (literals, identifiers and comments untouched)."""
    n = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal n
        if m.group(0) != "?":
            return m.group(0)
        n += 1
        return f"${n}"

    return _TOKEN.sub(sub, sql)


def _rowcount(status: str) -> int:
    """asyncpg returns the command tag ("UPDATE 3", "INSERT 0 1"); the last word is the count."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


_TEXT = frozenset({"request_id", "key_id", "team", "project", "use_case", "requested_model", "served_model",
                   "provider", "region", "error_class", "currency", "fx_rate", "data_class"})


def _usage_row(r: UsageRecord) -> tuple[Any, ...]:
    """Coerce like SQLite's column affinity does, so a row either backend accepts is the same row
    (asyncpg refuses an int for TEXT, and one refused row would block the ledger's batch)."""
    out: list[Any] = []
    for c in COLUMNS:
        v = getattr(r, c)
        if c == "route":
            v = orjson.dumps(v).decode() if v is not None else None
        elif isinstance(v, bool):
            v = int(v)
        elif v is not None and c in _TEXT and not isinstance(v, str):
            v = str(v)
        out.append(v)
    return tuple(out)


def _key_from_row(row: Mapping[str, Any]) -> KeyRecord:
    allowed = row["allowed_models"]
    return KeyRecord(
        id=row["id"], salt=bytes(row["salt"]), hash=bytes(row["hash"]), team=row["team"],
        project=row["project"], role=row["role"], name=row["name"],
        allowed_models=tuple(orjson.loads(allowed)) if allowed else None,
        created_at=row["created_at"], revoked_at=row["revoked_at"],
    )


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url: str, *, schema: str | None = None, min_size: int = 1, max_size: int = 10,
                 command_timeout: float = 30.0) -> None:
        """``schema`` (or ``?options=-csearch_path%3D<name>`` in the URL) isolates a deployment or a
        test run inside one database; it is created on ``migrate()`` if missing."""
        self.url = url
        self.schema = schema
        # connect timeout 5 s (asyncpg's default is 60): a hung database must not hold callers long
        self._pool_args: dict[str, Any] = {"min_size": min_size, "max_size": max_size,
                                           "command_timeout": command_timeout, "timeout": 5.0}
        self._pool: asyncpg.Pool | None = None

    async def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            settings = {"search_path": self.schema} if self.schema else None
            self._pool = await asyncpg.create_pool(self.url, server_settings=settings, **self._pool_args)
        return self._pool

    async def migrate(self) -> None:
        pool = await self.pool()
        async with pool.acquire() as c:
            path = str(await c.fetchval("SHOW search_path"))
            schema = path.split(",")[0].strip().strip('"')
            await c.fetchval(_MIGRATE_LOCK_SQL, schema)
            try:
                if schema and schema != "$user":  # inside the lock: concurrent IF NOT EXISTS can race
                    await c.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema.replace(chr(34), "")}"')
                await c.execute("CREATE TABLE IF NOT EXISTS schema_version"
                                " (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION)")
                done = {r[0] for r in await c.fetch("SELECT version FROM schema_version")}
                for version, sql in migration_scripts("postgres_"):
                    if version in done:
                        continue
                    async with c.transaction():
                        await c.execute(sql)  # simple-query protocol: several statements at once
                        await c.execute("INSERT INTO schema_version VALUES ($1, extract(epoch from now()))",
                                        version)
            finally:
                await c.fetchval(_MIGRATE_UNLOCK_SQL, schema)

    def is_content_error(self, exc: BaseException) -> bool:
        """SQLSTATE class 22 (data exception: NUL is CharacterNotInRepertoireError 22021), class 23
        (integrity constraint) and 54000 (a value too large for an index row, e.g. a huge tag in
        usage_daily's key) are the row's fault, as is an argument asyncpg cannot encode (a lone
        surrogate, an int beyond 64 bits: asyncpg reports those as DataError too). Connection,
        timeout, lock and server-shutdown errors are the store's."""
        if isinstance(exc, CLIENT_SIDE_CONTENT_ERRORS):
            return True
        return isinstance(exc, (asyncpg.exceptions.DataError, asyncpg.exceptions.IntegrityConstraintViolationError,
                                asyncpg.exceptions.ProgramLimitExceededError))

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    async def insert_usage(self, rows: Sequence[UsageRecord]) -> None:
        """Small batches: one pipelined INSERT per row. Large ones: COPY into a per-connection temp
        table, then one INSERT … SELECT … ON CONFLICT DO NOTHING (COPY itself cannot skip conflicts)."""
        if not rows:
            return
        data = [_usage_row(r) for r in rows]
        pool = await self.pool()
        async with pool.acquire() as c, c.transaction():
            if len(data) < COPY_MIN_ROWS:
                await c.executemany(_INSERT_USAGE, data)
                return
            await c.execute("CREATE TEMP TABLE IF NOT EXISTS usage_in (LIKE usage) ON COMMIT DELETE ROWS")
            await c.copy_records_to_table("usage_in", records=data, columns=list(COLUMNS))
            cols = ", ".join(COLUMNS)
            await c.execute(f"INSERT INTO usage ({cols}) SELECT {cols} FROM usage_in"
                            " ON CONFLICT (request_id) DO NOTHING")

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        pool = await self.pool()
        return [dict(r) for r in await pool.fetch(to_dollar(sql), *params)]

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        pool = await self.pool()
        return _rowcount(await pool.execute(to_dollar(sql), *params))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        pool = await self.pool()
        async with pool.acquire() as c, c.transaction():
            await c.executemany(to_dollar(sql), [tuple(r) for r in rows])

    # ---- keys -----------------------------------------------------------------------------
    async def insert_key(self, key: KeyRecord) -> None:
        allowed = orjson.dumps(list(key.allowed_models)).decode() if key.allowed_models is not None else None
        await self.execute(
            "INSERT INTO api_keys (id, salt, hash, team, project, role, name, allowed_models, created_at,"
            " revoked_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (key.id, key.salt, key.hash, key.team, key.project, key.role, key.name, allowed,
             key.created_at, key.revoked_at))

    async def get_key(self, key_id: str) -> KeyRecord | None:
        rows = await self.query("SELECT * FROM api_keys WHERE id = ?", (key_id,))
        return _key_from_row(rows[0]) if rows else None

    async def list_keys(self, team: str | None = None) -> list[KeyRecord]:
        if team is None:
            rows = await self.query("SELECT * FROM api_keys ORDER BY created_at")
        else:
            rows = await self.query("SELECT * FROM api_keys WHERE team = ? ORDER BY created_at", (team,))
        return [_key_from_row(r) for r in rows]

    async def revoke_key(self, key_id: str, when: float) -> bool:
        n = await self.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                               (when, key_id))
        return n > 0

    async def count_keys(self) -> int:
        rows = await self.query("SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL")
        return int(rows[0]["n"])

    # ---- governance audit chain --------------------------------------------------------------
    async def append_audit(
        self, bodies: Sequence[Mapping[str, Any]],
        seal: Seal,
    ) -> tuple[int, str]:
        """One chain across all replicas: the EXCLUSIVE table lock (readers still read) is held from
        reading the head until commit, so two writers can never both extend the same head."""
        pool = await self.pool()
        async with pool.acquire() as c, c.transaction():
            await c.execute("LOCK TABLE audit_log IN EXCLUSIVE MODE")
            head = await c.fetchrow("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            rows, (seq, prev) = extend_chain(bodies, (int(head["seq"]), str(head["hash"])) if head else None, seal)
            if rows:
                cols, data = insert_tuples(rows)
                await c.executemany(
                    f"INSERT INTO audit_log ({', '.join(cols)})"
                    f" VALUES ({', '.join(f'${i + 1}' for i in range(len(cols)))})", data)
            return seq, prev
