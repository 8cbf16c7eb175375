"""The AuditSink the pipeline calls: builds entries on the request path (cheap: counts, two
SHA-256s) and chains them into the store in batches from a background task, like the ledger.

``request()`` never awaits and never raises into the request; if the store is down, entries stay
buffered in order (bounded by ``max_buffer``; overflow is counted and logged, never reordered).
Sequence numbers and hashes are assigned inside the store's append transaction, so several
processes (gateway replicas, the CLI) can append to one chain without forking it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from tenbin.catalog.catalog import Catalog
from tenbin.context import Principal, RequestContext
from tenbin.governance.chain import seal
from tenbin.governance.config import GovernanceConfig
from tenbin.governance.entries import admin_entry, prompt_bytes, request_entry
from tenbin.governance.raw import RawVault
from tenbin.ledger.record import UsageRecord
from tenbin.store.base import Store

log = logging.getLogger("tenbin.audit")

PURGE_EVERY_S = 60.0


class AuditWriter:
    def __init__(self, store: Store, catalog: Catalog, cfg: GovernanceConfig,
                 env: Mapping[str, str] | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self.cfg = cfg
        self.vault = RawVault.from_config(cfg.retain_raw, env)
        self.keeps_raw = self.vault is not None
        self._buf: deque[dict[str, Any]] = deque()
        self._raw: list[tuple[str, str, bytes, str]] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._last_purge = 0.0
        self.dropped = 0
        self.written = 0
        self.store_errors = 0
        self.head: tuple[int, str] | None = None

    # ---- the AuditSink seam ---------------------------------------------------------------
    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        try:
            prompt = prompt_bytes(ctx.body)
            tap = facts.get("answer")
            sha, size = (tap.hexdigest(), tap.size) if tap is not None else (None, None)
            self._push(request_entry(ctx, record, facts, self.catalog, prompt, sha, size))
            if self.vault is not None and tap is not None:
                self._raw.append((record.request_id, ctx.principal.team, prompt, tap.text))
        except Exception:  # auditing must never fail a request; count it loudly instead
            self.dropped += 1
            log.exception("audit entry for %s could not be built", record.request_id)

    def admin(self, actor: Principal, action: str, *, target: str | None = None, team: str | None = None,
              detail: dict[str, Any] | None = None) -> None:
        """Queue an admin action; callers that must see it durable await ``flush()``."""
        self._push(admin_entry(actor, action, target=target, team=team, detail=detail))

    def _push(self, entry: dict[str, Any]) -> None:
        if len(self._buf) >= self.cfg.max_buffer:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("audit buffer full (%d entries): %d dropped so far", len(self._buf), self.dropped)
            return
        self._buf.append(entry)
        if len(self._buf) >= self.cfg.batch_size:
            self._wake.set()

    @property
    def pending(self) -> int:
        return len(self._buf)

    # ---- background flushing --------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="audit-writer")

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.cfg.flush_interval_s)
            self._wake.clear()
            await self.flush()
            if self._closing and not self._buf:
                return

    async def flush(self) -> bool:
        """Chain everything buffered into the store; False if the store failed (kept for retry)."""
        async with self._lock:
            while self._buf:
                batch = [self._buf[i] for i in range(min(self.cfg.batch_size, len(self._buf)))]
                try:
                    self.head = await self.store.append_audit(batch, seal)
                except Exception as e:
                    self.store_errors += 1
                    if self.store_errors == 1 or self.store_errors % 50 == 0:
                        log.error("audit write failed (%s); %d entries buffered", type(e).__name__,
                                  len(self._buf))
                    return False
                for _ in batch:
                    self._buf.popleft()
                self.written += len(batch)
            return await self._flush_raw()

    async def _flush_raw(self) -> bool:
        if self.vault is None:
            return True
        pending, self._raw = self._raw, []
        try:
            rows = [self.vault.seal(rid, team, prompt, answer) for rid, team, prompt, answer in pending]
            await RawVault.store_rows(self.store, rows)
            now = time.time()
            if now - self._last_purge > PURGE_EVERY_S:
                purged = await RawVault.purge(self.store, now)
                self._last_purge = now
                if purged:
                    log.info("audit: purged %d expired raw records", purged)
        except Exception as e:
            self._raw[:0] = pending
            log.error("audit raw retention write failed (%s)", type(e).__name__)
            return False
        return True

    async def close(self, timeout: float = 30.0) -> None:
        self._closing = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout)
            except TimeoutError:
                self._task.cancel()
                log.error("audit: %d entries could not be written before shutdown", len(self._buf))
            self._task = None
        else:
            await self.flush()
