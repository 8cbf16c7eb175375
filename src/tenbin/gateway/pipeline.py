"""The request pipeline, in one place: privacy → routing → budget → provider (with retries,
breakers and fallbacks) → restore → ledger/audit.

Every stage is a package of its own; this module only wires them in order, so reading
``Gateway.chat`` tells the whole story of a request.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.clock import SYSTEM, Clock
from tenbin.config.schema import Config, ProviderConfig
from tenbin.context import RequestContext, Usage
from tenbin.errors import BadRequest, GatewayError, RateLimited, UpstreamError
from tenbin.finops.pricing import Pricer
from tenbin.gateway.finish import Finish
from tenbin.gateway.hooks import AnswerCache, AnswerTap, AuditSink, BudgetGuard, NoAudit, NoBudget
from tenbin.gateway.privacy_stage import PrivacyPlan, PrivacyStage
from tenbin.gateway.served import Attempt, Served
from tenbin.gateway.streaming import Stream, open_stream
from tenbin.ledger.writer import LedgerWriter
from tenbin.providers.base import (
    ChatCall,
    ChatResult,
    Embedder,
    EmbedResult,
    NativeBody,
    NativeResult,
    NativeSpeaker,
    Provider,
    ProviderError,
    float32_base64,
)
from tenbin.providers.deadlines import ATTEMPT, DeadlineExceeded, Deadlines, Watch
from tenbin.providers.public import describe, redact
from tenbin.providers.resilience import Breakers, with_retries
from tenbin.routing.decision import Decision
from tenbin.routing.features import embed_texts, estimate_tokens
from tenbin.routing.router import Router

if TYPE_CHECKING:
    from tenbin.observe.tracing import Tracing

log = logging.getLogger("tenbin.gateway")
#: The body each model of the chain is sent (masked for some, as written for others); None: it
#: may not be sent there at all.
Bodies = Callable[[ModelSpec], dict[str, Any] | None]
T = TypeVar("T")


@dataclass(slots=True)
class Completion:
    """An answer: a ``chat.completion``, or — ``native`` — the face's own answer as a vendor that
    speaks its format sent it (placeholders restored)."""

    response: dict[str, Any]
    served: Served
    native: bool = False


def speaks(provider: Provider, ctx: RequestContext) -> bool:
    """Does ``provider``'s vendor take this request in the face's own format?"""
    return ctx.native is not None and isinstance(provider, NativeSpeaker) and provider.speaks(ctx.native.codec.format)


async def answer(provider: Provider, call: ChatCall) -> ChatResult | NativeResult:
    """One complete answer: the face's own request where the call carries it, else the chat body."""
    if call.native is not None and isinstance(provider, NativeSpeaker):
        return await provider.native(call)
    return await provider.complete(call)


@dataclass(slots=True)
class Embedding:
    """An embeddings answer: one float vector per input, in order, and what was billed."""

    vectors: list[list[float]]
    usage: Usage
    served: Served


def _with_budget(decision: Decision, err: GatewayError) -> GatewayError:
    """A chain a budget downgraded failed: say so first, or the client reads only "model
    unavailable" about a model it never asked for."""
    budget = decision.budget_header()
    bd = decision.trace.get("budget_downgrade")
    if budget is None or not isinstance(bd, dict):
        return err
    err.message = (f"Budget `{bd.get('budget')}` is exhausted, so this request was downgraded from"
                   f" {bd.get('from')} to {bd.get('to')}, which did not answer: {err.message}")
    err.headers["x-tenbin-budget"] = budget
    return err


def _chain_error(attempts: list[Attempt]) -> GatewayError:
    detail = "; ".join(f"{a.model}: {a.error} ({a.message})" for a in attempts) or "no model to try"
    kinds = {a.error for a in attempts}
    called = [a for a in attempts if a.error not in ("unavailable", "breaker_open")]
    if called and all(a.error == "rate_limit" for a in called):
        # Every model that was asked said "slow down": that is a 429 the client can act on, not an
        # outage. Retry-After is the soonest any of them said it would take requests again.
        waits = [a.retry_after for a in called if a.retry_after is not None]
        wait = max(1, math.ceil(min(waits))) if waits else 1
        return RateLimited(f"Every model is rate limited: {detail}", code="upstream_rate_limited",
                           headers={"Retry-After": str(wait)})
    if kinds and kinds <= {"timeout"}:
        return UpstreamError(f"Upstream timed out: {detail}", status=504, code="upstream_timeout")
    if kinds and kinds <= {"unavailable", "breaker_open", "rate_limit"}:
        return UpstreamError(f"No model available: {detail}", status=503, code="upstream_unavailable")
    if len(kinds) == 1 and kinds <= {"engine_crashed", "engine_hung"}:
        return UpstreamError(f"The local model failed: {detail}", status=502, code=next(iter(kinds)))
    return UpstreamError(f"Upstream failed: {detail}", status=502)


