"""Write-ahead spool for ledger rows: survive ``kill -9`` between the response and the database.

Each row is appended as one JSON line to an ``O_APPEND`` segment file *before* the client gets its
answer. Once ``write()`` returned the bytes are in the kernel page cache, so a killed process loses
nothing; only an OS crash or power loss can, and ``fsync`` narrows that window (``interval``: a
background group fsync every flush interval; ``always``: every row fsynced before its answer;
``never``).

The event loop never touches the files: even a page-cache ``write()`` can stall for as long as the
disk is busy (dirty-page throttling, a journal commit), and an ``fsync`` for milliseconds to
seconds. ``append`` encodes the row, gives it its segment and hands it to the spool's one thread,
returning a future the caller awaits before it answers. Rows that arrive while the thread is
writing are written together by its next ``write()`` (group append) and, with ``always``, covered
by one ``fsync`` (group commit), each row's future resolved only after it: N requests finishing
together cost about one fsync, not N in a row.

Rows are counted per segment file; when the store has acknowledged every row of a segment, the
file is deleted (by the same thread, after every write queued before). At start every leftover
segment is streamed back into the store in batches (not through the bounded memory buffer), read
in chunks on a worker thread (``SegmentReader``), and then deleted; the insert is idempotent on
``request_id``, so a row that reached the database before the crash is not doubled.
One directory belongs to one process at a time (an ``flock`` on ``.lock`` enforces it).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import queue
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from tenbin.ledger.record import COLUMNS, UsageRecord

log = logging.getLogger("tenbin.ledger")

ROTATE_ROWS = 50_000
READ_CHUNK = 1 << 20  # bytes a replay reads at a time (a few thousand rows)
THREAD_NAME = "tenbin-spool"


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


class _Job:
    """What the spool thread does in one go, gathered on the loop while the previous job ran:
    the rows to append (runs of consecutive rows of one segment, each one ``write()``), the
    segments to delete, and whether to hand over the files to fsync or to close them."""

    __slots__ = ("close", "closed", "retire", "runs", "sync", "waiters")

    def __init__(self) -> None:
        self.runs: list[tuple[int, list[bytes]]] = []
        self.waiters: list[asyncio.Future[None]] = []  # one per row, resolved once it is written
        self.retire: list[int] = []
        self.sync: asyncio.Future[None] | None = None  # resolved once the group fsync is done
        self.close = False  # the last job: the thread closes the files and ends
        self.closed: asyncio.Future[None] | None = None

    def __bool__(self) -> bool:
        return bool(self.runs or self.retire or self.sync is not None or self.close)


def _write_all(fd: int, data: bytes) -> None:
    n = os.write(fd, data)
    if n < len(data):  # a regular file writes short only when interrupted or nearly full
        view = memoryview(data)[n:]
        while view:
            view = view[os.write(fd, view):]


def _fsync_close(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.fsync(fd)
        except OSError as e:
            log.error("ledger spool: fsync failed (%s)", e)
        finally:
            os.close(fd)


def _resolve(fut: asyncio.Future[None] | None) -> None:
    if fut is not None and not fut.done():
        fut.set_result(None)


class _Files:
    """The segment files, touched by the spool thread only."""

    def __init__(self, directory: Path, fsync_mode: str) -> None:
        self.dir = directory
        self.mode = fsync_mode
        self.fd = -1
        self.seg = 0
        self.dirty = False  # the open segment was written since its last fsync
        # interval: segments rotated away from before their group fsync, kept open for it
        self.stale: dict[int, int] = {}

    def path(self, seg: int) -> Path:
        return self.dir / f"seg-{seg:012d}.jsonl"

    def run(self, job: _Job) -> tuple[list[int], OSError | None]:
        """Do ``job``: (the descriptors, duplicates, the caller fsyncs and closes; the error that
        kept its rows from the disk). Deleting, handing over and closing happen whatever the
        writes did."""
        failed: OSError | None = None
        if job.runs:
            try:
                self._append(job.runs)
            except OSError as e:
                failed = e
        for seg in job.retire:  # after the writes: no row of a retired segment comes later
            try:
                self._retire(seg)
            except OSError as e:
                log.error("ledger spool: could not delete segment %d (%s)", seg, e)
        out: list[int] = []
        if job.sync is not None and self.mode == "interval":
            # Handed over as duplicates and fsynced on another thread, so the writes go on meanwhile.
            out = list(self.stale.values())
            self.stale.clear()
            if self.dirty and self.fd >= 0:
                try:
                    out.append(os.dup(self.fd))
                    self.dirty = False
                except OSError as e:
                    log.error("ledger spool: no descriptor to fsync (%s)", e)
        if job.close:
            self._close()
        return out, failed

    def _append(self, runs: list[tuple[int, list[bytes]]]) -> None:
        for seg, lines in runs:
            if seg != self.seg or self.fd < 0:
                self._open(seg)
            self.dirty = True
            _write_all(self.fd, lines[0] if len(lines) == 1 else b"".join(lines))
        if self.mode == "always":
            os.fsync(self.fd)  # one fsync covers every row of the job: group commit
            self.dirty = False

    def _open(self, seg: int) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            if self.dirty and self.mode == "interval":
                self.stale[self.seg] = fd
            else:
                if self.dirty and self.mode == "always":
                    os.fsync(fd)
                os.close(fd)
        self.fd = os.open(self.path(seg), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.seg, self.dirty = seg, False

    def _retire(self, seg: int) -> None:
        """Every row of ``seg`` is in the store: its file goes (unflushed: nothing to fsync)."""
        if seg == self.seg and self.fd >= 0:
            os.close(self.fd)
            self.fd, self.dirty = -1, False
        fd = self.stale.pop(seg, None)
        if fd is not None:
            os.close(fd)
        self.path(seg).unlink(missing_ok=True)

    def _close(self) -> None:
        fds = list(self.stale.values())
        self.stale.clear()
        if self.fd >= 0:
            if self.dirty and self.mode != "never":
                fds.append(self.fd)
            else:
                os.close(self.fd)
            self.fd = -1
        _fsync_close(fds)


class Spool:
    """The loop's side of the spool: segment numbering and acknowledgements, and the hand-over to
    the spool thread. Every method but ``close`` must be called on the event loop."""

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
        self._files = _Files(self.dir, fsync)
        self._seg = 0
        self._seg_rows = 0
        self._live = False  # rows go to segment ``_seg``; False: the next row starts a new one
        self._unacked: dict[int, int] = {}
        self._unsynced = False
        self._job = _Job()  # gathering while the thread runs the previous one
        self._busy = False  # a job is with the thread (or about to be: ``_soon``)
        self._closed = False
        self._queue: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.rows_written = 0  # rows the thread wrote (in the page cache; fsynced with ``always``)
        self.writes = 0  # write jobs the thread ran: rows_written / writes is the group size
        self.errors = 0

    def leftover(self) -> list[Path]:
        """Segments a previous process left behind (taken before this process writes any)."""
        return list(self._leftover)

    @staticmethod
    def read(path: Path) -> Iterator[UsageRecord]:
        """Every readable row of a segment. Blocking: for tools and tests; the writer's replay
        reads through a ``SegmentReader`` on a worker thread."""
        reader = SegmentReader(path)
        while rows := reader.take(1000):
            yield from rows

    # ---- appending ----------------------------------------------------------------------------
    def append(self, rec: UsageRecord) -> tuple[int, asyncio.Future[None]]:
        """Queue one row; returns its segment (for ``ack``) and the future of its write, resolved
        once it is in the page cache (``always``: fsynced), or failed with the ``OSError``.
        Raises TypeError/ValueError (nothing queued) for a row JSON cannot encode."""
        line = encode(rec)
        if self._closed:
            raise RuntimeError(f"ledger spool {self.dir} is closed")
        loop = self._loop or self._start()
        if not self._live or self._seg_rows >= ROTATE_ROWS:
            self._seg, self._next = self._next, self._next + 1
            self._seg_rows, self._live = 0, True
        seg = self._seg
        self._seg_rows += 1
        self._unacked[seg] = self._unacked.get(seg, 0) + 1
        self._unsynced = True
        done = loop.create_future()
        job = self._job
        if job.runs and job.runs[-1][0] == seg:
            job.runs[-1][1].append(line)
        else:
            job.runs.append((seg, [line]))
        job.waiters.append(done)
        if not self._busy:
            self._soon()
        return seg, done

    def ack(self, seg: int, n: int = 1) -> None:
        left = self._unacked.get(seg, 0) - n
        if left > 0:
            self._unacked[seg] = left
            return
        self._unacked.pop(seg, None)
        if seg == self._seg:
            self._live = False  # the live segment is fully stored: start the next one afresh
        if self._closed:
            return
        self._job.retire.append(seg)
        if not self._busy:
            self._soon()

    @property
    def unacked(self) -> int:
        return sum(self._unacked.values())

    async def sync(self) -> None:
        """Group fsync (``interval``), on a worker thread while the spool thread goes on writing."""
        if self.fsync_mode != "interval" or not self._unsynced or self._closed:
            return
        self._unsynced = False
        await self._request("sync")

    async def aclose(self) -> None:
        """Write what is queued, fsync it (unless ``never``), close the files, release the lock.
        A segment with rows the store has not acknowledged stays for the next start."""
        if self._closed:
            return
        if self._thread is not None:
            await self._request("close")
        self._closed = True
        self._release()

    def close(self) -> None:
        """``aclose`` for a spool used without a running loop (tests, tools): blocks until the
        spool thread, if it ever started, has written and closed everything."""
        if self._closed:
            return
        self._closed = True
        job, self._job = self._job, _Job()
        job.close = True
        if self._thread is None:
            self._files.run(job)
        else:
            if self._loop is not None and self._loop.is_running():
                raise RuntimeError("Spool.close() while its loop runs: await aclose()")
            self._queue.put(job)  # after any job still with the thread; the loop is gone
            self._thread.join()
        self._release()

    # ---- the hand-over ------------------------------------------------------------------------
    def _start(self) -> asyncio.AbstractEventLoop:
        loop = self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._serve, args=(loop,), name=THREAD_NAME, daemon=True)
        self._thread.start()
        return loop

    def _request(self, what: str) -> asyncio.Future[None]:
        """Ask the thread for the files to fsync (``sync``) or to close them (``close``), after
        every row queued before."""
        loop = self._loop or self._start()
        job = self._job
        if what == "sync" and job.sync is not None:
            return job.sync
        fut: asyncio.Future[None] = loop.create_future()
        if what == "sync":
            job.sync = fut
        else:
            self._closed = True  # nothing is queued after the close
            job.close, job.closed = True, fut
        if not self._busy:
            self._soon()
        return fut

    def _soon(self) -> None:
        """Hand the job over at the loop's next turn, not now: every request finishing in this
        turn joins it, so N rows finishing together are one write (and one fsync), not 1 + N-1."""
        assert self._loop is not None
        self._busy = True
        self._loop.call_soon(self._submit)

    def _submit(self) -> None:
        job, self._job = self._job, _Job()
        self._busy = True
        self._queue.put(job)

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        """The spool thread: one job at a time, its outcome handed back to the loop."""
        while True:
            job = self._queue.get()
            fds: list[int] = []
            failed: BaseException | None = None
            try:
                fds, failed = self._files.run(job)
            except BaseException as e:  # a bug: reported to every waiter of the job
                failed = e
            try:
                loop.call_soon_threadsafe(self._done, job, fds, failed)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                for fd in fds:
                    os.close(fd)
            if job.close:
                return

    def _done(self, job: _Job, fds: list[int], failed: BaseException | None) -> None:
        self._busy = False
        if failed is None:
            rows = len(job.waiters)
            self.rows_written += rows
            self.writes += rows > 0
            for w in job.waiters:
                if not w.done():  # a waiter cancelled meanwhile: its row is written all the same
                    w.set_result(None)
        else:
            self.errors += 1
            log.error("ledger spool %s: %s: %d rows not spooled", self.dir, failed, len(job.waiters))
            for w in job.waiters:
                if not w.done():
                    w.set_exception(failed)
        if fds:  # the group fsync (interval), on a worker thread: the spool thread goes on writing
            assert self._loop is not None and job.sync is not None
            fsynced = self._loop.run_in_executor(None, _fsync_close, fds)
            fsynced.add_done_callback(lambda _: _resolve(job.sync))
        else:
            _resolve(job.sync)
        _resolve(job.closed)
        if self._job:
            self._submit()

    def _release(self) -> None:
        if self._lock_fd >= 0:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = -1


class SegmentReader:
    """A leftover segment, read in chunks. ``take`` blocks on the disk: the replay runs it on a
    worker thread, so a large spool never holds the event loop."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._f: IO[bytes] | None = None
        self._rows: deque[UsageRecord] = deque()
        self._tail = b""
        self._eof = False

    def take(self, n: int) -> list[UsageRecord]:
        """Up to ``n`` rows, in file order; an empty list at the end (the file is then closed)."""
        while len(self._rows) < n and not self._eof:
            self._fill()
        rows = self._rows
        return [rows.popleft() for _ in range(min(n, len(rows)))]

    def _fill(self) -> None:
        if self._f is None:
            self._f = self.path.open("rb")
        chunk = self._f.read(READ_CHUNK)
        if not chunk:
            self._eof = True
            self.close()
            if self._tail:  # a last line without its newline: torn by a crash, unless complete
                self._decode(self._tail)
                self._tail = b""
            return
        lines = (self._tail + chunk).split(b"\n") if self._tail else chunk.split(b"\n")
        self._tail = lines.pop()
        for line in lines:
            self._decode(line)

    def _decode(self, line: bytes) -> None:
        rec = decode(line)
        if rec is None:
            log.warning("ledger spool %s: skipped an unreadable line", self.path.name)
        else:
            self._rows.append(rec)

    def close(self) -> None:
        if self._f is not None:
            with contextlib.suppress(OSError):
                self._f.close()
            self._f = None
