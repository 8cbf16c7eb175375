"""Vector spaces of the embedding models: which models may stand in for each other.

Vectors from different embedding models are not comparable: a retrieval index built with model A
and queried with vectors of model B returns neighbours that mean nothing, and nothing fails. So
routing keeps an embeddings request inside the requested model's space (routing/router.py), and
the config check refuses a catalog whose spaces contradict themselves. Pure functions over
``ModelSpec``; the config paths they report are the caller's (config/validate.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from tenbin.catalog.catalog import ModelSpec


def spaces(models: Iterable[ModelSpec]) -> dict[str, list[ModelSpec]]:
    """The embedding models of each vector space, in catalog order."""
    out: dict[str, list[ModelSpec]] = {}
    for m in models:
        if m.kind == "embedding":
            out.setdefault(m.space, []).append(m)
    return out


@dataclass(slots=True)
class SpaceFindings:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_spaces(models: list[tuple[str, ModelSpec]], own: frozenset[str]) -> SpaceFindings:
    """``models``: each catalog model with the config path an operator would edit; ``own``: the
    ids the config itself declares (only those are warned about: a shipped model alone in its
    space is the normal case).

    Errors: models of one space that declare different ``dimensions`` (a stand-in would answer
    vectors of another width), and a ``vector_space`` spelled as the id of a model that lives in
    another space (``vector_space: text-embedding-3-small`` where that model's space is
    ``openai/text-embedding-3-small``: it would silently stand in for nothing). Warning: a
    config model naming a space no other model is in, most often a typo of one that exists."""
    f = SpaceFindings()
    by_id = {m.id: m for _, m in models}
    groups = spaces(m for _, m in models)
    first_width: dict[str, ModelSpec] = {}
    for path, m in models:
        if m.kind != "embedding":
            continue
        if m.dimensions is not None:
            seen = first_width.setdefault(m.space, m)
            if seen.dimensions != m.dimensions:
                f.errors.append(
                    f"{path}.dimensions: {m.dimensions} differs from {seen.id}'s {seen.dimensions} in vector_space "
                    f"{m.space!r}; models of one space answer vectors of one width (a request without "
                    "`dimensions` would get another width from a stand-in) — fix the width or the vector_space")
        v = m.vector_space
        if v is None or v == m.id:
            continue
        named = by_id.get(v)
        if named is not None and named.kind == "embedding" and named.space != v:
            f.errors.append(f"{path}.vector_space: {v!r} is the id of a model whose vector space is "
                            f"{named.space!r}; did you mean vector_space: {named.space}?")
            continue
        if m.id in own and len(groups.get(v, ())) == 1 and named is None:
            others = [s for s in groups if s != v]
            close = difflib.get_close_matches(v, others, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            f.warnings.append(f"{path}.vector_space: no other model is in {v!r}, so {m.id} stands in for "
                              f"no other model and none for it{hint}")
    return f


def incomparable(requested: ModelSpec, other: ModelSpec) -> str:
    """Why ``other`` may not answer for ``requested`` (for route traces and config warnings)."""
    return f"vector space {other.space}, incomparable with {requested.id}'s {requested.space}"
