"""Cross-checks between the policy and the catalog, at load time.

A rule naming a model the catalog does not know would otherwise surface as a 404 on some later
request; failing the boot with the rule's path is kinder to whoever edits the policy.
"""

from __future__ import annotations

from collections.abc import Iterable

from tenbin.catalog.catalog import Catalog
from tenbin.config.schema import Config
from tenbin.routing.schema import RoutingPolicy, Target


def _refs(path: str, t: Target) -> Iterable[tuple[str, str]]:
    for m in t.models:
        yield f"{path}.{'model' if t.model is not None else 'pool'}", m
    for m in t.fallbacks:
        yield f"{path}.fallbacks", m
    for m in t.weights or {}:
        yield f"{path}.weights", m


def check_model_refs(p: RoutingPolicy, cfg: Config, catalog: Catalog) -> None:
    refs: list[tuple[str, str]] = []
    for i, r in enumerate(p.rules):
        if r.has_target:
            refs += _refs(f"routing.rules.{i}({r.name})", r)
        else:
            refs += [(f"routing.rules.{i}({r.name}).fallbacks", m) for m in r.fallbacks]
        refs += [(f"routing.rules.{i}({r.name}).reroute_to", m) for m in r.reroute_to or ()]
    for name, t in p.aliases.items():
        if name in catalog:
            raise ValueError(f"routing.aliases.{name}: shadows the catalog model {name!r}; pick another name")
        refs += _refs(f"routing.aliases.{name}", t)
    for tier, t in p.tiers.items():
        refs += _refs(f"routing.tiers.{tier}", t)
    refs += [("routing.reroute_to", m) for m in p.reroute_to or ()]
    refs += [("routing.models", m) for m in p.models]
    for model_id, chain in cfg.fallbacks.items():
        refs += [(f"fallbacks.{model_id}", m) for m in (model_id, *chain)]
    for path, m in refs:
        if m not in catalog:
            raise ValueError(f"{path}: unknown model {m!r}")
