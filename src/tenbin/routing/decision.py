"""The routing decision passed from routing/ to the provider stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from tenbin.catalog.catalog import ModelSpec

PrivacyAction = Literal["allow", "mask", "redact"]


@dataclass(slots=True)
class Decision:
    model: ModelSpec
    fallbacks: list[ModelSpec] = field(default_factory=list)
    privacy_action: PrivacyAction = "allow"
    max_cost: Decimal | None = None
    rule: str | None = None
    trace: dict[str, Any] = field(default_factory=dict)

    @property
    def chain(self) -> list[ModelSpec]:
        return [self.model, *self.fallbacks]

    def header(self) -> str:
        """Compact summary for the ``x-tenbin-route`` response header (ASCII only)."""
        parts = [f"model={self.model.id}"]
        if self.rule:
            parts.append(f"rule={self.rule}")
        if self.privacy_action != "allow":
            parts.append(f"privacy={self.privacy_action}")
        if self.fallbacks:
            parts.append("fallbacks=" + ",".join(m.id for m in self.fallbacks))
        return ";".join(parts)
