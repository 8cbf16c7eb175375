"""Cross-checks of a whole config against the catalog, at start and in ``tenbin config check``.

The schema validates each field alone; these checks catch what only the whole can show, the
typos that used to start silently and route wrong: ``region: [JP, onprem]`` (never matches an
on-prem model, so 日報 went to a SaaS), a model whose ``provider`` is not configured, a rule
naming an unknown model, a sovereignty constraint no model can ever meet. Errors name the field
and stop the start; warnings (a vendor key missing, a rule whose models are all unavailable) are
printed and let it run.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.catalog.spaces import check_spaces, incomparable
from tenbin.config.iso3166 import check_region
from tenbin.config.loader import ConfigError
from tenbin.config.schema import Config, ProviderConfig


class ConfigInvalid(ConfigError, ValueError):
    """Raised at start with every error found (a ValueError, so ``tenbin serve`` reports it)."""


@dataclass(slots=True)
class Findings:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def raise_for_errors(self, origin: str = "config") -> None:
        if self.errors:
            raise ConfigInvalid("\n".join([f"invalid configuration in {origin}:",
                                           *(f"  {e}" for e in self.errors)]))


def _section_errors(model: Any, section: dict[str, Any], prefix: str) -> list[str]:
    """Each field error of a package's section as its own line (``governance.vendors.x.country: …``)."""
    from pydantic import ValidationError

    try:
        model.model_validate(section)
    except ValidationError as e:
        return [f"{prefix}." + ".".join(str(p) for p in err["loc"]) + ": " + err["msg"].removeprefix("Value error, ")
                for err in e.errors()]
    return []


