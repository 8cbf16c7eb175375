"""The pipeline's BudgetGuard: reserve a request's maximum cost in every budget it falls in, block
or downgrade when one is exhausted, settle the real cost afterwards.

A refusal explains itself: the 429 names the budget, its spend and what requests in flight hold,
the reservation and how it was sized, and what would still fit (a ``max_tokens`` that fits, or the
time the period resets); it carries ``x-should-retry: false`` so SDKs do not retry a refusal that
cannot change by retrying (the openai SDK honours the header). Every downgrade and block is
announced (``alerts.Alerter.action``) and a downgraded answer carries ``x-tenbin-budget``.

Routing has already chosen a compliant model; a downgrade swaps in the rule's cheaper model only
when it keeps the decision's guarantees (the key may use it, and it is processed in Japan if the
original was), otherwise the budget blocks instead.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import orjson

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.catalog.spaces import incomparable
from tenbin.context import RequestContext
from tenbin.errors import BudgetExceeded
from tenbin.finops.budgets.alerts import Alerter, yen
from tenbin.finops.budgets.estimate import OutputEstimate, OutputEstimator
from tenbin.finops.budgets.ledger import BudgetLedger, Claim
from tenbin.finops.budgets.rules import Compiled, bucket, split_bucket, subject_of
from tenbin.finops.periods import TOKYO, period_key, period_of_key, tokyo_date
from tenbin.finops.pricing import Pricer
from tenbin.ledger.record import from_nanos, to_nanos
from tenbin.routing.decision import Decision


class BudgetReservation:
    __slots__ = ("_done", "claims", "guard", "rules")

    def __init__(self, guard: LedgerGuard, claims: list[Claim], rules: list[Compiled]) -> None:
        self.guard, self.claims, self.rules = guard, claims, rules
        self._done = False

    async def settle(self, cost_jpy: Decimal) -> None:
        if self._done:
            return
        self._done = True
        settled = await self.guard.ledger.settle(self.claims, to_nanos(cost_jpy))
        for c, s in zip(self.rules, settled, strict=True):
            self.guard.alerter.crossed(c, s.bucket, s.before, s.after)

    async def release(self) -> None:
        if not self._done:
            self._done = True
            await self.guard.ledger.release(self.claims)


def prompt_token_bound(ctx: RequestContext) -> int:
    """Byte length of what becomes the prompt: byte-level BPE never makes more tokens than bytes."""
    b = ctx.body
    if ctx.operation == "embed":  # token arrays too: each id is at least one byte of JSON
        return len(orjson.dumps(b.get("input"))) + 16
    return len(orjson.dumps([b.get("messages"), b.get("tools")])) + 16


def choices(ctx: RequestContext) -> int:
    n = ctx.body.get("n")
    return n if isinstance(n, int) and n > 1 else 1


def output_estimate(ctx: RequestContext, estimator: OutputEstimator) -> OutputEstimate:
    """Output tokens per choice: the request's own limit, or what its use case usually produces."""
    b = ctx.body
    if ctx.operation == "embed":
        return OutputEstimate(0, "embeddings")  # vectors are not billed as output tokens
    n = b.get("max_completion_tokens") or b.get("max_tokens")
    if isinstance(n, int) and not isinstance(n, bool) and n > 0:
        return OutputEstimate(n, "max_completion_tokens" if b.get("max_completion_tokens") else "max_tokens")
    return estimator.estimate(ctx.use_case)


def max_output(ctx: RequestContext, per_choice: int, model: ModelSpec) -> int:
    """Output tokens the reservation holds on ``model``: per choice (at most its context window),
    times the request's ``n`` choices (the prompt is billed once; the pipeline caps n)."""
    return min(per_choice, model.context_window) * choices(ctx)


def budget_header(kind: str, budget: str) -> str:
    """``x-tenbin-budget`` of a refusal, ASCII like routing's ``Decision.budget_header`` of a
    downgrade (budget names may be Japanese)."""
    return f"{kind};budget={quote(budget, safe='/:@-_.()!*+')}"


