"""The AuditSink the pipeline calls: builds entries on the request path (cheap: counts, two
SHA-256s) and chains them into the store in batches from a background task, like the ledger.

``request()`` never awaits and never raises into the request; if the store is down, entries stay
buffered in order (bounded by ``max_buffer``; overflow is counted and logged, never reordered).
Sequence numbers and hashes are assigned inside the store's append transaction, so several
processes (gateway replicas, the CLI) can append to one chain without forking it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from tenbin.batching import BatchWriter
from tenbin.catalog.catalog import Catalog
from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import Config
from tenbin.context import Principal, RequestContext
from tenbin.governance.chain import seal
from tenbin.governance.config import GovernanceConfig
from tenbin.governance.entries import SYSTEM_ACTOR, admin_entry, prompt_bytes, refusal_entry, request_entries
from tenbin.governance.quarantine import keep
from tenbin.governance.raw import RawVault
from tenbin.ledger.record import UsageRecord
from tenbin.store.base import Store

log = logging.getLogger("tenbin.audit")

PURGE_EVERY_S = 60.0


class AuditWriter(BatchWriter[dict[str, Any]]):
    def __init__(self, store: Store, catalog: Catalog, cfg: GovernanceConfig,
                 env: Mapping[str, str] | None = None, clock: Clock = SYSTEM) -> None:
        super().__init__("audit", log, batch_size=cfg.batch_size, flush_interval_s=cfg.flush_interval_s,
                         max_buffer=cfg.max_buffer)
        self.store = store
        self.catalog = catalog
        self.cfg = cfg
        self.clock = clock  # admin entries' timestamps, raw retention expiry (request entries use the record's)
        self.vault = RawVault.from_config(cfg.retain_raw, env)
        self.keeps_raw = self.vault is not None
        # (entries accepted when it was queued, request id, team, prompt, answer): a raw record is
        # stored only once its request's entries are (``written`` reached that count).
        self._raw: list[tuple[int, str, str, bytes, str]] = []
        self._last_purge = 0.0
        self.head: tuple[int, str] | None = None

    # ---- the AuditSink seam ---------------------------------------------------------------
    def request(self, ctx: RequestContext, record: UsageRecord, facts: dict[str, Any]) -> None:
        try:
            prompt = prompt_bytes(ctx.body)
            tap = facts.get("answer")
            sha, size = (tap.hexdigest(), tap.size) if tap is not None else (None, None)
            for entry in request_entries(ctx, record, facts, self.catalog, prompt, sha, size):
                self.push(entry)
            if self.vault is not None and tap is not None:
                self._raw.append((self.accepted, record.request_id, ctx.principal.team, prompt, tap.text))
        except Exception:  # auditing must never fail a request; count it loudly instead
            self.dropped += 1
            log.exception("audit entry for %s could not be built", record.request_id)

    def admin(self, actor: Principal, action: str, *, target: str | None = None, team: str | None = None,
              detail: dict[str, Any] | None = None) -> None:
        """Queue an admin action; callers that must see it durable await ``flush()``."""
        self.push(admin_entry(actor, action, target=target, team=team, detail=detail,
                              ts=self.clock.now().timestamp()))

    def config_loaded(self, cfg: Config, source: str | None, reason: str, previous: str | None = None) -> None:
        """Record which configuration is in force (its hash; ``config.load`` at start, later
        ``config.reload`` with the hash it replaced), so any request can be tied to the policy
        that routed it."""
        from tenbin.config.loader import config_hash

        detail: dict[str, Any] = {"config_sha256": config_hash(cfg), "reason": reason}
        if previous is not None:
            detail["previous_sha256"] = previous
        self.push(admin_entry(SYSTEM_ACTOR, f"config.{reason}" if reason != "start" else "config.load",
                              target=source, team="-", detail=detail, ts=self.clock.now().timestamp()))

    def refusal(self, request_id: str | None, key_id: str, status: int, reason: str,
                detail: dict[str, Any]) -> None:
        """Queue a refused login (api/refusals.py bounds how many per minute)."""
        self.push(refusal_entry(request_id, key_id, status, reason, self.clock.now().timestamp(), detail))

    # ---- background flushing (tenbin.batching) -------------------------------------------
    async def write(self, batch: list[dict[str, Any]]) -> None:
        """Chain a batch into the store; seq and hashes are assigned in the store's transaction."""
        self.head = await self.store.append_audit(batch, seal)

    def is_content_error(self, exc: Exception) -> bool:
        return self.store.is_content_error(exc)

    def item_id(self, item: dict[str, Any]) -> str:
        return f"entry {item.get('request_id') or item.get('action')}"

    async def quarantine(self, item: dict[str, Any], exc: Exception) -> bool:
        """The original to quarantine, a repaired and marked copy into the chain (governance/quarantine.py)."""
        repaired, head = await keep(self.store, item, exc)
        if head is not None:
            self.head = head
        return repaired

    async def after_flush(self) -> bool:
        return await self._flush_raw()

    async def _flush_raw(self) -> bool:
        if self.vault is None:
            return True
        done = self.written
        pending = [r for r in self._raw if r[0] <= done]
        self._raw = self._raw[len(pending):]  # queued in order of their counts, so a prefix
        try:
            now = self.clock.now().timestamp()
            rows = [self.vault.seal(rid, team, prompt, answer, now) for _, rid, team, prompt, answer in pending]
            await RawVault.store_rows(self.store, rows)
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

