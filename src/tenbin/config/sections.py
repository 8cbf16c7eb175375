"""Validation of the config sections that packages own (``routing``, ``finops``, …).

Each package validates its own section with its own schema; this keeps their error messages in
one shape: ``finops.budgets.0.limit_jpy: Input should be greater than 0``.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def validate_section(model: type[M], section: dict[str, Any], prefix: str) -> M:
    """``model`` validated from ``section``; a ValueError naming every bad field otherwise."""
    try:
        return model.model_validate(section)
    except ValidationError as e:
        raise ValueError("; ".join(
            f"{prefix}." + ".".join(str(p) for p in err["loc"]) + f": {err['msg']}" for err in e.errors()
        )) from None
