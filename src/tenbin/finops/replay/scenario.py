"""A what-if scenario: price changes, outages, FX overrides and a replacement policy file."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from tenbin.catalog.catalog import Catalog, ModelSpec, Price
from tenbin.config.schema import Config
from tenbin.finops.fxstore import parse_override

_PRICE = re.compile(r"^([^:]+):([+-]\d+(?:\.\d+)?)%$")


@dataclass(slots=True)
class Scenario:
    price_changes: dict[str, Decimal] = field(default_factory=dict)  # provider or model id → multiplier
    outages: set[str] = field(default_factory=set)  # provider or model ids
    fx: dict[str, Decimal] = field(default_factory=dict)
    policy: dict[str, Any] | None = None  # config keys overriding the current config

    @property
    def empty(self) -> bool:
        return not (self.price_changes or self.outages or self.fx or self.policy)

    def describe(self) -> list[str]:
        out = [f"price {k} ×{v}" for k, v in self.price_changes.items()]
        out += [f"outage {k}" for k in sorted(self.outages)]
        out += [f"fx {k}JPY={v}" for k, v in self.fx.items()]
        if self.policy is not None:
            out.append("policy: " + ", ".join(sorted(self.policy)))
        return out or ["no change (baseline replay)"]

    def down(self, m: ModelSpec) -> bool:
        return m.id in self.outages or m.provider in self.outages

    def apply_prices(self, catalog: Catalog) -> Catalog:
        if not self.price_changes:
            return catalog
        changed = []
        for m in catalog:
            k = self.price_changes.get(m.id, self.price_changes.get(m.provider))
            if k is None:
                continue
            prices = tuple(Price(effective=p.effective, currency=p.currency, input=p.input * k,
                                 cached_input=None if p.cached_input is None else p.cached_input * k,
                                 output=p.output * k) for p in m.prices)
            changed.append(m.model_copy(update={"prices": prices}))
        return catalog.replace(changed)


def parse_scenario(prices: list[str], outages: list[str], fx: list[str], policy: Path | None) -> Scenario:
    s = Scenario()
    for p in prices:
        m = _PRICE.match(p.strip())
        if not m:
            raise ValueError(f"--price {p!r}: expected PROVIDER_OR_MODEL:+N% or :-N%, e.g. openai:+30%")
        k = 1 + Decimal(m[2]) / 100
        if k < 0:
            raise ValueError(f"--price {p!r}: a price cannot fall below zero")
        s.price_changes[m[1]] = k
    s.outages = {o.strip() for o in outages if o.strip()}
    for f in fx:
        ccy, rate = parse_override(f)
        s.fx[ccy] = rate
    if policy is not None:
        try:
            raw = yaml.safe_load(policy.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as e:
            raise ValueError(f"--policy {policy}: {e}") from None
        if not isinstance(raw, dict):
            raise ValueError(f"--policy {policy}: expected a mapping of config keys (routing, fallbacks, ...)")
        s.policy = raw
    return s


def check_names(scenario: Scenario, cfg: Config, catalog: Catalog) -> None:
    """Every provider or model a scenario names must exist: a typo (``--outage openia``) would
    otherwise simulate nothing and report "no change" as if it were an answer."""
    models = sorted(m.id for m in catalog)
    providers = sorted({m.provider for m in catalog} | set(cfg.providers))
    known = set(models) | set(providers)
    named = [("--outage", n) for n in sorted(scenario.outages)]
    named += [("--price", n) for n in scenario.price_changes]
    for opt, n in named:
        if n in known:
            continue
        close = difflib.get_close_matches(n, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{opt} {n!r}: no provider or model of that name{hint}. "
                         f"Providers: {', '.join(providers)}. Models: {', '.join(models)}.")
