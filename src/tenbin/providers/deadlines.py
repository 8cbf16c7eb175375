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

Each attempt and each call keeps its deadlines on one loop timer (:class:`Watch`), not one
``asyncio.timeout`` per await: a timeout context costs ~27,000 instructions here (its own object,
a loop timer created and cancelled), a call waits three to a dozen times, and every wait but the
last ends long before its deadline.
"""

from __future__ import annotations

import asyncio
import math
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


class Watch:
    """Deadlines of one task on one loop timer: between :meth:`arm` and :meth:`disarm` the task
    that armed it is cancelled when the armed time passes; :meth:`expired`, where the task catches
    that ``CancelledError``, says which deadline it was (as ``asyncio.timeout`` turns its own
    cancellation into ``TimeoutError``), or ``None`` when someone else cancelled the task too.

    The timer moves only ever later without being touched: arming a later deadline (the next
    phase, an idle deadline counted from the latest chunk) leaves it where it is, and when it
    fires before the armed time it re-arms itself for that time. Arming an earlier one than it is
    set for replaces it. A disarmed watch does nothing when its timer fires, so a stream's watch
    never cancels its consumer while the generator is suspended at a ``yield``. :meth:`close`
    when done, or the timer stays in the loop until its time."""

    __slots__ = ("_at", "_base", "_handle", "_loop", "_phase", "_task", "_when", "fired")

    def __init__(self, loop: asyncio.AbstractEventLoop, at: float = math.inf) -> None:
        """``at``: when to set the timer now, at most the earliest deadline that will be armed (a
        later one costs a second timer); by default the first :meth:`arm` sets it."""
        self._loop = loop
        self._when = math.inf  # the armed deadline; inf: disarmed
        self._phase: Phase = "request"
        self._task: asyncio.Task[object] | None = None
        self._base = 0  # the task's cancellation requests when armed, not ours
        self.fired: Phase | None = None  # the deadline that cancelled the task, until expired()
        self._at = at
        self._handle = loop.call_at(at, self._fire) if at != math.inf else None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def arm(self, when: float, phase: Phase) -> None:
        # The loop given: asyncio.current_task() without it asks for the running loop, which on
        # CPython 3.11 is a getpid() syscall each time — and a stream arms once per chunk.
        task = asyncio.current_task(self._loop)
        assert task is not None
        self._task, self._base, self._when, self._phase = task, task.cancelling(), when, phase
        if when < self._at:
            if self._handle is not None:
                self._handle.cancel()
            self._at, self._handle = when, self._loop.call_at(when, self._fire)

    def disarm(self) -> None:
        self._when = math.inf

    def close(self) -> None:
        self._when = math.inf
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        when = self._when
        self._at, self._handle = math.inf, None
        if when == math.inf:
            return  # disarmed: the next arm() sets the timer again
        if self._loop.time() < when:  # armed later since the timer was set
            self._at, self._handle = when, self._loop.call_at(when, self._fire)
            return
        assert self._task is not None
        self._when, self.fired = math.inf, self._phase
        self._task.cancel()

    def expired(self) -> Phase | None:
        """The deadline that cancelled the task, once (it takes back its cancellation request, as
        ``asyncio.timeout`` does); ``None``: not ours, or another cancellation came too — the
        ``CancelledError`` must go on."""
        phase, self.fired = self.fired, None
        if phase is None:
            return None
        assert self._task is not None
        return phase if self._task.uncancel() <= self._base else None
