"""The store interface: the only place that knows SQL lives behind it.

Async so that a PostgreSQL backend can be native; the SQLite backend runs its blocking calls on a
single dedicated thread (one connection, no locking games).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tenbin.ledger.record import UsageRecord


@dataclass(slots=True)
class KeyRecord:
    id: str
    salt: bytes
    hash: bytes
    team: str
    project: str
    role: str = "app"
    name: str | None = None
    allowed_models: tuple[str, ...] | None = None
    created_at: float = 0.0
    revoked_at: float | None = None


Seal = Callable[[Mapping[str, Any], int, str], dict[str, Any]]
GENESIS = "0" * 64  # prev_hash of the first audit entry

# Raised before a row reaches the database (encoding a lone surrogate, a value of the wrong type,
# an integer too large for 64 bits, JSON that cannot be serialised): the row is at fault.
CLIENT_SIDE_CONTENT_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, OverflowError)


def extend_chain(
    bodies: Sequence[Mapping[str, Any]], head: tuple[int, str] | None, seal: Seal
) -> tuple[list[dict[str, Any]], tuple[int, str]]:
    """Seal ``bodies`` onto the chain head read inside the caller's write transaction; returns the
    rows to insert and the new head. The hashing rule belongs to governance (``seal``); each
    backend only supplies the locked head."""
    seq, prev = head or (0, GENESIS)
    rows = []
    for body in bodies:
        seq += 1
        row = seal(body, seq, prev)
        prev = row["hash"]
        rows.append(row)
    return rows, (seq, prev)


def insert_tuples(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns of sealed rows (the first row's keys; ``seal`` gives every row the same) and
    each row's values in that order, fetched in C (one ``itemgetter``) rather than a generator a row."""
    cols = list(rows[0])
    if len(cols) == 1:  # itemgetter of one key gives the value, not a 1-tuple
        return cols, [(r[cols[0]],) for r in rows]
    get = operator.itemgetter(*cols)
    return cols, [get(r) for r in rows]


class Store(Protocol):
    """SQL in ``query``/``execute``/``executemany`` uses ``?`` placeholders in every backend (the
    PostgreSQL backend rewrites them to ``$n``); each package ships its own migration files as
    ``store/migrations/{sqlite,postgres}_NNNN_<name>.sql``."""

    dialect: str  # "sqlite" or "postgresql"

    async def migrate(self) -> None: ...

    def is_content_error(self, exc: BaseException) -> bool:
        """True when a write failed because of what the rows hold (a value the driver cannot encode
        or the schema refuses), False when the store itself failed (down, locked, timed out). The
        batch writers split a batch only on the first kind and retry it whole on the second."""
        ...

    async def close(self) -> None: ...

    # ledger
    async def insert_usage(self, rows: Sequence[UsageRecord]) -> None: ...

    async def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Read-only reporting query in the backend's dialect (reports build their own SQL)."""
        ...

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one write statement; returns the affected row count."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one write statement for many rows in a single transaction."""
        ...

    # keys
    async def insert_key(self, key: KeyRecord) -> None: ...

    async def get_key(self, key_id: str) -> KeyRecord | None: ...

    async def list_keys(self, team: str | None = None) -> list[KeyRecord]: ...

    async def revoke_key(self, key_id: str, when: float) -> bool: ...

    async def count_keys(self) -> int: ...

    # governance audit chain
    async def append_audit(
        self, bodies: Sequence[Mapping[str, Any]],
        seal: Seal,
    ) -> tuple[int, str]:
        """Append entries to ``audit_log`` in one transaction that holds the chain head: read the
        last (seq, hash) (or (0, GENESIS)), ``seal(body, seq, prev_hash)`` each body into a full
        row, insert, commit. Returns the new head. Appends from several processes must serialise
        (SQLite: BEGIN IMMEDIATE; PostgreSQL: LOCK TABLE audit_log IN EXCLUSIVE MODE)."""
        ...
