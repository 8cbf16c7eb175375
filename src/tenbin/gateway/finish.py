"""How a request ends: the one place that writes its ledger row and audit entry and settles or
releases its budget reservation, whatever the outcome, and what a cut-off stream is billed.

Kept apart from ``pipeline.py`` so the pipeline reads as the order of the stages; the pipeline
creates one :class:`Finish` per request and every exit path calls it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import TYPE_CHECKING, Any

import orjson

from tenbin.context import RequestContext, Usage
from tenbin.errors import GatewayError
from tenbin.gateway.hooks import AnswerTap, Reservation
from tenbin.gateway.served import Attempt, Served
from tenbin.ledger.record import UsageRecord, from_nanos
from tenbin.providers.base import ProviderError
from tenbin.routing.decision import Decision
from tenbin.routing.features import estimate_tokens

if TYPE_CHECKING:
    from tenbin.gateway.pipeline import Gateway
    from tenbin.observe.tracing import RequestTrace

__all__ = ["Delivered", "Finish", "outcome_of", "prompt_estimate"]
# Prices and FX rates take effect on Japanese calendar days, like budgets and reports.
TOKYO = dt.timezone(dt.timedelta(hours=9), "Asia/Tokyo")


def outcome_of(exc: BaseException) -> tuple[int, str]:
    """The ledger status and error class of a request that ended with ``exc``: only a client that
    went away (cancelled task, closed stream, reset socket) is 499; anything else is ours."""
    if isinstance(exc, GatewayError):
        return exc.status, exc.code or exc.type
    if isinstance(exc, ProviderError):
        return 502, exc.kind
    if isinstance(exc, (asyncio.CancelledError, GeneratorExit, ConnectionResetError)):
        return 499, "client_disconnected"
    return 500, type(exc).__name__


class Delivered:
    """Counts the answer text (content and tool-call arguments) handed to the client."""

    __slots__ = ("tokens",)

    def __init__(self) -> None:
        self.tokens = 0

    def feed(self, chunk: dict[str, Any]) -> None:
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            content = delta.get("content")
            if isinstance(content, str):
                self.tokens += estimate_tokens(content)
            for tc in delta.get("tool_calls") or ():
                args = (tc.get("function") or {}).get("arguments") if isinstance(tc, dict) else None
                if isinstance(args, str):
                    self.tokens += estimate_tokens(args)


class _Traced(Delivered):
    """With tracing on, the stream's chunks are also shown to its trace (finish reasons; the
    answer text when content is captured); a plain ``Delivered`` otherwise, so tracing off adds
    nothing per chunk."""

    __slots__ = ("trace",)

    def __init__(self, trace: RequestTrace) -> None:
        super().__init__()
        self.trace = trace

    def feed(self, chunk: dict[str, Any]) -> None:
        super().feed(chunk)
        self.trace.delivered(chunk)


class Finish:
    """The one place a request ends, whatever the outcome (answered, refused, failed, the client
    gone before or after the first byte, cancelled): one ledger row, one audit entry, and the
    budget reservation settled when something was billed or released when nothing was — exactly
    once, however many paths reach it."""

    __slots__ = ("answer", "ctx", "decision", "gw", "masked", "rec", "reservation", "route", "routed", "scan",
                 "served", "spooled", "trace", "tried", "ttft")

    def __init__(self, gw: Gateway, ctx: RequestContext) -> None:
        self.gw, self.ctx = gw, ctx
        self.scan: Any = None
        self.decision: Decision | None = None
        self.routed: Decision | None = None  # the router's decision, before any budget action
        # What the router learnt (its data class above all), kept even when it refused the request.
        self.route: dict[str, Any] = {}
        self.tried: list[Attempt] = []  # models of the chain that did not answer (pipeline._try_chain)
        self.reservation: Reservation | None = None
        self.masked: Any = None
        self.served: Served | None = None
        self.ttft: float | None = None
        self.answer: AnswerTap | None = None
        self.rec: UsageRecord | None = None
        # The request's span (observe/tracing.py), from now until the row is written; None when off.
        self.trace: RequestTrace | None = gw.tracing.begin(ctx) if gw.tracing is not None else None

    async def __call__(self, status: int, error: str | None, usage: Usage | None = None) -> UsageRecord:
        if self.rec is not None:
            return self.rec
        rec = self.rec = self._row(usage or Usage(), status, error)
        if self.trace is not None:
            self.trace.end(self, rec)
        reservation, self.reservation = self.reservation, None
        if reservation is not None:
            if status == 200 or rec.prompt_tokens or rec.completion_tokens:
                await reservation.settle(from_nanos(rec.cost_jpy_nanos))
            else:
                await reservation.release()
        if self.spooled is not None:  # the row is in the spool (ledger.spool_dir) before the client has the answer
            await self.spooled
        return rec

    def _row(self, usage: Usage, status: int, error: str | None) -> UsageRecord:
        """The request's ledger row, priced on the Tokyo day it started, and its audit entry."""
        gw, ctx, served = self.gw, self.ctx, self.served
        now = gw.clock.now().timestamp()
        model = served.model if served else None
        rec = UsageRecord(
            request_id=ctx.request_id, ts_start=ctx.started, ts_end=now,
            key_id=ctx.principal.key_id, team=ctx.principal.team, project=ctx.principal.project,
            use_case=ctx.use_case, requested_model=ctx.requested_model,
            served_model=model.id if model else None, provider=model.provider if model else None,
            region=model.region if model else None,
            prompt_tokens=usage.prompt_tokens, cached_tokens=usage.cached_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            completion_tokens=usage.completion_tokens, tokens_reported=usage.reported,
            latency_ms=(time.perf_counter() - ctx.started_mono) * 1000, ttft_ms=self.ttft,
            status=status, error_class=error, stream=ctx.stream,
            attempts=1 + len(served.attempts) if served else 1,
            data_class=data_class_name(self.scan, self.route),
            route=route_trace(self.decision, served, self.route, error),
        )
        day = dt.datetime.fromtimestamp(ctx.started, TOKYO).date()
        if model is not None and (usage.prompt_tokens or usage.completion_tokens):
            priced = gw.pricer.price(model, usage, day)
            rec.cost_nanos, rec.currency = priced.cost_nanos, priced.currency
            rec.cost_jpy_nanos, rec.fx_rate = priced.cost_jpy_nanos, priced.fx_rate
        elif model is not None:
            rec.currency = model.price_at(day).currency
        self.spooled = gw.ledger.record(rec)  # set before __call__ reads it: no default needed
        gw.audit.request(ctx, rec, {"scan": self.scan, "masked": self.masked is not None, "decision": self.decision,
                                    "answer": self.answer, "routed": self.routed or self.decision, "served": served,
                                    "tried": self.tried})
        return rec

    async def failed(self, exc: BaseException) -> None:
        status, error = outcome_of(exc)
        await self(status, error, self._interrupted_prompt() if status == 499 else None)

    def _interrupted_prompt(self) -> Usage | None:
        """A client that left while a vendor already had the request (before any answer came):
        the vendor bills the prompt it received, so the row is charged an estimate of it, marked
        ``reported=False``, to that model — never ¥0."""
        last = self.tried[-1] if self.tried else None
        if self.served is not None or last is None or last.error != "interrupted" or not last.sent:
            return None
        model = self.gw.catalog.get(last.model)
        if model is None or self.decision is None:
            return None
        self.tried.pop()  # it is the model the request was with, not one that failed
        self.served = Served(model, self.decision, list(self.tried), last.sent, last.masked)
        return Usage(prompt_tokens=prompt_estimate(self.ctx.body))

    def delivered(self) -> Delivered:
        """What counts a stream's delivered text (and, with tracing on, shows it to the trace)."""
        return Delivered() if self.trace is None else _Traced(self.trace)


