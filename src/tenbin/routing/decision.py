"""The routing decision passed from routing/ to the provider stage."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from tenbin.catalog.catalog import ModelSpec

PrivacyAction = Literal["allow", "mask", "redact"]


def sent_abroad(model: ModelSpec) -> bool:
    """APPI's test, as the cross-border report applies it: processed outside Japan/on-prem, or a
    vendor under a foreign jurisdiction (a JP region run under US law, e.g. Azure Japan East)."""
    return model.region not in ("JP", "on-prem") or model.jurisdiction != "JP"


@dataclass(slots=True)
class Decision:
    """``privacy_action`` is what the policy asks for this request; ``unmasked`` the models that
    receive it as written all the same (domestic destinations, ``routing.mask_scope: abroad``).
    Ask ``privacy_for(model)`` per attempt: a fallback may need masking when the first choice did
    not, and a model added later (a budget downgrade) is masked unless listed."""

    model: ModelSpec
    fallbacks: list[ModelSpec] = field(default_factory=list)
    privacy_action: PrivacyAction = "allow"
    max_cost: Decimal | None = None
    rule: str | None = None
    trace: dict[str, Any] = field(default_factory=dict)
    unmasked: frozenset[str] = frozenset()

    @property
    def chain(self) -> list[ModelSpec]:
        return [self.model, *self.fallbacks]

    def privacy_for(self, model: ModelSpec) -> PrivacyAction:
        """What ``model`` receives: the request masked/redacted, or as the client wrote it."""
        return "allow" if model.id in self.unmasked else self.privacy_action

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
        if self.privacy_for(self.model) != "allow":
            parts.append(f"privacy={self.privacy_action}")
        if t.get("constraints"):
            parts.append("constraints=" + ",".join(_ascii(c) for c in t["constraints"]))
        if t.get("rejected"):
            parts.append(f"rejected={len(t['rejected'])}")
        if self.fallbacks:
            parts.append("fallbacks=" + ",".join(_ascii(m.id) for m in self.fallbacks[:4]))
        return ";".join(parts)

    def budget_header(self) -> str | None:
        """``x-tenbin-budget`` when a budget downgraded this request (finops/budgets/guard.py puts
        ``budget_downgrade`` in the trace), so the client sees why another model answered."""
        bd = self.trace.get("budget_downgrade")
        if not isinstance(bd, dict) or not bd.get("to"):
            return None
        return (f"downgraded;budget={_ascii(str(bd.get('budget')))};from={_ascii(str(bd.get('from')))}"
                f";to={_ascii(str(bd['to']))}")


@functools.lru_cache(maxsize=4096)
def _ascii(v: str) -> str:
    """Memoised: the values are names from the config (models, rules, constraints, budgets), a
    small set, and ``quote`` cost ~15k instructions per request for the same few strings."""
    return quote(v, safe="/:@-_.()!*+")