class LedgerGuard:
    """BudgetGuard over any :class:`BudgetLedger`; rules can be swapped at run time (``set_rules``).

    ``usable`` (set by the runtime) says whether a model can serve now (provider configured and
    available, breaker not open): a downgrade to a model that cannot answer would only turn a
    budget decision into a misleading "model unavailable", so the budget blocks and says why."""

    def __init__(self, ledger: BudgetLedger, pricer: Pricer, catalog: Catalog, alerter: Alerter,
                 rules: list[Compiled], default_max_output: int = 1024) -> None:
        self.ledger, self.pricer, self.catalog, self.alerter = ledger, pricer, catalog, alerter
        self.estimator = OutputEstimator(default_max_output)
        self.rules = rules
        self.usable: Callable[[ModelSpec], bool] | None = None

    def set_rules(self, rules: list[Compiled]) -> None:
        self.rules = rules

    def max_cost(self, ctx: RequestContext, chain: list[ModelSpec], now: float, per_choice: int) -> int:
        when = tokyo_date(now)
        prompt = prompt_token_bound(ctx)
        return max((self.pricer.max_cost_jpy_nanos(m, prompt, max_output(ctx, per_choice, m), when)
                    for m in chain), default=0)

    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, BudgetReservation | None]:
        applicable = [(c, s) for c in self.rules if (s := subject_of(c.rule, ctx)) is not None]
        if not applicable:
            return decision, None
        now = ctx.started  # the request's own time: it is priced on that Tokyo day, so it charges that period
        est = output_estimate(ctx, self.estimator)
        relaxed: set[str] = set()  # downgrade budgets already applied: they count but no longer refuse
        tried: list[str] = []  # why a downgrade was not possible
        while True:
            amount = self.max_cost(ctx, decision.chain, now, est.tokens)
            claims = [Claim(bucket(c.rule, s, period_key(c.rule.period, now)), amount,
                            None if c.rule.action == "alert" or c.rule.name in relaxed else c.limit_nanos)
                      for c, s in applicable]
            refused = await self.ledger.reserve(claims)
            if refused is None:
                return decision, BudgetReservation(self, claims, [c for c, _ in applicable])
            c, _subject = applicable[refused]
            b = claims[refused].bucket
            spent, held = (await self.ledger.snapshot()).get(b, (0, 0))
            facts: dict[str, Any] = {
                "spent_jpy": yen(spent), "reserved_jpy": yen(held), "reservation_jpy": str(from_nanos(amount)),
                "output_tokens": est.tokens, "estimate": est.basis, "model": decision.model.id}
            if c.rule.action == "downgrade":
                down, why = self._downgrade(ctx, decision, c, now, est)
                if down is not None:
                    self.alerter.action(c, b, "downgrade", {**facts, "from": decision.model.id,
                                                            "to": down.model.id}, ctx.request_id)
                    decision = down
                    relaxed.add(c.rule.name)
                    continue
                tried.append(why)
            self.alerter.action(c, b, "block", facts, ctx.request_id)
            raise BudgetExceeded(self._refusal(ctx, decision, c, b, spent, held, amount, est, now, tried),
                                 headers={"x-should-retry": "false",
                                          "x-tenbin-budget": budget_header("blocked", c.rule.name)})

    def _refusal(self, ctx: RequestContext, decision: Decision, c: Compiled, b: str, spent: int, held: int,
                 amount: int, est: OutputEstimate, now: float, tried: list[str]) -> str:
        """The 429's message: which budget, how much is spent and held, what this request would
        reserve and why, and what would fit instead."""
        _, subject, key = split_bucket(b)
        left = max(0, c.limit_nanos - spent - held)
        prompt = prompt_token_bound(ctx)
        n = choices(ctx)
        out = max(max_output(ctx, est.tokens, m) for m in decision.chain)
        models = ", ".join(m.id for m in decision.chain)
        times_n = f", × n={n}" if n > 1 else ""
        reset = period_of_key(c.rule.period, key).end.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M JST")
        msg = (f"Budget `{c.rule.name}` ({c.rule.scope} {subject}, {c.rule.period} {key}) cannot take this request:"
               f" ¥{from_nanos(spent):,.2f} of ¥{c.rule.limit_jpy:,} spent, ¥{from_nanos(held):,.2f} held by"
               f" requests in flight, ¥{from_nanos(left):,.2f} left; this request reserves up to"
               f" ¥{from_nanos(amount):,.4f} ({prompt:,} prompt tokens at most and {out:,} output tokens"
               f" [{est.basis}{times_n}] on the dearest of {models}).")
        if tried:
            msg += " No downgrade: " + "; ".join(tried) + "."
        fit = self._fitting_output(ctx, decision.chain, left, now)
        if fit is not None and fit > 0:
            msg += f" What would fit: max_tokens ≤ {fit:,}{f' with n={n}' if n > 1 else ''}, or wait until {reset}."
        else:
            msg += f" Nothing fits until the period resets at {reset}."
        return msg

    def _fitting_output(self, ctx: RequestContext, chain: list[ModelSpec], left: int, now: float) -> int | None:
        """The largest per-choice ``max_tokens`` whose reservation fits in ``left`` nano-yen on every
        model of the chain (None: the output is free, only the prompt counts)."""
        when = tokyo_date(now)
        prompt = prompt_token_bound(ctx)
        n = choices(ctx)
        fits: list[int] = []
        for m in chain:
            base = self.pricer.max_cost_jpy_nanos(m, prompt, 0, when)
            per_million = self.pricer.max_cost_jpy_nanos(m, 0, 1_000_000, when)
            if base > left:
                return 0
            if per_million > 0:
                fits.append(min(m.context_window, math.floor((left - base) * 1_000_000 / per_million / n)))
        return min(fits) if fits else None

    def _downgrade(self, ctx: RequestContext, decision: Decision, c: Compiled, now: float,
                   est: OutputEstimate) -> tuple[Decision | None, str]:
        target = self.catalog.get(c.rule.downgrade_to or "")
        if target is None:
            return None, f"downgrade model {c.rule.downgrade_to} is not in the catalog"
        if target.id == decision.model.id:
            return None, f"the request is already on {target.id}"
        if target.kind != decision.model.kind:
            return None, f"{target.id} is {'an embedding' if target.kind == 'embedding' else 'a chat'} model"
        if target.kind == "embedding" and target.space != decision.model.space:
            # A cheaper vector of another space is no saving: the client's index cannot use it.
            return None, f"{target.id} is in {incomparable(decision.model, target)}"
        if not ctx.principal.may_use(target.id):
            return None, f"this key may not use {target.id}"
        if decision.model.domestic and not target.domestic:
            return None, f"{target.id} is not processed in Japan and {decision.model.id} is"
        eligible = decision.trace.get("eligible")
        if isinstance(eligible, list) and target.id not in eligible:
            return None, f"{target.id} is not eligible for this request under the routing policy"
        if self.usable is not None and not self.usable(target):
            return None, f"{target.id} cannot serve now (provider unavailable or circuit open)"
        cap = self.max_cost(ctx, [target], now, est.tokens)
        fallbacks = [f for f in decision.fallbacks
                     if self.max_cost(ctx, [f], now, est.tokens) <= cap and f.id != target.id]
        trace = {**decision.trace, "budget_downgrade": {
            "budget": c.rule.name, "from": decision.model.id, "to": target.id, "kept": [f.id for f in fallbacks],
            "output_tokens": est.tokens, "estimate": est.basis}}
        return dataclasses.replace(decision, model=target, fallbacks=fallbacks, trace=trace,
                                   rule=f"budget:{c.rule.name}"), ""

