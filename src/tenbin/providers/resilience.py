"""Retries with jittered backoff and a per-model circuit breaker.

The breaker keeps a failing vendor from eating every request's latency budget: after
``failure_threshold`` consecutive failures it opens, requests skip the model for ``cooldown_s``,
then one trial request (half-open) decides whether it closes again.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import BreakerConfig, RetryConfig
from tenbin.providers.base import ProviderError

T = TypeVar("T")
BreakerState = Literal["closed", "open", "half_open"]


@dataclass(slots=True)
class Breaker:
    threshold: int
    cooldown_s: float
    failures: int = 0
    opened_at: float = 0.0
    trial_in_flight: bool = False
    _state: BreakerState = "closed"
    clock: Clock = SYSTEM  # its monotonic() times the cooldown

    def state(self, now: float | None = None) -> BreakerState:
        t = self.clock.monotonic() if now is None else now
        if self._state == "open" and t - self.opened_at >= self.cooldown_s:
            self._state = "half_open"
            self.trial_in_flight = False
        return self._state

    def allow(self) -> bool:
        """May a request go to this model now? In half-open state only one trial at a time."""
        if self._state == "closed":  # nearly always: no clock to read
            return True
        s = self.state()
        if s == "closed":
            return True
        if s == "half_open" and not self.trial_in_flight:
            self.trial_in_flight = True
            return True
        return False

    def success(self) -> None:
        self.failures = 0
        self.trial_in_flight = False
        self._state = "closed"

    def release(self) -> None:
        """The call ended without a verdict on the vendor (cancelled, the client left, a bug of
        ours): state and failure count stay, but a half-open trial slot is free again — otherwise
        the model would never get another trial and stay excluded for good."""
        self.trial_in_flight = False

    def failure(self) -> None:
        self.failures += 1
        self.trial_in_flight = False
        if self._state == "half_open" or self.failures >= self.threshold:
            self._state = "open"
            self.opened_at = self.clock.monotonic()


class Breakers:
    """One breaker per model id, created on first use."""

    def __init__(self, cfg: BreakerConfig, clock: Clock = SYSTEM) -> None:
        self.cfg = cfg
        self.clock = clock
        self._by_model: dict[str, Breaker] = {}

    def get(self, model_id: str) -> Breaker:
        b = self._by_model.get(model_id)
        if b is None:
            b = self._by_model[model_id] = Breaker(self.cfg.failure_threshold, self.cfg.cooldown_s,
                                                   clock=self.clock)
        return b

    def snapshot(self) -> dict[str, str]:
        return {m: b.state() for m, b in self._by_model.items()}


def backoff_delay(attempt: int, err: ProviderError, cfg: RetryConfig) -> float | None:
    """Seconds to wait before retry ``attempt`` (1-based), or None if waiting is pointless.

    Retry-After is honoured when the vendor sends it, unless it is longer than we are willing to
    hold the client — then the next model in the fallback chain is the better answer.
    """
    if err.retry_after is not None:
        return err.retry_after if err.retry_after <= cfg.max_retry_after_s else None
    cap = min(cfg.max_delay_s, cfg.base_delay_s * (2 ** (attempt - 1)))
    return random.uniform(0, cap)  # "full jitter": spreads retries of many clients apart


async def with_retries(
    fn: Callable[[], Awaitable[T]], max_retries: int, cfg: RetryConfig, timeout_retries: int | None = None
) -> T:
    """Call ``fn`` until it answers, up to ``max_retries`` more times for retryable errors.

    A timeout after the request was sent is different: the vendor may have generated the whole
    answer — a plain call's headers only come when it is done — and bills it whether or not we
    waited. Retrying the same model then pays again for the same wait, and a vendor that did not
    answer within the deadline is unlikely to answer the repeat sooner. So such a timeout is
    retried on the same model at most ``timeout_retries`` times (default 0: the caller moves on
    to the next model of the chain); a timeout while connecting — the request never left — is
    retried like any connection error. ``None`` keeps the old rule (``max_retries`` for all).
    """
    attempt = timeouts = 0
    while True:
        try:
            return await fn()
        except ProviderError as e:
            attempt += 1
            if not e.retryable or attempt > max_retries:
                raise
            if timeout_retries is not None and e.kind == "timeout" and e.sent:
                timeouts += 1
                if timeouts > timeout_retries:
                    raise
            delay = backoff_delay(attempt, e, cfg)
            if delay is None:
                raise
            await asyncio.sleep(delay)
