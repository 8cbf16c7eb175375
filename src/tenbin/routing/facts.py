"""The routing facts of one request, recorded in its route trace so the what-if replay can decide
it again exactly (``tenbin simulate``, finops/replay/).

Routing reads the prompt only through a few derived facts: its data classes and finding labels,
sizes, turns, tools and JSON mode, and — for ``prompt_contains`` — whether a policy needle occurs.
Those facts are stored, never the text: the needles are the policy's own strings (only the ones
that matched), the labels are recognizer names (``person_name``), not the values found, and tags
are kept only for the metadata keys the policy matches on.
"""

from __future__ import annotations

from typing import Any, Final

from tenbin.privacy.classes import DataClass
from tenbin.routing.features import Features
from tenbin.routing.schema import Match, RoutingPolicy

#: Each data class as the trace names it (``Enum.name`` is a Python-level property: a look-up here
#: costs a tenth of it, and a request names its classes a few times).
CLASS_NAME: Final = {c: c.name.lower() for c in DataClass}


def _matches(p: RoutingPolicy) -> list[Match]:
    return [r.when for r in p.rules] + [c.when for c in p.constraints]


def policy_needles(p: RoutingPolicy) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lower-cased ``prompt_contains`` needles and the metadata tag keys the policy reads."""
    needles: dict[str, None] = {}
    tags: dict[str, None] = {}
    for m in _matches(p):
        for n in m.prompt_contains or ():
            needles[n.lower()] = None
        for k in m.tags or {}:
            tags[k] = None
    return tuple(needles), tuple(tags)


def record(f: Features, needles: tuple[str, ...], tag_keys: tuple[str, ...]) -> dict[str, Any]:
    """The facts of ``f`` as JSON-ready data (falsy entries left out to keep ledger rows small)."""
    out: dict[str, Any] = {"class": CLASS_NAME[f.data_class], "chars": f.chars, "tokens": f.tokens,
                           "turns": f.turns}
    if len(f.classes) != 1 or f.data_class not in f.classes:  # else the list would be [class]
        out["classes"] = sorted(map(CLASS_NAME.__getitem__, f.classes))
    if f.labels:
        out["labels"] = sorted(f.labels)
    if not f.scanned:
        out["unscanned"] = True
    if f.tools:
        out["tools"] = True
    if f.json_mode:
        out["json_mode"] = True
    if f.operation != "chat":
        out["operation"] = f.operation  # a replay must not route an embeddings request to a chat model
    if f.max_output:
        out["max_output"] = f.max_output
    if f.latency_budget_ms is not None:
        out["latency_budget_ms"] = f.latency_budget_ms
    if needles:
        hit = [n for n in needles if n in f.lower]
        if hit:
            out["contains"] = hit
    if tag_keys:
        tags = {k: str(f.tags[k]) for k in tag_keys if k in f.tags}
        if tags:
            out["tags"] = tags
    return out


def _dc(name: str) -> DataClass:
    return DataClass[name.upper()]


def features_from(facts: dict[str, Any], *, team: str, project: str, key_id: str, use_case: str | None,
                  model: str, request_id: str, complexity: tuple[float, str] | None) -> Features:
    """Features rebuilt from recorded facts. ``prompt_contains`` sees only the needles that matched
    when the request ran (the text is not stored), so a new needle in a what-if policy matches only
    where it is part of one of those."""
    dc = _dc(facts["class"])
    classes = frozenset(_dc(c) for c in facts.get("classes", [facts["class"]]))
    contains = facts.get("contains") or []
    f = Features(
        team=team, project=project, key_id=key_id, use_case=use_case, model=model, data_class=dc,
        classes=classes, labels=frozenset(facts.get("labels") or ()), scanned=not facts.get("unscanned"),
        text="", chars=int(facts.get("chars", 0)), tokens=int(facts.get("tokens", 0)),
        turns=int(facts.get("turns", 1)), tools=bool(facts.get("tools")), json_mode=bool(facts.get("json_mode")),
        max_output=int(facts.get("max_output", 0)), latency_budget_ms=facts.get("latency_budget_ms"),
        tags=dict(facts.get("tags") or {}), request_id=request_id, cx=complexity,
        operation=str(facts.get("operation", "chat")),
    )
    f._lower = "\n".join(contains)
    return f
