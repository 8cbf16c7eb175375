"""Assemble a running gateway from a Config: store, catalog, providers, router, ledger, hooks.

One place that knows how the parts fit, used by the server and by tests; the CLI uses the store
part alone.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tenbin.auth.keys import KeyRing
from tenbin.catalog.catalog import Catalog, ModelSpec, load_catalog
from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import Config
from tenbin.finops.config import FinOpsConfig
from tenbin.finops.service import FinOps
from tenbin.gateway.pipeline import Gateway
from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.governance import AuditWriter, GovernanceConfig
from tenbin.ledger.writer import LedgerWriter
from tenbin.observe.metrics import Metrics
from tenbin.observe.tracing import Tracing
from tenbin.providers.base import Provider
from tenbin.providers.registry import build_providers
from tenbin.providers.resilience import Breakers
from tenbin.routing.router import Router
from tenbin.shared.wiring import Shared, build_shared
from tenbin.store.base import Store
from tenbin.store.factory import open_store

if TYPE_CHECKING:
    from tenbin.workers.link import StateLink

log = logging.getLogger("tenbin")


@dataclass
class Runtime:
    cfg: Config
    store: Store
    catalog: Catalog
    providers: dict[str, Provider]
    keyring: KeyRing
    ledger: LedgerWriter
    gateway: Gateway
    extras: dict[str, Any] = field(default_factory=dict)
    audit: AuditWriter | None = None
    finops: FinOps | None = None
    shared: Shared | None = None
    config_source: str | None = None  # the file the config came from (tenbin serve sets it)
    metrics: Metrics | None = None
    tracing: Tracing | None = None

    async def start(self) -> None:
        await self.store.migrate()
        if self.finops is not None:
            await self.finops.start()  # FX rates and budget spend before the first request
        self.ledger.start()
        if self.shared is not None:
            self.shared.start()
        if self.audit is not None:
            self.audit.start()
            if self.extras.get("records_config", True):  # serve --workers: worker 0 says it for all
                self.audit.config_loaded(self.cfg, self.config_source, "start")  # which config is in force
        for p in self.providers.values():
            start = getattr(p, "start", None)  # optional: providers that own processes (embedded)
            if start is not None:
                await start()

    async def stop(self) -> None:
        await self.ledger.close()
        if self.shared is not None:
            await self.shared.stop()
        if self.finops is not None:
            await self.finops.stop()
        if self.audit is not None:
            await self.audit.close()
        for p in self.providers.values():
            await p.aclose()
        if self.tracing is not None:
            await self.tracing.shutdown()  # the spans of the last requests, flushed to the collector
        await self.store.close()


def build_runtime(cfg: Config, *, store: Store | None = None, clock: Clock = SYSTEM,
                  worker_state: StateLink | None = None) -> Runtime:
    """``clock`` is the one "now" every part reads (request times, Tokyo days, budget periods,
    breaker cooldowns); tests pass a :class:`tenbin.clock.ManualClock`. ``worker_state``: the
    supervisor's state socket when this is one of ``tenbin serve --workers`` (tenbin.workers)."""
    catalog = load_catalog(cfg.models)
    if cfg.default_model not in catalog:
        raise ValueError(f"default_model: unknown model {cfg.default_model!r}")
    store = store or open_store(cfg.store)
    providers = build_providers(cfg.providers)
    ledger = LedgerWriter(store, cfg.ledger)
    privacy = PrivacyStage.from_config(cfg.privacy)
    gov = GovernanceConfig.from_section(cfg.governance)
    audit = AuditWriter(store, catalog, gov, clock=clock) if gov.audit else None
    shared = build_shared(cfg, clock, worker_state)  # Redis-backed when cfg.redis is set, so replicas agree
    tracing = Tracing.from_config(cfg)  # None unless tracing.enabled (no OpenTelemetry import then)
    finops = FinOps(FinOpsConfig.from_section(cfg.finops), catalog, store, ledger=shared.budget_ledger,
                    clock=clock)
    gateway = Gateway(
        cfg=cfg, catalog=catalog, providers=providers,
        router=Router(cfg, catalog, breakers=shared.breakers, providers=providers, clock=clock), ledger=ledger,
        pricer=finops.pricer, breakers=shared.breakers, privacy=privacy, audit=audit,
        budget=shared.guard(finops.guard),
        cache=shared.cache, clock=clock, tracing=tracing,
    )
    finops.guard.usable = functools.partial(can_serve, providers, shared.breakers)
    metrics = Metrics([m.id for m in catalog], providers, cfg.metrics.max_teams) if cfg.metrics.enabled else None
    if metrics is not None:
        ledger.observers.append(metrics.observe)
    return Runtime(cfg, store, catalog, providers, KeyRing(store, clock=clock), ledger, gateway, audit=audit,
                   finops=finops, shared=shared, metrics=metrics, tracing=tracing)


def can_serve(providers: dict[str, Provider], breakers: Breakers, model: ModelSpec) -> bool:
    """Could ``model`` answer now (its provider configured and available, its breaker not open)?
    Budgets ask before downgrading to it; nothing is reserved or tried."""
    p = providers.get(model.provider)
    return p is not None and p.availability().ok and breakers.get(model.id).state() != "open"
