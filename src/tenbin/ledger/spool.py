"""Write-ahead spool for ledger rows: survive ``kill -9`` between the response and the database.

Each row is appended as one JSON line with a single ``write()`` to an ``O_APPEND`` file *before*
the client gets its answer. After ``write()`` returns the bytes are in the kernel page cache, so a
killed process loses nothing; only an OS crash or power loss can, and ``fsync`` narrows that window
(``interval``: a background group fsync every flush interval; ``always``: fsync per row; ``never``).

Rows are counted per segment file; when the store has acknowledged every row of a segment, the
file is deleted. At start every leftover segment is streamed back into the store in batches (not
through the bounded memory buffer) and then deleted; the insert is idempotent on ``request_id``,
so a row that reached the database before the crash is not doubled.
One directory belongs to one process at a time (an ``flock`` on ``.lock`` enforces it).
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from tenbin.ledger.record import COLUMNS, UsageRecord

log = logging.getLogger("tenbin.ledger")

ROTATE_ROWS = 50_000


class SpoolLocked(RuntimeError):
    pass


def encode(rec: UsageRecord) -> bytes:
    return orjson.dumps({c: getattr(rec, c) for c in COLUMNS}) + b"\n"


def decode(line: bytes) -> UsageRecord | None:
    """A row, or None for a torn or foreign line (possible only after an OS crash mid-write)."""
    try:
        data: dict[str, Any] = orjson.loads(line)
        return UsageRecord(**{c: data[c] for c in COLUMNS if c in data})
    except (orjson.JSONDecodeError, TypeError, KeyError):
        return None


class Spool:
    def __init__(self, directory: str | Path, fsync: str = "interval") -> None:
        self.dir = Path(directory)
        self.fsync_mode = fsync
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock_fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._lock_fd)
            raise SpoolLocked(f"ledger spool {self.dir} is in use by another process; give each replica "
                              "its own ledger.spool_dir") from None
        self._leftover = sorted(self.dir.glob("seg-*.jsonl"))
        self._next = max((int(p.stem.split("-")[1]) for p in self._leftover), default=0) + 1
        self._fd: int | None = None
        self._seg = 0
        self._seg_rows = 0
        self._unacked: dict[int, int] = {}
        self._dirty = False
        self.rows_written = 0

    def _path(self, seg: int) -> Path:
        return self.dir / f"seg-{seg:012d}.jsonl"

    def leftover(self) -> list[Path]:
        """Segments a previous process left behind (taken before this process writes any)."""
        return list(self._leftover)

    @staticmethod
    def read(path: Path) -> Iterator[UsageRecord]:
        with path.open("rb") as f:
            for line in f:
                rec = decode(line)
                if rec is None:
                    log.warning("ledger spool %s: skipped an unreadable line", path.name)
                    continue
                yield rec

    def append(self, rec: UsageRecord) -> int:
        """Persist one row (to the page cache at least); returns its segment for ``ack``."""
        if self._fd is None or self._seg_rows >= ROTATE_ROWS:
            self._open_next()
        assert self._fd is not None
        os.write(self._fd, encode(rec))
        self._seg_rows += 1
        self.rows_written += 1
        self._unacked[self._seg] = self._unacked.get(self._seg, 0) + 1
        if self.fsync_mode == "always":
            os.fsync(self._fd)
        else:
            self._dirty = True
        return self._seg

    def _open_next(self) -> None:
        if self._fd is not None:
            if self.fsync_mode != "never":
                os.fsync(self._fd)
            os.close(self._fd)
        self._seg, self._next = self._next, self._next + 1
        self._fd = os.open(self._path(self._seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._seg_rows = 0

    def sync(self) -> None:
        """Group fsync (runs on a worker thread from the writer's loop)."""
        fd = self._fd
        if self._dirty and fd is not None and self.fsync_mode == "interval":
            self._dirty = False
            with contextlib.suppress(OSError):  # rotated and closed meanwhile: fsynced at close
                os.fsync(fd)

    def ack(self, seg: int, n: int = 1) -> None:
        left = self._unacked.get(seg, 0) - n
        if left > 0:
            self._unacked[seg] = left
            return
        self._unacked.pop(seg, None)
        if seg == self._seg and self._fd is not None:
            os.close(self._fd)  # the live segment is fully stored: start the next one afresh
            self._fd = None
        self._path(seg).unlink(missing_ok=True)

    @property
    def unacked(self) -> int:
        return sum(self._unacked.values())

    def close(self) -> None:
        if self._fd is not None:
            if self.fsync_mode != "never":
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None
            if self._seg not in self._unacked:
                self._path(self._seg).unlink(missing_ok=True)
        if self._lock_fd >= 0:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = -1
