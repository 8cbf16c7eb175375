"""How long one call to a vendor may take, phase by phase, and how long a whole request may wait.

One number cannot tell a hung vendor from a long answer. aiohttp's single ``total`` covered the
whole streamed body, so a healthy answer that took longer was cut mid-way (and Anthropic's usage,
sent only at ``message_stop``, never arrived), while a vendor that never answered held the
request for a full read timeout per retry. So each phase of a call has its own deadline:

- ``connect`` — the TCP/TLS connect (and the wait for a pooled connection);
- ``first_byte`` — from the start of the call to the response headers and, for a stream, its
  first body bytes: a vendor that accepted the request and says nothing is hung;
- ``idle`` — a stream's longest silence between two chunks once it flows (Anthropic's ``ping``
  events count as signs of life); a stream that keeps sending is never cut, however long it runs;
- ``total`` — the whole of a plain (non-streamed) call, headers and body.

Above them, the request's own deadline (``timeouts.request_s``) bounds every attempt of the
fallback chain together — retries, backoff sleeps and fallbacks — until the answer is committed
(a plain call's whole answer, a stream's first content), so a chain of slow vendors still ends.

The pipeline resolves the deadlines of the model it is about to call (provider settings, then the
model's ``timeouts.models`` override) and sets them in :data:`ATTEMPT` for the duration of that
attempt; the HTTP adapters read them there, so adapters need no per-model plumbing. Deadlines
are timers on the event loop's clock, not the gateway's :class:`~tenbin.clock.Clock`: they measure
how long a socket stayed silent, which a ManualClock cannot advance.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from tenbin.config.schema import ProviderConfig, TimeoutOverride
from tenbin.providers.base import ProviderError

Phase = Literal["connect", "first_byte", "idle", "total", "request"]


@dataclass(frozen=True, slots=True)
class Deadlines:
    """The deadlines of one attempt, in seconds, and how often a timed-out call may be repeated."""

    connect: float
    first_byte: float
    idle: float
    total: float
    timeout_retries: int

    @classmethod
    def of(cls, p: ProviderConfig, override: TimeoutOverride | None = None) -> Deadlines:
        o = override or TimeoutOverride()

        def pick(own: float | None, base: float) -> float:
            return base if own is None else own

        return cls(
            connect=pick(o.connect_timeout_s, p.connect_timeout_s),
            first_byte=pick(o.first_byte_timeout_s, p.first_byte_timeout_s),
            idle=pick(o.idle_timeout_s, p.idle_timeout_s),
            total=pick(o.timeout_s, p.timeout_s),
            timeout_retries=p.timeout_retries if o.timeout_retries is None else o.timeout_retries,
        )


# The deadlines of the attempt in progress, set by the pipeline around each model's attempt.
ATTEMPT: ContextVar[Deadlines | None] = ContextVar("tenbin_attempt_deadlines", default=None)


class DeadlineExceeded(ProviderError):
    """A deadline of ours passed (kind ``timeout``). ``phase`` says which one; ``sent`` whether the
    request had left, i.e. whether the vendor may have worked on it (and billed it)."""

    def __init__(self, name: str, phase: Phase, seconds: float, *, sent: bool) -> None:
        what = {
            "connect": "connecting took longer than",
            "first_byte": "no answer within",
            "idle": "the stream was silent for",
            "total": "the call took longer than",
            "request": "the request's deadline passed after",
        }[phase]
        super().__init__("timeout", f"{name}: {what} {seconds:g} s ({phase} deadline)", sent=sent)
        self.phase: Phase = phase
