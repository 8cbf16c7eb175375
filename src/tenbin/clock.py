"""What time it is, as a value passed in rather than read from the machine.

Every "now" that decides something — the Tokyo day a request is priced on, the budget period it
charges, the month a report defaults to, when a breaker's cooldown ends — comes from a
:class:`Clock` given to the constructor (default :data:`SYSTEM`), so tests and replays can pin the
date to a month or year boundary instead of depending on the calendar they happen to run on.

``now()`` is wall time (an aware UTC datetime: calendars, ledger timestamps); ``monotonic()`` is
for measuring intervals (timers, cooldowns, windows) and never jumps with the wall clock.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Final, Protocol, runtime_checkable
from zoneinfo import ZoneInfo


@runtime_checkable
class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that only moves forward; only differences are meaningful."""
        ...


class SystemClock:
    """The machine's clocks."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def monotonic(self) -> float:
        return time.monotonic()


SYSTEM: Final[Clock] = SystemClock()


def utc(when: dt.datetime | str) -> dt.datetime:
    """An aware datetime (or ISO 8601 text with an offset) in UTC; naive times are refused, since
    a naive time is exactly the local-date trap this module exists to avoid."""
    t = dt.datetime.fromisoformat(when) if isinstance(when, str) else when
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{when!r}: a clock needs a timezone-aware time (add Z or +09:00)")
    return t.astimezone(dt.UTC)


class ManualClock:
    """A clock that moves only when told to: tests pin it to a boundary and ``advance`` it past a
    cooldown instead of sleeping. Both clocks move together on ``advance``; ``set`` moves wall time
    only (as an NTP step would)."""

    def __init__(self, start: dt.datetime | str, monotonic_start: float = 1000.0) -> None:
        self._now = utc(start)
        self._mono = monotonic_start

    def now(self) -> dt.datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not run backwards; use set() for a wall-clock step")
        self._now += dt.timedelta(seconds=seconds)
        self._mono += seconds

    def set(self, when: dt.datetime | str) -> None:
        self._now = utc(when)

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"


# The calendar budgets, prices, FX days and reports follow. Here rather than in finops/ so routing
# (which ranks by the price in force on a Tokyo day) needs no import of finops/, which imports it.
TOKYO = ZoneInfo("Asia/Tokyo")


def tokyo_now(clock: Clock = SYSTEM) -> dt.datetime:
    """The clock's time on the Tokyo calendar (the one budgets, prices and reports follow)."""
    return clock.now().astimezone(TOKYO)