class Gateway:
    def __init__(
        self,
        *,
        cfg: Config,
        catalog: Catalog,
        providers: dict[str, Provider],
        router: Router,
        ledger: LedgerWriter,
        pricer: Pricer,
        breakers: Breakers,
        privacy: PrivacyStage | None = None,
        budget: BudgetGuard | None = None,
        audit: AuditSink | None = None,
        cache: AnswerCache | None = None,
        clock: Clock = SYSTEM,
        tracing: Tracing | None = None,
    ) -> None:
        self.cfg = cfg
        self.clock = clock
        self.catalog = catalog
        self.providers = providers
        self.router = router
        self.ledger = ledger
        self.pricer = pricer
        self.breakers = breakers
        self.privacy = privacy
        self.budget: BudgetGuard = budget or NoBudget()
        self.audit: AuditSink = audit or NoAudit()
        self.cache = cache  # opt-in exact-match response cache (hooks.AnswerCache; tenbin.shared.cache)
        self.tracing = tracing  # opt-in OpenTelemetry spans (observe/tracing.py), opened by Finish
        unknown = sorted(m for m in cfg.timeouts.models if m not in catalog)
        if unknown:
            raise ValueError(f"timeouts.models: unknown model {unknown[0]!r}")
        self._deadline_table: dict[str, Deadlines] = {}

    # ---- the pipeline -----------------------------------------------------------------------
    async def chat(self, ctx: RequestContext) -> Completion | Stream:
        return await self._begin(ctx, self._run)

    async def embed(self, ctx: RequestContext) -> Embedding:
        """``/v1/embeddings`` through the same stages as a chat: the input is scanned, routed under
        the same constraints (to embedding models only), reserved against budgets and written as
        one ledger row and one audit entry. It is never masked: see ``_run_embed``."""
        ctx.operation = "embed"
        return await self._begin(ctx, self._run_embed)

    async def _begin(self, ctx: RequestContext, run: Callable[[RequestContext, Finish], Awaitable[T]]) -> T:
        # The request's time comes from the gateway's clock: it decides the Tokyo day the request
        # is priced on (catalog price and FX rate), the budget period it charges and its ledger and
        # audit timestamps, so all of them agree and tests can pin it to a month boundary.
        ctx.started = self.clock.now().timestamp()
        fin = Finish(self, ctx)
        try:
            return await run(ctx, fin)
        except BaseException as e:
            await fin.failed(e)  # a no-op when the request already finished (a stream's own end)
            raise

    async def _prepare(self, ctx: RequestContext, fin: Finish) -> PrivacyPlan | None:
        """The stages every operation shares before a provider is called: scan, route, reserve."""
        self._check_request(ctx)
        self.router.check_fits(ctx)  # a prompt no model can hold is refused before its scan
        scan = fin.scan = await self.privacy.scan_async(ctx.body, ctx.body_size) if self.privacy else None
        decision = fin.decision = fin.routed = self.router.decide(ctx, scan, trace=fin.route)
        self.router.count(decision)  # decide is pure; the request is on its way to this model
        fin.decision, fin.reservation = await self.budget.reserve(ctx, decision)
        return self.privacy.plan(ctx.body, scan, fin.decision) if self.privacy and scan else None

    async def _run_embed(self, ctx: RequestContext, fin: Finish) -> Embedding:
        plan = await self._prepare(ctx, fin)
        assert fin.decision is not None
        # A vector of masked text is not the text's vector, so the router never asks to mask an
        # embeddings request (it reroutes or refuses); should a destination still need masking,
        # it is skipped, never sent the input.
        def as_written(model: ModelSpec) -> dict[str, Any] | None:
            return ctx.body if plan is None or plan.action_for(model) == "allow" else None

        served, result = await self._try_chain(ctx, fin.decision, as_written, _embed_call, fin.tried)
        fin.served = served
        usage = result.usage
        if not usage.reported:  # Gemini counts no tokens here: estimate them, marked as such
            usage = Usage(prompt_tokens=estimate_tokens("\n".join(embed_texts(ctx.body))) or len(result.vectors))
        # The audit digests the vectors as a base64 client receives them; it never keeps them (raw
        # retention is for text: a vault of vectors would be megabytes per batch, derived data).
        fin.answer = AnswerTap()
        for vec in result.vectors:
            fin.answer.feed(float32_base64(vec))
        await fin(200, None, usage)
        return Embedding(result.vectors, usage, served)

    async def _run(self, ctx: RequestContext, fin: Finish) -> Completion | Stream:
        plan = await self._prepare(ctx, fin)
        decision = fin.decision
        assert decision is not None
        # Masked or not is decided per destination (Decision.privacy_for): the first choice's body
        # is built now (a refused attachment is the client's 403 before any call), a fallback's
        # when the chain reaches it.
        fin.masked = plan.masked_for(decision.model) if plan else None
        bodies: Bodies = plan.body_for if plan else (lambda _m: ctx.body)
        if ctx.stream:
            return await open_stream(self, ctx, fin, bodies, plan)
        # A cached answer is a chat answer: a request some model of the chain takes natively is
        # not cached (one every model gets translated still is).
        native = ctx.native is not None and any(
            (p := self.providers.get(m.provider)) is not None and speaks(p, ctx) for m in decision.chain)
        served, result = await self._complete(ctx, decision, bodies, fin.tried,
                                              not native and (plan is None or plan.uniform(decision.chain)), plan)
        fin.served = served
        masked = fin.masked = plan.masked_for(served.model) if plan else None
        response = result.response
        fin.answer = AnswerTap(self.audit.keeps_raw)
        if isinstance(result, NativeResult):
            assert ctx.native is not None
            codec = ctx.native.codec
            if masked:
                codec.restore(response, masked.answers)
            for text in codec.texts(response):
                fin.answer.feed(text)
            await fin(200, None, result.usage)
            return Completion(response, served, native=True)
        response["model"] = served.model.id
        if masked:
            masked.restore_response(response)
        fin.answer.feed_choices(response, "message")
        await fin(200, None, result.usage)
        return Completion(response, served)

    def _check_request(self, ctx: RequestContext) -> None:
        """What no vendor can be asked: more choices than the cap (each is billed) — the client's
        400, before any budget is reserved or a breaker is touched. A body JSON cannot encode
        again never gets here: the API refuses it while reading (api/body.py, depth at most 128
        where orjson encodes 254), and ``providers.http.encode`` still answers one that a caller
        other than the API passes with a 400 that leaves the breaker alone."""
        n = ctx.body.get("n")
        cap = self.cfg.server.max_n
        if isinstance(n, int) and n > cap:
            raise BadRequest(f"'n' is {n}; this gateway serves at most {cap} choices per request.",
                             param="n", code="invalid_value")

    # ---- provider calls ---------------------------------------------------------------------
    def _candidates(self, decision: Decision, attempts: list[Attempt]) -> list[tuple[ModelSpec, Provider]]:
        out = []
        for model in decision.chain:
            provider = self.providers.get(model.provider)
            if provider is None:
                attempts.append(Attempt(model.id, "unavailable", f"provider {model.provider} not configured"))
                continue
            avail = provider.availability()
            if not avail.ok:
                attempts.append(Attempt(model.id, "unavailable", avail.reason or ""))
                continue
            out.append((model, provider))
        return out

    def _max_retries(self, model: ModelSpec) -> int:
        p = self.cfg.providers.get(model.provider)
        return p.max_retries if p else 0

    def _deadlines(self, model: ModelSpec) -> Deadlines:
        d = self._deadline_table.get(model.id)
        if d is None:
            p = self.cfg.providers.get(model.provider) or ProviderConfig(kind="llamacpp")
            d = self._deadline_table[model.id] = Deadlines.of(p, self.cfg.timeouts.models.get(model.id))
        return d

    async def _attempt(self, model: ModelSpec, fn: Callable[[], Awaitable[Any]], until: float) -> Any:
        """One model's attempt (its retries included) under its own deadlines, which the HTTP
        adapters read from ``ATTEMPT``, and under what is left of the request's deadline."""
        d = self._deadlines(model)
        token = ATTEMPT.set(d)
        watch = Watch(asyncio.get_running_loop(), until)  # one loop timer, not asyncio.timeout's
        watch.arm(until, "request")
        try:
            return await with_retries(fn, self._max_retries(model), self.cfg.retry, d.timeout_retries)
        except asyncio.CancelledError:
            if watch.expired() is None:
                raise
            raise DeadlineExceeded(model.id, "request", self.cfg.timeouts.request_s, sent=True) from None
        finally:
            watch.close()
            ATTEMPT.reset(token)

    async def _try_chain(
        self, ctx: RequestContext, decision: Decision, bodies: Bodies,
        attempt_fn: Callable[[Provider, ChatCall], Any], attempts: list[Attempt], *, judged_later: bool = False,
        plan: PrivacyPlan | None = None,
    ) -> tuple[Served, Any]:
        """``attempts`` (the request's ``Finish.tried``) collects every model that did not answer,
        also when the chain raises, so the audit sees each vendor the data reached.

        A model whose vendor speaks the face's own format (``speaks``) is sent that request
        (``ChatCall.native``, masked by ``plan`` as its chat body would be); every other model of
        the same chain the chat body — so a fallback mid-chain translates.

        The whole chain runs under the request's deadline (``timeouts.request_s`` from the
        request's start): when it passes, no further model is tried. ``judged_later``: the
        answer is a stream whose verdict on the vendor (breaker success or failure) is only
        known at its end, so the caller gives it."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.cfg.timeouts.request_s - (time.perf_counter() - ctx.started_mono)
        trace = ctx.trace
        for model, provider in self._candidates(decision, attempts):
            if loop.time() >= until:
                attempts.append(Attempt(model.id, "timeout", f"not tried: the request's deadline "
                                        f"({self.cfg.timeouts.request_s:g} s) had passed"))
                break
            body = bodies(model)  # masked or not, for this destination
            if body is None:
                attempts.append(Attempt(model.id, "policy_blocked", "its attachments cannot be masked"))
                continue
            native: NativeBody | None = None
            if ctx.native is not None and speaks(provider, ctx):
                own = plan.native_for(model, ctx.native) if plan is not None else ctx.native.body
                if own is None:
                    attempts.append(Attempt(model.id, "policy_blocked", "its attachments cannot be masked"))
                    continue
                native = NativeBody(ctx.native.codec.format, own, ctx.native.headers)
            breaker = self.breakers.get(model.id)
            if not breaker.allow():
                attempts.append(Attempt(model.id, "breaker_open", "circuit breaker open"))
                continue
            call = ChatCall(model=model, body=body, request_id=ctx.request_id, native=native)
            sent = 0
            span = trace.attempt(model, body is not ctx.body) if trace is not None else None

            async def once(provider: Provider = provider, call: ChatCall = call) -> Any:
                nonlocal sent
                try:
                    out = await attempt_fn(provider, call)
                except ProviderError as e:
                    sent += e.reached
                    raise
                except BaseException:
                    sent += 1  # cancelled or our fault mid-call: it may have left, so count it
                    raise
                sent += 1
                return out

            try:
                out = await self._attempt(model, once, until)
            except ProviderError as e:
                if span is not None:
                    span.failed(e.kind, sent)
                attempts.append(Attempt(model.id, e.kind, describe(e), e.retry_after, sent, e.status,
                                        body is not ctx.body))  # the vendor's own text only in the log
                if e.kind == "bad_request":
                    if e.status is None:
                        breaker.release()  # refused before it was sent: no verdict on the vendor
                    else:
                        breaker.success()  # the vendor is healthy; the request is wrong
                    log.info("request %s: %s refused it: %s", ctx.request_id, model.id, redact(e.message))
                    raise BadRequest(f"{model.id} {describe(e)}.",
                                     status=e.status if e.status in (400, 413, 422) else 400,
                                     code="upstream_bad_request") from None
                if isinstance(e, DeadlineExceeded) and e.phase == "request":
                    breaker.release()  # the request's time ran out, spent partly elsewhere: no verdict
                    log.warning("request %s: deadline passed while %s was working", ctx.request_id, model.id)
                    break
                breaker.failure()
                log.warning("request %s: %s failed (%s: %s), trying next", ctx.request_id, model.id, e.kind,
                            redact(e.message))
                continue
            except BaseException:
                # Cancelled (the client left) or a fault of ours: no verdict on the vendor, but a
                # half-open trial must end here, or the model is never tried again.
                breaker.release()
                if span is not None:
                    span.failed("interrupted", sent)
                attempts.append(Attempt(model.id, "interrupted", "the call did not finish", sent=sent,
                                        masked=body is not ctx.body))
                raise
            if span is not None:
                span.served(out, sent)
            if not judged_later:
                breaker.success()
            return Served(model, decision, list(attempts), sent, body is not ctx.body), out
        raise _with_budget(decision, _chain_error(attempts))

    async def _complete(self, ctx: RequestContext, decision: Decision, bodies: Bodies, attempts: list[Attempt],
                        cacheable: bool = True, plan: PrivacyPlan | None = None,
                        ) -> tuple[Served, ChatResult | NativeResult]:
        first = bodies(decision.model)
        # A cached answer is kept as its model received it; when the chain's models receive
        # different bodies (masked for some only), it could be restored against the wrong one.
        if self.cache is not None and cacheable and first is not None:
            return await self.cache.complete(
                ctx, decision, first,
                lambda: self._try_chain(ctx, decision, bodies, lambda p, c: p.complete(c), attempts),
                lambda: Served(decision.model, decision))
        served, result = await self._try_chain(ctx, decision, bodies, answer, attempts, plan=plan)
        return served, result

async def _embed_call(provider: Provider, call: ChatCall) -> EmbedResult:
    if not isinstance(provider, Embedder):  # config validation refuses this; a fallback all the same
        raise ProviderError("unavailable", f"provider {provider.name} serves no embeddings", sent=False)
    return await provider.embed(call)
