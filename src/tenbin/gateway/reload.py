"""Hot reload: swap policy, models, privacy terms, budgets and FX without a restart.

Everything new is built and validated first, off to the side (catalog, router, privacy stage,
FinOps section), so a bad file changes nothing. Then the swap is a run of plain assignments with
no ``await`` between them: on the event loop no request can see half of it. A request already in
flight keeps the Decision, models and masked body it started with and finishes under the policy
that routed it; the next one is routed by the new one. Budgets and FX are then re-read by the
FinOps refresh (config budgets, ``budgets set`` rules and ``fx`` rates from the store). Providers
are not swapped: their connections and the embedded model's processes belong to the running
gateway, so a changed ``providers`` section is refused with "restart to apply".
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tenbin.catalog.catalog import load_catalog
from tenbin.config.loader import ConfigError, config_hash, load_config
from tenbin.config.schema import Config
from tenbin.config.validate import check_config

if TYPE_CHECKING:
    from tenbin.gateway.runtime import Runtime

log = logging.getLogger("tenbin.reload")

SWAPPED = ("models", "default_model", "default_embedding_model", "fallbacks", "routing", "privacy", "finops",
           "governance")
# tracing: its tracer provider and export thread are built once, at start (observe/tracing.py).
RESTART_ONLY = ("store", "redis", "providers", "ledger", "shared", "breaker", "retry", "tracing", "metrics")


@dataclass(frozen=True, slots=True)
class Reloaded:
    previous_sha256: str
    sha256: str
    changed: tuple[str, ...]  # top-level sections that differ
    warnings: tuple[str, ...]


def _changed(old: Config, new: Config) -> list[str]:
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


async def reload_runtime(rt: Runtime, cfg: Config | None = None) -> Reloaded:
    """Swap ``rt`` to ``cfg`` (default: re-read ``rt.config_source``); ConfigError and nothing
    changed when it is invalid or changes what needs a restart."""
    lock = rt.extras.setdefault("reload_lock", asyncio.Lock())
    async with lock:
        if cfg is None:
            if rt.config_source is None:
                raise ConfigError("this gateway was started without a config file; nothing to reload")
            cfg = load_config(Path(rt.config_source))
            adjust = rt.extras.get("adjust_config")  # serve --workers: this worker's own spool directory
            if adjust is not None:
                cfg = adjust(cfg)
        kept: list[str] = []
        if cfg.server != rt.cfg.server:
            # the listening socket stays (and `serve --port` overrides are not in the file)
            cfg = cfg.model_copy(update={"server": rt.cfg.server})
            kept.append("server: kept as running (bind address, limits and auth change at the next start)")
        changed = _changed(rt.cfg, cfg)
        restart = [k for k in changed if k in RESTART_ONLY]
        if restart:
            raise ConfigError(f"{', '.join(restart)} changed: restart the gateway to apply (nothing was reloaded)")
        catalog = load_catalog(cfg.models)
        findings = check_config(cfg, catalog, today=rt.gateway.clock.now().date())
        findings.raise_for_errors(rt.config_source or "config")
        from tenbin.finops.config import FinOpsConfig
        from tenbin.gateway.privacy_stage import PrivacyStage
        from tenbin.governance.config import GovernanceConfig
        from tenbin.routing.router import Router

        gw = rt.gateway
        router = Router(cfg, catalog, breakers=gw.breakers, providers=rt.providers, clock=gw.clock)
        privacy = PrivacyStage.from_config(cfg.privacy)
        fcfg = FinOpsConfig.from_section(cfg.finops)
        gov = GovernanceConfig.from_section(cfg.governance)
        for r in fcfg.budgets:
            if r.downgrade_to and r.downgrade_to not in catalog:
                raise ConfigError(f"finops.budgets.{r.name}.downgrade_to: unknown model {r.downgrade_to!r}")
        before = config_hash(rt.cfg)
        prepared = await rt.finops.prepare(fcfg, catalog) if rt.finops is not None else None
        # ---- the swap: no await from here to the end of the block ---------------------------
        gw.cfg, gw.catalog, gw.router, gw.privacy = cfg, catalog, router, privacy
        if rt.finops is not None and prepared is not None:
            rt.finops.cfg, rt.finops.catalog, rt.finops.guard.catalog = fcfg, catalog, catalog
            rt.finops.apply(prepared)  # budgets and FX with the policy, in the same instant
        if rt.audit is not None:
            rt.audit.catalog = catalog
            rt.audit.cfg = rt.audit.cfg.model_copy(update={"vendors": gov.vendors,
                                                           "review_max_age_days": gov.review_max_age_days})
        rt.cfg, rt.catalog = cfg, catalog
        # ---------------------------------------------------------------------------------------
        if rt.finops is not None and prepared is not None:
            await rt.finops.announce(prepared)  # thresholds a new budget starts past, sent once
        if rt.audit is not None and rt.extras.get("records_config", True):  # serve --workers: worker 0's
            rt.audit.config_loaded(cfg, rt.config_source, "reload", previous=before)
            await rt.audit.flush()
        done = Reloaded(before, config_hash(cfg), tuple(changed), tuple(kept + findings.warnings))
        log.info("config reloaded (%s): %s → %s", ", ".join(changed) or "no change", before[:12], done.sha256[:12])
        return done
