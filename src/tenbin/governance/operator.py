"""Audit entries for what the local operator changes from the CLI (keys, budgets, FX rates).

Whoever has shell access to the gateway's store acts as ``cli``/admin; the entry is chained into
the same log the gateway writes, flushed before the command returns.
"""

from __future__ import annotations

from typing import Any

from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import Config
from tenbin.context import Principal
from tenbin.store.base import Store

OPERATOR = Principal(key_id="cli", team="-", project="-", role="admin")


async def audited(cfg: Config, store: Store, action: str, target: str | None, team: str | None = None,
                  detail: dict[str, Any] | None = None, clock: Clock = SYSTEM) -> None:
    """Append one admin entry (``budget.set``, ``fx.set``, ``fx.load`` …) and wait until it is stored."""
    from tenbin.catalog import load_catalog
    from tenbin.governance.config import GovernanceConfig
    from tenbin.governance.writer import AuditWriter

    writer = AuditWriter(store, load_catalog(cfg.models), GovernanceConfig.model_validate(cfg.governance), clock=clock)
    writer.admin(OPERATOR, action, target=target, team=team, detail=detail)
    if not await writer.flush():
        raise RuntimeError(f"the audit entry for {action} could not be stored")
