"""Refused requests leave a trace, and a flood of them cannot fill the disk.

Two kinds of refusal are recorded here, each as one ledger row and one audit entry:

- **Logins** refused before the caller is known — 401 (missing, wrong, revoked or malformed key),
  403 ``non_local_request`` (a key-less request from a web page or a rebinding DNS name,
  api/guard.py) and 415 (a body that is not JSON; no audit entry, it is no login): ``team`` and
  ``project`` ``-``, ``requested_model`` ``-``, its status, ``error_class`` the error code; audit
  ``auth.refused`` with the reason, the route, the client address and the key id it claimed (never
  the secret).
- **Input** refused before the pipeline takes the request — 400 (malformed JSON, a bad parameter,
  a string the edge refuses, a body nested too deep), 408 (a body too slow) and 413: the same row,
  with the caller's key, team and project when it was authenticated; audit ``request.refused``.
  Once a handler hands the request to the pipeline (``PIPELINE_OWNS``), the pipeline's own finish
  writes its row, whatever it raises, so nothing is recorded twice.

The bound (``RefusalLimits``), over both kinds: in each minute at most ``per_source`` (10) rows per
client address and ``total`` (60) rows in all are written one by one; the rest are only counted,
and when the minute is over one summary row is written (ledger: ``error_class``
``refusals_suppressed`` with the count, by status and top sources, in ``route``; audit:
``auth.refused.summary``). A flood therefore costs at most 61 ledger rows and 61 audit entries a
minute (≈ 88,000 of each a day), whatever its size.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tenbin.api.auth import PRINCIPAL
from tenbin.api.guard import NonLocalRequest, UnsupportedMediaType
from tenbin.api.ids import request_id
from tenbin.clock import Clock
from tenbin.errors import GatewayError, Unauthorized
from tenbin.governance.entries import refusal_entry
from tenbin.governance.writer import AuditWriter
from tenbin.ledger.record import UsageRecord
from tenbin.ledger.writer import LedgerWriter

log = logging.getLogger("tenbin.auth")

_KEY_ID = re.compile(r"tb-([0-9A-Za-z_]{1,32})-")
TOP_SOURCES = 10
LOGIN_REFUSALS = (Unauthorized, NonLocalRequest, UnsupportedMediaType)
INPUT_STATUSES = frozenset({400, 408, 413})
# Set by a handler when it hands the request to the pipeline, which then writes the row itself.
PIPELINE_OWNS = web.RequestKey("pipeline_owns", bool)


@dataclass(frozen=True, slots=True)
class RefusalLimits:
    per_source: int = 10
    total: int = 60
    window_s: float = 60.0


def claimed_key_id(request: web.Request) -> str:
    """The id part of the key the request carries (public, like the ledger's key_id), or ``-``."""
    for name in ("authorization", "api-key", "x-api-key"):
        v = request.headers.get(name)
        if v:
            m = _KEY_ID.search(v[:64])
            return m.group(1) if m else "-"
    return "-"


def _route(request: web.Request) -> str:
    try:
        info = request.match_info.route.resource
        return info.canonical[:200] if info is not None else "-"
    except Exception:
        return "-"


class Refusals:
    def __init__(self, ledger: LedgerWriter, audit: AuditWriter | None, clock: Clock,
                 limits: RefusalLimits = RefusalLimits()) -> None:
        self.ledger, self.audit, self.clock, self.limits = ledger, audit, clock, limits
        self._window: float | None = None
        self._per_source: dict[str, int] = {}
        self._written = 0
        self._suppressed: Counter[str] = Counter()  # by source (top ones kept; the rest under "*")
        self._by_status: Counter[int] = Counter()
        self.recorded = 0  # rows written one by one, since start
        self.suppressed = 0  # refusals counted in summaries, since start
        self._task: asyncio.Task[None] | None = None

    def record(self, request: web.Request, err: GatewayError, request_id: str | None) -> Awaitable[None] | None:
        """Record one refusal; returns its ledger row's spool write (None without a spool, or when
        the refusal is only counted), to await before the refusal is answered."""
        try:
            return self._record(request, err, request_id)
        except Exception:  # recording must never turn a refusal into a 500
            log.exception("refused request %s could not be recorded", request_id)
            return None

    def _record(self, request: web.Request, err: GatewayError, request_id: str | None) -> Awaitable[None] | None:
        self.sweep()
        source = request.remote or "-"
        seen = self._per_source.get(source, 0)
        if seen >= self.limits.per_source or self._written >= self.limits.total:
            self.suppressed += 1
            self._by_status[err.status] += 1
            if source in self._suppressed or len(self._suppressed) < 4 * TOP_SOURCES:
                self._suppressed[source] += 1
            else:
                self._suppressed["*"] += 1
            return None
        self._per_source[source] = seen + 1
        self._written += 1
        self.recorded += 1
        rid = request_id or self._rid()
        reason = err.code or err.type
        detail = {"route": _route(request), "method": request.method, "source": source}
        principal = request.get(PRINCIPAL)
        if isinstance(err, LOGIN_REFUSALS) or principal is None:
            key_id, team, project = claimed_key_id(request), "-", "-"
        else:
            key_id, team, project = principal.key_id, principal.team, principal.project
        spooled = self._ledger_row(rid, key_id, err.status, reason, None, team, project)
        if self.audit is None or isinstance(err, UnsupportedMediaType):
            return spooled
        if isinstance(err, LOGIN_REFUSALS):
            self.audit.refusal(rid, key_id, err.status, reason, detail)
        else:
            entry = refusal_entry(rid, key_id, err.status, reason, self.clock.now().timestamp(), detail)
            self.audit.push({**entry, "kind": "request", "action": "request.refused", "team": team,
                             "project": None if project == "-" else project,
                             "role": principal.role if principal is not None else "-"})
        return spooled

    def sweep(self) -> None:
        """Close the minute when it is over: write the summary of what it did not write one by one."""
        now = self.clock.monotonic()
        if self._window is None:
            self._window = now
            return
        if now - self._window < self.limits.window_s:
            return
        self._summarise()
        self._window = now

    def _summarise(self) -> None:
        n = sum(self._by_status.values())
        if n:
            summary = {"suppressed": n, "window_s": self.limits.window_s,
                       "by_status": {str(k): v for k, v in sorted(self._by_status.items())},
                       "top_sources": dict(self._suppressed.most_common(TOP_SOURCES))}
            status = self._by_status.most_common(1)[0][0]
            rid = self._rid()
            self._ledger_row(rid, "-", status, "refusals_suppressed", summary)
            if self.audit is not None:
                self.audit.refusal(rid, "-", status, "refusals_suppressed", summary)
            log.warning("auth: %d refused requests in the last minute were counted, not recorded one by one", n)
        self._per_source.clear()
        self._written = 0
        self._suppressed.clear()
        self._by_status.clear()

    def _ledger_row(self, rid: str, key_id: str, status: int, reason: str, summary: dict[str, Any] | None,
                    team: str = "-", project: str = "-") -> Awaitable[None] | None:
        now = self.clock.now().timestamp()
        return self.ledger.record(UsageRecord(
            request_id=rid, ts_start=now, ts_end=now, key_id=key_id, team=team, project=project, use_case=None,
            requested_model="-", served_model=None, provider=None, region=None, status=status,
            error_class=reason, route=summary))

    @staticmethod
    def _rid() -> str:
        return request_id()

    # ---- lifecycle: a minute that ends quietly is still summarised ----------------------------
    async def _ticker(self) -> None:
        while True:
            await asyncio.sleep(min(self.limits.window_s, 60.0) / 4)
            self.sweep()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._ticker(), name="tenbin-refusals")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._summarise()


