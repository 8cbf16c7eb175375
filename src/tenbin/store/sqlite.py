"""SQLite store (WAL): the zero-setup default.

All access goes through one connection on one dedicated thread, so the event loop never blocks
on disk and SQLite never sees concurrent writers from this process.
"""

from __future__ import annotations

import asyncio
import operator
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson

from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.store import rollup
from tenbin.store.base import CLIENT_SIDE_CONTENT_ERRORS, KeyRecord, Seal, extend_chain, insert_tuples

T = TypeVar("T")

# sqlite3 binds only exact str/int/float/bytes without its adaptation step; a None goes through
# it, which looks up __adapt__ and __conform__ (building and clearing an AttributeError each
# time): ~3 k instructions per NULL, several per ledger row and audit entry. An adapter
# registered for None (a C method returning None) makes that a dict hit. Process-wide, and the
# same for every connection: None is still bound as NULL.
sqlite3.register_adapter(type(None), cast("Callable[[None], None]", {}.get))

# Idempotent on request_id only (spool replay). Not ``INSERT OR IGNORE``: that also swallows a
# NOT NULL violation, so a row missing a required column vanished without an error or a trace.
_INSERT_USAGE = (
    f"INSERT INTO usage ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
    " ON CONFLICT (request_id) DO NOTHING"
)


# Every request's row goes through this (on the event loop, before the store thread): one C-level
# attribute fetch for all columns, then the two fix-ups by position, instead of a Python loop
# testing each of the ~30 columns.
_ROW = operator.attrgetter(*COLUMNS)
_ROUTE = COLUMNS.index("route")
_BOOLS = tuple(i for i, c in enumerate(COLUMNS) if UsageRecord.__dataclass_fields__[c].type in ("bool", bool))


def _usage_row(r: UsageRecord) -> tuple[Any, ...]:
    out = list(_ROW(r))
    route = out[_ROUTE]
    out[_ROUTE] = orjson.dumps(route).decode() if route is not None else None
    for i in _BOOLS:
        out[i] = int(out[i])
    return tuple(out)


def _key_from_row(row: sqlite3.Row) -> KeyRecord:
    allowed = row["allowed_models"]
    return KeyRecord(
        id=row["id"],
        salt=bytes(row["salt"]),
        hash=bytes(row["hash"]),
        team=row["team"],
        project=row["project"],
        role=row["role"],
        name=row["name"],
        allowed_models=tuple(orjson.loads(allowed)) if allowed else None,
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


def migration_scripts(prefix: str) -> list[tuple[int, str]]:
    """Numbered SQL files shipped in the package, in order: (version, sql)."""
    folder = resources.files("tenbin.store").joinpath("migrations")
    out = []
    for f in folder.iterdir():
        if f.name.startswith(prefix) and f.name.endswith(".sql"):
            version = int(f.name.removeprefix(prefix).split("_", 1)[0])
            out.append((version, f.read_text(encoding="utf-8")))
    return sorted(out)


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            self._conn = conn
        return self._conn

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(self._connect()))

    def run_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """For CLI code that is not inside an event loop."""
        return self._pool.submit(lambda: fn(self._connect())).result()

    async def migrate(self) -> None:
        def go(c: sqlite3.Connection) -> None:
            c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL)")
            done = {r[0] for r in c.execute("SELECT version FROM schema_version")}
            for version, sql in migration_scripts("sqlite_"):
                if version in done:
                    continue
                c.execute("BEGIN IMMEDIATE")
                try:
                    for stmt in sql.split(";\n"):
                        if stmt.strip():
                            c.execute(stmt)
                    c.execute("INSERT INTO schema_version VALUES (?, strftime('%s','now'))", (version,))
                    c.execute("COMMIT")
                except BaseException:
                    c.execute("ROLLBACK")
                    raise

        await self._run(go)

    def is_content_error(self, exc: BaseException) -> bool:
        """A lone surrogate raises UnicodeEncodeError while binding; NOT NULL, CHECK and type
        mismatches are Integrity/Data/InterfaceError; "Error binding parameter" is a
        ProgrammingError. "database is locked", disk and I/O errors (OperationalError) and a
        closed connection are the store's, not the row's."""
        if isinstance(exc, CLIENT_SIDE_CONTENT_ERRORS):
            return True
        if isinstance(exc, (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError)):
            return True
        return isinstance(exc, sqlite3.ProgrammingError) and "binding" in str(exc).lower()

    async def close(self) -> None:
        def go(c: sqlite3.Connection) -> None:
            c.close()
            self._conn = None

        if self._conn is not None:
            await self._run(go)
        self._pool.shutdown(wait=True)

    async def insert_usage(self, rows: Sequence[UsageRecord]) -> None:
        data = [_usage_row(r) for r in rows]

        def go(c: sqlite3.Connection) -> None:
            c.execute("BEGIN IMMEDIATE")  # the rowid mark and the rollup under the write lock
            try:
                since = rollup.mark(c)
                c.executemany(_INSERT_USAGE, data)
                rollup.add_since(c, since)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

        await self._run(go)

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return await self._run(lambda c: [dict(r) for r in c.execute(sql, tuple(params))])

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return await self._run(lambda c: c.execute(sql, tuple(params)).rowcount)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        data = [tuple(r) for r in rows]

        def go(c: sqlite3.Connection) -> None:
            c.execute("BEGIN")
            try:
                c.executemany(sql, data)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

        await self._run(go)

    async def insert_key(self, key: KeyRecord) -> None:
        allowed = orjson.dumps(list(key.allowed_models)).decode() if key.allowed_models is not None else None
        await self._run(
            lambda c: c.execute(
                "INSERT INTO api_keys (id, salt, hash, team, project, role, name, allowed_models, created_at,"
                " revoked_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (key.id, key.salt, key.hash, key.team, key.project, key.role, key.name, allowed,
                 key.created_at, key.revoked_at),
            )
        )

    async def get_key(self, key_id: str) -> KeyRecord | None:
        def go(c: sqlite3.Connection) -> KeyRecord | None:
            row = c.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            return _key_from_row(row) if row else None

        return await self._run(go)

    async def list_keys(self, team: str | None = None) -> list[KeyRecord]:
        def go(c: sqlite3.Connection) -> list[KeyRecord]:
            if team is None:
                rows = c.execute("SELECT * FROM api_keys ORDER BY created_at").fetchall()
            else:
                rows = c.execute("SELECT * FROM api_keys WHERE team = ? ORDER BY created_at", (team,)).fetchall()
            return [_key_from_row(r) for r in rows]

        return await self._run(go)

    async def revoke_key(self, key_id: str, when: float) -> bool:
        n = await self._run(
            lambda c: c.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (when, key_id)
            ).rowcount
        )
        return n > 0

    async def count_keys(self) -> int:
        return await self._run(
            lambda c: int(c.execute("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0])
        )

    async def append_audit(
        self, bodies: Sequence[Mapping[str, Any]],
        seal: Seal,
    ) -> tuple[int, str]:
        def go(c: sqlite3.Connection) -> tuple[int, str]:
            c.execute("BEGIN IMMEDIATE")  # holds the write lock from reading the head to commit
            try:
                head = c.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
                rows, (seq, prev) = extend_chain(bodies, (int(head[0]), str(head[1])) if head else None, seal)
                if rows:
                    cols, values = insert_tuples(rows)
                    c.executemany(
                        f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})", values)
                c.execute("COMMIT")
                return seq, prev
            except BaseException:
                c.execute("ROLLBACK")
                raise

        return await self._run(go)
