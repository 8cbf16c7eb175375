"""Which models a caller can be served by right now, and why the others cannot.

One answer shared by ``GET /v1/models`` (and ``/v1/models/{id}``), ``/admin/models``, ``/healthz``,
``tenbin models`` and the start-up summary, so they never disagree: a model is *usable* when its
provider is configured, that provider reports itself available, and the caller's key may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tenbin.catalog.catalog import ModelSpec
from tenbin.context import Principal
from tenbin.providers.base import Provider

# Availability extras are passed through to /healthz as they are; a key named like a credential is
# dropped on the way, so an adapter that ever puts one there cannot publish it.
_SECRET_NAME = re.compile(r"api_?key|secret|passw|token$|authorization|credential", re.IGNORECASE)


def _public(v: Any) -> Any:
    """JSON-safe copy of ``v`` without credential-named keys (anything unusual becomes its ``str``)."""
    if isinstance(v, Mapping):
        return {str(k): _public(x) for k, x in v.items() if not _SECRET_NAME.search(str(k))}
    if isinstance(v, list | tuple):
        return [_public(x) for x in v]
    if v is None or isinstance(v, str | int | float | bool):
        return v
    return str(v)


@dataclass(frozen=True, slots=True)
class ProviderState:
    name: str
    available: bool
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def engine(self) -> dict[str, Any] | None:
        """The embedded engine's state (``{"state": "ready", "crashes": 0, ...}``), if the provider has one."""
        e = self.extra.get("engine")
        return e if isinstance(e, dict) else None

    def as_dict(self) -> dict[str, Any]:
        return {"available": self.available, "reason": self.reason, **self.extra}


def provider_state(name: str, provider: Provider) -> ProviderState:
    try:
        a = provider.availability()
    except Exception as e:  # a broken check must not take /healthz or /v1/models down with it
        return ProviderState(name, False, f"availability check failed: {type(e).__name__}: {e}")
    reason = None if a.ok else (a.reason or "unavailable")
    return ProviderState(name, a.ok, reason, _public(a.extra))


def provider_states(providers: Mapping[str, Provider]) -> dict[str, ProviderState]:
    return {name: provider_state(name, p) for name, p in providers.items()}


@dataclass(frozen=True, slots=True)
class ModelState:
    model: ModelSpec
    configured: bool
    available: bool
    reason: str | None = None

    @property
    def code(self) -> str | None:
        """Why it cannot be served, as an OpenAI-style error code (None when it can)."""
        if not self.configured:
            return "model_not_configured"
        return None if self.available else "model_not_available"


def not_configured_reason(provider: str) -> str:
    return f"provider `{provider}` is not configured (no providers.{provider} in the config)"


def model_states(models: Iterable[ModelSpec], providers: Mapping[str, ProviderState],
                 default_model: str | None = None) -> list[ModelState]:
    """Every catalog model with its state; the default model first, then catalog order, so a client
    that takes the first usable entry gets the model the operator chose as default."""
    out: list[ModelState] = []
    for m in models:
        p = providers.get(m.provider)
        if p is None:
            out.append(ModelState(m, False, False, not_configured_reason(m.provider)))
        else:
            out.append(ModelState(m, True, p.available, None if p.available else f"provider `{p.name}`: {p.reason}"))
    out.sort(key=lambda s: s.model.id != default_model)  # stable: the rest keep catalog order
    return out


def for_caller(states: Iterable[ModelState], principal: Principal) -> list[ModelState]:
    return [s for s in states if principal.may_use(s.model.id)]


def openai_model(m: ModelSpec) -> dict[str, Any]:
    """One entry of OpenAI's model list (``id``, ``object``, ``created``, ``owned_by``) plus our facts."""
    return {
        "id": m.id, "object": "model", "created": 0, "owned_by": m.provider,
        "tenbin": {"region": m.region, "jurisdiction": m.jurisdiction, "tier": m.tier,
                   "context_window": m.context_window},
    }


def engine_text(engine: Mapping[str, Any]) -> str:
    """``ready``, ``starting``, ``crashed 2 times (last: SIGSEGV)``, ``disabled: <reason>``."""
    state = str(engine.get("state") or "unknown")
    reason = engine.get("reason")
    crashes = engine.get("crashes")
    if state == "disabled":
        text = f"disabled: {reason or 'no reason given'}"
    elif state == "crashed":
        text = f"crashed {crashes or 0} time{'' if crashes == 1 else 's'}" + (f" ({reason})" if reason else "")
    else:
        text = state
        if isinstance(crashes, int) and crashes > 0:
            text += f" (crashed {crashes} time{'' if crashes == 1 else 's'} so far)"
    return text
