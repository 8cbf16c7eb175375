"""Sovereignty constraints, compiled to the set of catalog models that satisfy each one.

Which models comply is a property of the catalog, not of the request, so it is computed once; per
request only the ``when`` predicates run and the allowed sets are intersected. Constraints are
applied before rules pick a model and nothing later (cost, budget, client headers) can widen them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tenbin.catalog.catalog import ModelSpec
from tenbin.routing.compile import Check, compile_match, first_miss
from tenbin.routing.features import Features
from tenbin.routing.schema import Constraint, Requirement


def violation(req: Requirement, m: ModelSpec) -> str | None:
    """Why ``m`` fails ``req`` in words an auditor can read, or None."""
    if req.region is not None and m.region not in req.region:
        return f"region {m.region} not in {'/'.join(req.region)}"
    if req.jurisdiction is not None and m.jurisdiction not in req.jurisdiction:
        return f"jurisdiction {m.jurisdiction} not in {'/'.join(req.jurisdiction)}"
    if req.max_retention_days is not None and m.retention_days > req.max_retention_days:
        return f"retention {m.retention_days}d > {req.max_retention_days}d"
    if req.no_training and m.trains_on_data:
        return "vendor trains on data"
    return None


@dataclass(frozen=True, slots=True)
class CompiledConstraint:
    name: str
    checks: tuple[Check, ...]
    unless_masked: bool
    requirement: Requirement
    compliant: frozenset[str]
    why_not: dict[str, str]

    def applies(self, f: Features) -> bool:
        return first_miss(self.checks, f) is None


def compile_constraints(
    constraints: Iterable[Constraint], models: Iterable[ModelSpec],
    complexity: Callable[[Features], tuple[float, str]],
) -> tuple[CompiledConstraint, ...]:
    models = list(models)
    out = []
    for i, c in enumerate(constraints):
        why = {m.id: w for m in models if (w := violation(c.require, m)) is not None}
        out.append(CompiledConstraint(
            name=c.name or f"constraint-{i + 1}", checks=compile_match(c.when, complexity),
            unless_masked=c.unless_masked, requirement=c.require,
            compliant=frozenset(m.id for m in models if m.id not in why), why_not=why,
        ))
    return tuple(out)
