"""The routing decision passed from routing/ to the provider stage."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

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
        """Compact summary for the ``x-tenbin-route`` response header.

        HTTP headers must be ASCII, and rule names are often Japanese, so every value is
        percent-encoded; the full trace is in the ledger's ``route`` column.
        """
        t = self.trace
        parts = [f"model={_ascii(self.model.id)}"]
        if self.rule:
            parts.append(f"rule={_ascii(self.rule)}")
        if "data_class" in t:
            parts.append(f"class={t['data_class']}")
        if self.privacy_action != "allow":
            parts.append(f"privacy={self.privacy_action}")
        if t.get("constraints"):
            parts.append("constraints=" + ",".join(_ascii(c) for c in t["constraints"]))
        if t.get("rejected"):
            parts.append(f"rejected={len(t['rejected'])}")
        if self.fallbacks:
            parts.append("fallbacks=" + ",".join(_ascii(m.id) for m in self.fallbacks[:4]))
        return ";".join(parts)


def _ascii(v: str) -> str:
    return quote(v, safe="/:@-_.()!*+")
