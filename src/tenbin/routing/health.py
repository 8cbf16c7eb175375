"""Is a model worth trying right now? Breakers, provider availability and per-model RPM caps.

Routing only reads this state (the pipeline's retry loop is what trips breakers), so a decision
stays cheap: breaker state is a field read, provider availability is cached for a few seconds
(the embedded model's check touches the filesystem), and the RPM window is an in-process deque
behind ``RateLimiter`` so a Redis-backed limiter can replace it for several replicas.

Routing does not import ``providers/``: it names what it reads as the protocols below, which the
serving side implements — ``providers.resilience.Breakers`` and ``shared.breakers.SharedBreakers``
(one breaker per model), and every provider adapter (``availability()``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from typing import Protocol

from tenbin.catalog.catalog import ModelSpec
from tenbin.clock import SYSTEM, Clock


class BreakerView(Protocol):
    def state(self) -> str:
        """``closed``, ``open`` or ``half_open``: routing skips a model whose breaker is open."""
        ...


class BreakerBoard(Protocol):
    def get(self, model_id: str) -> BreakerView: ...


class ProviderStatus(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def reason(self) -> str | None: ...


class AvailabilitySource(Protocol):
    """A configured provider, as routing sees it: can it serve now, and if not, why."""

    def availability(self) -> ProviderStatus: ...


class RateLimiter(Protocol):
    def allowed(self, model_id: str, rpm: int) -> bool:
        """Would one more request stay within ``rpm``? Must not consume."""
        ...

    def hit(self, model_id: str) -> None:
        """Count one request sent to ``model_id``."""
        ...


class SlidingWindowLimiter:
    """Exact 60-second sliding window per model, for one process."""

    def __init__(self, window_s: float = 60.0, clock: Clock = SYSTEM) -> None:
        self.window_s = window_s
        self.clock = clock
        self._hits: dict[str, deque[float]] = {}

    def _trim(self, model_id: str, now: float) -> deque[float]:
        q = self._hits.get(model_id)
        if q is None:
            q = self._hits[model_id] = deque()
        edge = now - self.window_s
        while q and q[0] <= edge:
            q.popleft()
        return q

    def allowed(self, model_id: str, rpm: int) -> bool:
        return len(self._trim(model_id, self.clock.monotonic())) < rpm

    def hit(self, model_id: str) -> None:
        now = self.clock.monotonic()
        self._trim(model_id, now).append(now)


class Health:
    """Why a model should be skipped now (``None`` when it looks fine)."""

    def __init__(self, breakers: BreakerBoard | None = None,
                 providers: Mapping[str, AvailabilitySource] | None = None,
                 ttl_s: float = 5.0, clock: Clock = SYSTEM) -> None:
        self.breakers = breakers
        self.providers = providers
        self.ttl_s = ttl_s
        self.clock = clock
        self._avail: dict[str, tuple[float, str | None]] = {}

    def _provider_reason(self, name: str, now: float) -> str | None:
        if self.providers is None:
            return None
        cached = self._avail.get(name)
        if cached is not None and now - cached[0] < self.ttl_s:
            return cached[1]
        p = self.providers.get(name)
        if p is None:
            reason: str | None = f"provider {name} not configured"
        else:
            a = p.availability()
            reason = None if a.ok else (a.reason or f"provider {name} unavailable")
        self._avail[name] = (now, reason)
        return reason

    def reason(self, model: ModelSpec) -> str | None:
        if self.breakers is not None and self.breakers.get(model.id).state() == "open":
            return "breaker_open"
        why = self._provider_reason(model.provider, self.clock.monotonic())
        return f"unavailable: {why}" if why else None
