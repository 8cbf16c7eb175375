"""SQLite store (WAL): the zero-setup default.

All access goes through one connection on one dedicated thread, so the event loop never blocks
on disk and SQLite never sees concurrent writers from this process.

Several processes write one file under ``tenbin serve --workers N`` (each worker's ledger and
audit batches), and SQLite gives a writer that finds the write lock taken only its busy handler,
which sleeps 1, 2, 5, 10 … 100 ms between tries and cannot be woken: a batch that waited 3 ms for
the other worker's commit slept 8, and one that lost a few rounds slept hundreds of milliseconds,
with every store read of that worker (a key's re-check every 2 s, which the requests for that key
wait on) queued behind it (bench/gateway_overhead/README.md, "Workers: one SQLite file, two
writers").
So this store's write transactions first take an exclusive ``flock`` on ``<db>-wlock``, which the
kernel hands to the next waiter the moment it is released; SQLite's lock is then free unless a
writer outside this class holds it (older trees, other tools), for which the busy timeout stays.
A key's re-check (``get_key``, every 2 s per key, which the requests for that key wait on) and
the key count read on a second connection and thread, so they never queue behind a write that is
waiting for the gate: WAL readers do not wait for writers.
The WAL checkpoint is run after the gate is released (``wal_autocheckpoint`` would run it inside
the committing ``COMMIT``, i.e. while the other workers wait for the gate), at most once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import operator
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson

from tenbin.ledger.record import COLUMNS, UsageRecord
from tenbin.store import rollup
from tenbin.store.base import CLIENT_SIDE_CONTENT_ERRORS, KeyRecord, Seal, extend_chain, insert_tuples

if sys.platform != "win32":
    import fcntl

T = TypeVar("T")

# sqlite3 binds only exact str/int/float/bytes without its adaptation step; a None goes through
# it, which looks up __adapt__ and __conform__ (building and clearing an AttributeError each
# time): ~3 k instructions per NULL, several per ledger row and audit entry. An adapter
# registered for None (a C method returning None) makes that a dict hit. Process-wide, and the
# same for every connection: None is still bound as NULL.
sqlite3.register_adapter(type(None), cast("Callable[[None], None]", {}.get))

CHECKPOINT_EVERY_S = 1.0  # the WAL is folded back into the database at most this often, after a write

# Idempotent on request_id only (spool replay). Not ``INSERT OR IGNORE``: that also swallows a
# NOT NULL violation, so a row missing a required column vanished without an error or a trace.
_INSERT_USAGE = f"INSERT INTO usage ({', '.join(COLUMNS)})"
_ON_CONFLICT_USAGE = " ON CONFLICT (request_id) DO NOTHING"

MAX_ROWS_PER_INSERT = 64


def insert_rows(c: sqlite3.Connection, head: str, rows: Sequence[Sequence[Any]], tail: str = "") -> None:
    """``head VALUES (…), (…), … tail`` for up to MAX_ROWS_PER_INSERT rows a statement, in chunks
    of powers of two (so a few statements, each prepared once, serve every batch size), instead of
    ``executemany``. Each step of a statement gives the GIL back, and the store thread must win it
    back from an event loop thread that is busy all the time at saturation: with one step a row a
    batch of a few hundred rows held SQLite's write lock — which the other workers wait for — for
    ~15 ms, most of it waiting for the GIL (bench/gateway_overhead/README.md, "Workers: one SQLite
    file, two writers"). Binding
    is the same as executemany's, so what a row holds is refused the same way."""
    if not rows:
        return
    width = len(rows[0])
    limit = max(1, min(MAX_ROWS_PER_INSERT, c.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    one = "(" + ", ".join("?" * width) + ")"
    i = 0
    while i < len(rows):
        n = min(limit, 1 << ((len(rows) - i).bit_length() - 1))  # the largest power of two that fits
        c.execute(f"{head} VALUES {', '.join([one] * n)}{tail}", [v for r in rows[i:i + n] for v in r])
        i += n


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
        self._gate: int | None = None  # the fd of <db>-wlock (none for :memory: and on Windows)
        self._reads = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-read")
        self._rconn: sqlite3.Connection | None = None  # read-only; :memory: has none (another connection is another db)
        self._checkpointed = (0.0, 0)  # (monotonic time, conn.total_changes) of the last checkpoint

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=5000")
            if self.path != ":memory:" and sys.platform != "win32":
                conn.execute("PRAGMA wal_autocheckpoint=0")  # _checkpoint, outside the gate
                self._gate = os.open(self.path + "-wlock", os.O_RDWR | os.O_CREAT, 0o600)
            self._conn = conn
        return self._conn

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write gate (module docstring) around one write transaction."""
        fd = self._gate
        if fd is None or sys.platform == "win32":
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # blocks without the GIL; woken as soon as the holder unlocks
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _checkpoint(self, c: sqlite3.Connection) -> None:
        """Copy the WAL back into the database when this connection wrote since the last time and
        that was ``CHECKPOINT_EVERY_S`` ago. PASSIVE: never waits for readers or writers."""
        if self._gate is None or c.in_transaction:
            return
        when, changes = self._checkpointed
        now = time.monotonic()
        if c.total_changes != changes and now - when >= CHECKPOINT_EVERY_S:
            c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self._checkpointed = (now, c.total_changes)

    def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        c = self._connect()
        try:
            return fn(c)
        finally:
            with contextlib.suppress(sqlite3.Error):
                self._checkpoint(c)

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._call, fn)

    def _reader(self) -> sqlite3.Connection:
        if self._rconn is None:
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=5000")
            conn.execute("PRAGMA query_only=1")
            self._rconn = conn
        return self._rconn

    async def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """A read on the request path, on the reading connection (module docstring)."""
        if self.path == ":memory:":
            return await self._run(fn)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reads, lambda: fn(self._reader()))

    def run_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """For CLI code that is not inside an event loop."""
        return self._pool.submit(self._call, fn).result()

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
        def done_reading() -> None:
            if self._rconn is not None:
                self._rconn.close()
                self._rconn = None

        if self._rconn is not None:  # first: the writer's close, the last one, checkpoints
            await asyncio.get_running_loop().run_in_executor(self._reads, done_reading)
        self._reads.shutdown(wait=True)

        def go(c: sqlite3.Connection) -> None:
            c.close()  # the last connection to close checkpoints the whole WAL
            self._conn = None
            if self._gate is not None:
                os.close(self._gate)
                self._gate = None

        if self._conn is not None:
            await self._run(go)
        self._pool.shutdown(wait=True)

    async def insert_usage(self, rows: Sequence[UsageRecord]) -> None:
        data = [_usage_row(r) for r in rows]

        def go(c: sqlite3.Connection) -> None:
            with self._writing():
                c.execute("BEGIN IMMEDIATE")  # the rowid mark and the rollup under the write lock
                try:
                    since = rollup.mark(c)
                    insert_rows(c, _INSERT_USAGE, data, _ON_CONFLICT_USAGE)
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
            with self._writing():
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

        return await self._read(go)

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
        return await self._read(
            lambda c: int(c.execute("SELECT count(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0])
        )

    async def append_audit(
        self, bodies: Sequence[Mapping[str, Any]],
        seal: Seal,
    ) -> tuple[int, str]:
        def head(c: sqlite3.Connection) -> tuple[int, str] | None:
            row = c.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            return (int(row[0]), str(row[1])) if row else None

        def go(c: sqlite3.Connection) -> tuple[int, str]:
            # Sealing (a canonical JSON and a SHA-256 per entry) is most of an append: do it before
            # taking the write lock, against the head as it is now, and again inside only if
            # another process appended in between — the head is re-read under BEGIN IMMEDIATE, so
            # the rows inserted always chain onto the real head.
            seen = head(c)
            rows, new_head = extend_chain(bodies, seen, seal)
            with self._writing():
                c.execute("BEGIN IMMEDIATE")  # holds the write lock from reading the head to commit
                try:
                    now = head(c)
                    if now != seen:
                        rows, new_head = extend_chain(bodies, now, seal)
                    if rows:
                        cols, values = insert_tuples(rows)
                        insert_rows(c, f"INSERT INTO audit_log ({', '.join(cols)})", values)
                    c.execute("COMMIT")
                    return new_head
                except BaseException:
                    c.execute("ROLLBACK")
                    raise

        return await self._run(go)