def prompt_estimate(body: dict[str, Any]) -> int:
    """Tokens of the prompt a vendor received, estimated (messages and tools), for a request it
    will bill although its own count never came."""
    return estimate_tokens(orjson.dumps([body.get("messages"), body.get("tools")]).decode())


def route_trace(decision: Decision | None, served: Served | None, partial: dict[str, Any] | None = None,
                error: str | None = None) -> dict[str, Any] | None:
    """The stored trace. A request the router refused (no compliant model, a blocking rule) has no
    decision, but what the router learnt before refusing — class, rule, constraints, each rejected
    candidate and why — is exactly what "why was this refused" needs, so it is kept with the
    refusal's code."""
    if decision is None:
        if not partial:
            return None
        return {**partial, "refused": error}
    trace = dict(decision.trace)
    trace["rule"] = decision.rule
    if served and served.attempts:
        trace["failed"] = [{"model": a.model, "error": a.error} for a in served.attempts]
    return trace


def data_class_name(scan: Any, route: dict[str, Any] | None = None) -> str | None:
    """The class the request was routed as, by name ("confidential"), for the ledger and the audit.

    That is the router's class (the classifier's reading of the whole request: a marker with no
    PII is confidential, a marker named only as a topic is not), the one the x-tenbin-route header
    and ``tenbin route --explain`` show and every rule was matched against — not the privacy
    scan's own, which knows only findings. The scan's class stands in when routing never ran
    (the request failed before it); an unscanned request stores none, as before."""
    if scan is None:
        return None
    routed = (route or {}).get("data_class")
    if isinstance(routed, str) and not routed.startswith("unscanned:"):
        return routed
    dc = getattr(scan, "data_class", None)
    return None if dc is None else str(getattr(dc, "name", dc)).lower()
