"""Resolve the requested model to a Decision.

This is the seam the policy engine plugs into: ``decide`` gets the request context and the
privacy scan, and must be pure given the catalog, health and budgets (no I/O on the hot path).
"""

from __future__ import annotations

from typing import Any

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.config.schema import Config
from tenbin.context import RequestContext
from tenbin.errors import Forbidden, NotFound
from tenbin.routing.decision import Decision

AUTO_MODELS = ("tenbin/auto", "auto")


class Router:
    def __init__(self, cfg: Config, catalog: Catalog) -> None:
        self.cfg = cfg
        self.catalog = catalog
        self._fallbacks: dict[str, list[ModelSpec]] = {}
        for model_id, chain in cfg.fallbacks.items():
            for f in [model_id, *chain]:
                if f not in catalog:
                    raise ValueError(f"fallbacks.{model_id}: unknown model {f!r}")
            self._fallbacks[model_id] = [m for m in (catalog.get(f) for f in chain) if m is not None]

    def resolve(self, name: str) -> ModelSpec:
        if name in AUTO_MODELS:
            name = self.cfg.default_model
        m = self.catalog.get(name)
        if m is None:
            raise NotFound(f"The model `{name}` does not exist or you do not have access to it.", param="model")
        return m

    def decide(self, ctx: RequestContext, scan: Any = None) -> Decision:
        model = self.resolve(ctx.requested_model)
        if not ctx.principal.may_use(model.id):
            raise Forbidden(f"This API key may not use model `{model.id}`.", param="model")
        fallbacks = [f for f in self._fallbacks.get(model.id, []) if ctx.principal.may_use(f.id)]
        return Decision(model=model, fallbacks=fallbacks, rule="requested",
                        trace={"requested": ctx.requested_model, "chosen": model.id})
