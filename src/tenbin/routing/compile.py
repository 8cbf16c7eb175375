"""Turn ``Match`` data into a tuple of small predicates, once, at load time.

A rule with three conditions becomes three closures; a request is checked with ``all(...)`` and
the first failing condition is named in the trace, so an operator can see *why* a rule missed.
"""

from __future__ import annotations

from collections.abc import Callable

from tenbin.routing.features import Features
from tenbin.routing.schema import Match, Range

Pred = Callable[[Features], bool]
Check = tuple[str, Pred]


def _range_pred(r: Range, get: Callable[[Features], float | int | None]) -> Pred:
    lo = float(r.min) if r.min is not None else None
    hi = float(r.max) if r.max is not None else None

    def pred(f: Features) -> bool:
        v = get(f)
        if v is None:
            return False
        return (lo is None or v >= lo) and (hi is None or v <= hi)

    return pred


def compile_match(m: Match, complexity: Callable[[Features], tuple[float, str]]) -> tuple[Check, ...]:
    """Predicates for ``m``; ``complexity`` is the (memoised) estimator so it runs only if needed."""
    out: list[Check] = []

    def member(name: str, values: tuple[str, ...] | None, get: Callable[[Features], str | None]) -> None:
        if values is not None:
            s = frozenset(values)
            out.append((name, lambda f: get(f) in s))

    member("team", m.team, lambda f: f.team)
    member("project", m.project, lambda f: f.project)
    member("key_id", m.key_id, lambda f: f.key_id)
    member("use_case", m.use_case, lambda f: f.use_case)
    member("model", m.model, lambda f: f.model)
    if m.data_class is not None:
        dcs = frozenset(m.data_class)
        # Any class present counts (a confidential memo naming a customer is both).
        out.append(("data_class", lambda f: not dcs.isdisjoint(f.classes)))
    if m.min_data_class is not None:
        floor = m.min_data_class
        out.append(("min_data_class", lambda f: f.data_class >= floor))
    if m.labels is not None:
        labels = frozenset(m.labels)
        out.append(("labels", lambda f: not labels.isdisjoint(f.labels)))
    if m.complexity_tier is not None:
        tiers = frozenset(m.complexity_tier)
        out.append(("complexity_tier", lambda f: complexity(f)[1] in tiers))
    if m.complexity is not None:
        out.append(("complexity", _range_pred(m.complexity, lambda f: complexity(f)[0])))
    if m.chars is not None:
        out.append(("chars", _range_pred(m.chars, lambda f: f.chars)))
    if m.tokens is not None:
        out.append(("tokens", _range_pred(m.tokens, lambda f: f.tokens)))
    if m.context_needed is not None:
        out.append(("context_needed", _range_pred(m.context_needed, lambda f: f.context_needed)))
    if m.latency_budget_ms is not None:
        out.append(("latency_budget_ms", _range_pred(m.latency_budget_ms, lambda f: f.latency_budget_ms)))
    if m.tools is not None:
        want_tools = m.tools
        out.append(("tools", lambda f: f.tools is want_tools))
    if m.json_mode is not None:
        want_json = m.json_mode
        out.append(("json_mode", lambda f: f.json_mode is want_json))
    if m.tags:
        items = tuple(m.tags.items())
        out.append(("tags", lambda f: all(f.tags.get(k) == v for k, v in items)))
    if m.prompt_contains is not None:
        needles = tuple(s.lower() for s in m.prompt_contains)
        out.append(("prompt_contains", lambda f: any(n in f.lower for n in needles)))
    return tuple(out)


def first_miss(checks: tuple[Check, ...], f: Features) -> str | None:
    """Name of the first condition that fails, or None when all hold."""
    for name, pred in checks:
        if not pred(f):
            return name
    return None