REFUSALS = web.AppKey("refusals", Refusals)


def recorded_here(request: web.Request, err: GatewayError) -> bool:
    """Is ``err`` a refusal this module records (not one the pipeline's finish already wrote)?"""
    if isinstance(err, LOGIN_REFUSALS):
        return True
    return err.status in INPUT_STATUSES and not request.get(PIPELINE_OWNS, False)


async def note(request: web.Request, err: GatewayError, rid: str | None) -> None:
    """Record ``err`` if it is a refusal recorded here; the API's one middleware (api/front.py)
    calls this for every GatewayError a handler raises, before it renders the error."""
    if not recorded_here(request, err):
        return
    spooled = request.app[REFUSALS].record(request, err, rid)
    if spooled is not None:  # the row is in the spool (ledger.spool_dir) before the refusal goes out
        try:
            await spooled
        except Exception:  # a spool that cannot write must not turn a refusal into a 500
            log.exception("refused request %s: its ledger row could not be spooled", rid)


def install(app: web.Application, ledger: LedgerWriter, audit: AuditWriter | None, clock: Clock) -> None:
    """Keep a Refusals on the app, ticking while it serves; its last summary goes out at shutdown,
    before the ledger and audit writers close (on_cleanup)."""
    refusals = app[REFUSALS] = Refusals(ledger, audit, clock)

    async def on_startup(_: web.Application) -> None:
        refusals.start()

    async def on_shutdown(_: web.Application) -> None:
        await refusals.close()

    app.on_startup.append(on_startup)
    app.on_shutdown.append(on_shutdown)