def _did_you_mean(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _model_paths(cfg: Config, catalog: Catalog) -> list[tuple[str, ModelSpec]]:
    """Each catalog model with the path an operator would edit: ``models.N(id)`` for the config's
    own, ``catalog(id)`` for the shipped ones it did not override."""
    own = {m.id: i for i, m in enumerate(cfg.models)}
    out = []
    for m in catalog:
        out.append((f"models.{own[m.id]}({m.id})" if m.id in own else f"catalog({m.id})", m))
    return out


def _check_models(cfg: Config, catalog: Catalog, f: Findings) -> None:
    configured = sorted(cfg.providers)
    for path, m in _model_paths(cfg, catalog):
        why = check_region(m.region, allow_on_prem=True)
        if why:
            f.errors.append(f"{path}.region: {why}")
        why = check_region(m.jurisdiction, allow_on_prem=False)
        if why:
            f.errors.append(f"{path}.jurisdiction: {why}")
        if m.provider not in cfg.providers:
            f.errors.append(f"{path}.provider: {m.provider!r} is not a configured provider (configured: "
                            f"{', '.join(configured)}){_did_you_mean(m.provider, configured)}")
            continue
        why = _kind_mismatch(m, cfg.providers[m.provider])
        if why:
            f.errors.append(f"{path}.kind: {why}")


def _check_spaces(cfg: Config, catalog: Catalog, f: Findings) -> None:
    """Vector spaces that contradict themselves (catalog/spaces.py), and configured fallbacks an
    embeddings request will never take because their vectors are incomparable with the model's."""
    found = check_spaces(_model_paths(cfg, catalog), frozenset(m.id for m in cfg.models))
    f.errors += found.errors
    f.warnings += found.warnings
    for model_id, chain in sorted(cfg.fallbacks.items()):
        m = catalog.get(model_id)
        if m is None or m.kind != "embedding":
            continue
        for name in chain:
            other = catalog.get(name)
            if other is not None and other.kind == "embedding" and other.space != m.space:
                f.warnings.append(f"fallbacks.{model_id}: {other.id} is in {incomparable(m, other)}; an "
                                  "embeddings request never falls back to it (give it the same vector_space "
                                  "only if it is the same model)")
    from tenbin.routing.schema import RoutingPolicy

    try:
        aliases = RoutingPolicy.from_section(cfg.routing).aliases
    except ValueError:
        return  # _check_routing reports it
    for name, t in sorted(aliases.items()):
        pool = [m for x in (*t.models, *t.fallbacks) if (m := catalog.get(x)) is not None and m.kind == "embedding"]
        unused = [m.id for m in pool if m.space != pool[0].space]
        if unused:
            f.warnings.append(f"routing.aliases.{name}: {', '.join(unused)} not in the vector space of its first "
                              f"embedding model {pool[0].id} ({pool[0].space}); embeddings requests for the alias "
                              "never use them")


def _check_default_embedding(cfg: Config, catalog: Catalog, f: Findings) -> None:
    name = cfg.default_embedding_model
    if name is None:
        return
    m = catalog.get(name)
    if m is None:
        f.errors.append(f"default_embedding_model: unknown model {name!r}"
                        + _did_you_mean(name, [x.id for x in catalog if x.kind == "embedding"]))
    elif m.kind != "embedding":
        f.errors.append(f"default_embedding_model: {m.id} is a chat model; tenbin/auto on /v1/embeddings "
                        "needs a kind: embedding model (the one your index was built with)")


def _kind_mismatch(m: ModelSpec, p: ProviderConfig) -> str | None:
    """An embedding model on a provider that cannot embed (or a chat model on an engine loaded for
    embeddings) would fail every request routed to it: refuse the config instead."""
    if m.kind == "embedding" and p.kind == "anthropic":
        return f"{m.id} is an embedding model, and Anthropic's API serves none"
    if p.kind == "llamacpp" and (m.kind == "embedding") != p.embedding:
        return (f"{m.id} is an embedding model, so providers.{m.provider} needs embedding: true"
                if m.kind == "embedding" else
                f"{m.id} is a chat model, and providers.{m.provider} is loaded for embeddings (embedding: true)")
    return None


def _available(cfg: Config, m: ModelSpec) -> bool:
    p = cfg.providers.get(m.provider)
    return p is not None and not p.missing_secret


def _check_routing(cfg: Config, catalog: Catalog, f: Findings) -> Any:
    from tenbin.routing.constraints import violation
    from tenbin.routing.schema import RoutingPolicy
    from tenbin.routing.validate import check_model_refs

    try:
        policy = RoutingPolicy.from_section(cfg.routing)
    except ValueError as e:
        section = cfg.routing if "constraints" in cfg.routing else {**cfg.routing, "constraints": []}
        f.errors.extend(_section_errors(RoutingPolicy, section, "routing") or [str(e)])
        return None
    try:
        check_model_refs(policy, cfg, catalog)
    except ValueError as e:
        msg = str(e)
        bad = msg.rsplit("unknown model ", 1)[-1].strip("'") if "unknown model" in msg else ""
        f.errors.append(msg + (_did_you_mean(bad, [m.id for m in catalog]) if bad else ""))
    models = list(catalog)
    for i, c in enumerate(policy.constraints):
        path = f"routing.constraints.{i}({c.name or f'constraint-{i + 1}'})"
        for key in ("region", "jurisdiction"):
            for v in getattr(c.require, key) or ():
                why = check_region(v, allow_on_prem=key == "region")
                if why:
                    f.errors.append(f"{path}.require.{key}: {why}")
        meets = [m for m in models if violation(c.require, m) is None]
        if not meets:
            if c.unless_masked:
                f.warnings.append(f"{path}.require: no model meets it, so every request it matches is "
                                  "masked (unless_masked) — check the values")
            else:
                f.errors.append(f"{path}.require: no model in the catalog meets it, so every request it "
                                "matches would be refused")
        elif not any(_available(cfg, m) for m in meets):
            f.warnings.append(f"{path}: only {', '.join(m.id for m in meets)} meet it, and none of their "
                              "providers is available now")
    return policy


@dataclass(frozen=True, slots=True)
class Dependency:
    """A routing target (``routing.rules.2(support-draft)``, ``routing.tiers.light``…), the models
    it can send to (target, pool, fallbacks, reroute pool) and the providers behind them."""

    where: str
    models: tuple[str, ...]
    providers: tuple[str, ...]


def dependencies(cfg: Config, catalog: Catalog) -> list[Dependency]:
    """Which rules, aliases and tiers depend on which providers (``tenbin config check``)."""
    from tenbin.routing.schema import RoutingPolicy

    try:
        policy = RoutingPolicy.from_section(cfg.routing)
    except ValueError:
        return []
    targets: list[tuple[str, tuple[str, ...]]] = []
    for i, r in enumerate(policy.rules):
        names = (*(r.models if r.has_target else ()), *r.fallbacks, *(r.reroute_to or ()))
        targets.append((f"routing.rules.{i}({r.name})", names))
    targets += [(f"routing.aliases.{n}", (*t.models, *t.fallbacks)) for n, t in policy.aliases.items()]
    targets += [(f"routing.tiers.{n}", (*t.models, *t.fallbacks)) for n, t in policy.tiers.items()]
    if policy.reroute_to:
        targets.append(("routing.reroute_to", policy.reroute_to))
    targets.append(("default_model", (cfg.default_model, *cfg.fallbacks.get(cfg.default_model, ()))))
    if cfg.default_embedding_model:
        emb = cfg.default_embedding_model
        targets.append(("default_embedding_model", (emb, *cfg.fallbacks.get(emb, ()))))
    out = []
    for where, names in targets:
        specs = [m for n in dict.fromkeys(names) if (m := catalog.get(n)) is not None]
        if specs:
            out.append(Dependency(where, tuple(m.id for m in specs), tuple(dict.fromkeys(m.provider for m in specs))))
    return out


def _check_register(cfg: Config, catalog: Catalog, f: Findings, today: dt.date) -> None:
    """The vendor register (``governance.vendors``) names configured providers; every provider that
    can send data abroad has an entry; no review is older than ``review_max_age_days``."""
    from tenbin.governance.config import GovernanceConfig

    try:
        gov = GovernanceConfig.from_section(cfg.governance)
    except ValueError as e:
        f.errors.extend(_section_errors(GovernanceConfig, cfg.governance, "governance") or [str(e)])
        return
    for name in sorted(gov.vendors):
        if name not in cfg.providers:
            f.errors.append(f"governance.vendors.{name}: not a configured provider{_did_you_mean(name, cfg.providers)}")
    abroad = sorted({m.provider for m in catalog if not (m.domestic and m.jurisdiction == "JP")})
    for name in abroad:
        if name in cfg.providers and _available(cfg, next(m for m in catalog if m.provider == name)) \
                and name not in gov.vendors:
            f.warnings.append(f"governance.vendors: no entry for provider {name!r}, which sends data abroad "
                              "(the APPI record cannot name its legal entity or legal basis)")
    for name, v in sorted(gov.vendors.items()):
        due = v.review_due(gov.review_max_age_days)
        if due is not None and today > due:
            f.warnings.append(f"governance.vendors.{name}.last_review: {v.last_review} is more than "
                              f"{gov.review_max_age_days} days old; transfers now rely on an expired Art. 28(3) review")


def check_config(cfg: Config, catalog: Catalog, today: dt.date | None = None) -> Findings:
    """Every error and warning of ``cfg`` as a whole (the fields themselves are already valid).
    ``today`` (the Tokyo date) dates the vendor reviews; the system's when not given."""
    f = Findings()
    _check_models(cfg, catalog, f)
    if cfg.default_model not in catalog:
        f.errors.append(f"default_model: unknown model {cfg.default_model!r}"
                        + _did_you_mean(cfg.default_model, [m.id for m in catalog]))
    elif (dm := catalog.get(cfg.default_model)) is not None and dm.kind != "chat":
        f.errors.append(f"default_model: {dm.id} is an embedding model; tenbin/auto answers chats")
    _check_default_embedding(cfg, catalog, f)
    _check_spaces(cfg, catalog, f)
    _check_routing(cfg, catalog, f)
    _check_register(cfg, catalog, f, today or dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date())
    for name, p in sorted(cfg.providers.items()):
        if p.missing_secret and any(m.provider == name for m in cfg.models):
            f.warnings.append(f"providers.{name}: environment variable {p.missing_secret} is not set; its "
                              "models are unavailable")
    for d in dependencies(cfg, catalog):
        if d.where.startswith("routing.rules.") and not any(_available(cfg, m) for n in d.models
                                                              if (m := catalog.get(n)) is not None):
            f.warnings.append(f"{d.where}: none of its models ({', '.join(d.models)}) has an available "
                              "provider now; requests it matches will fail or fall through")
    return f
