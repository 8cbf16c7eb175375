"""The pipeline's BudgetGuard: reserve a request's maximum cost in every budget it falls in, block
or downgrade when one is exhausted, settle the real cost afterwards.

Routing has already chosen a compliant model; a downgrade swaps in the rule's cheaper model only
when it keeps the decision's guarantees (the key may use it, and it is processed in Japan if the
original was), otherwise the budget blocks instead.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import orjson

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.context import RequestContext
from tenbin.errors import BudgetExceeded
from tenbin.finops.budgets.alerts import Alerter
from tenbin.finops.budgets.ledger import BudgetLedger, Claim
from tenbin.finops.budgets.rules import Compiled, bucket, subject_of
from tenbin.finops.periods import period_key, tokyo_date
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
    return len(orjson.dumps([b.get("messages"), b.get("tools")])) + 16


def max_output(ctx: RequestContext, default: int, model: ModelSpec) -> int:
    """Most output tokens the request can be billed for: per choice, times its ``n`` choices (the
    prompt is billed once; the pipeline caps n at ``server.max_n``)."""
    b = ctx.body
    n = b.get("max_completion_tokens") or b.get("max_tokens")
    out = n if isinstance(n, int) and n > 0 else default
    choices = b.get("n")
    return min(out, model.context_window) * (choices if isinstance(choices, int) and choices > 1 else 1)


class LedgerGuard:
    """BudgetGuard over any :class:`BudgetLedger`; rules can be swapped at run time (``set_rules``)."""

    def __init__(self, ledger: BudgetLedger, pricer: Pricer, catalog: Catalog, alerter: Alerter,
                 rules: list[Compiled], default_max_output: int = 4096) -> None:
        self.ledger, self.pricer, self.catalog, self.alerter = ledger, pricer, catalog, alerter
        self.default_max_output = default_max_output
        self.rules = rules

    def set_rules(self, rules: list[Compiled]) -> None:
        self.rules = rules

    def max_cost(self, ctx: RequestContext, chain: list[ModelSpec], now: float) -> int:
        when = tokyo_date(now)
        prompt = prompt_token_bound(ctx)
        return max((self.pricer.max_cost_jpy_nanos(m, prompt, max_output(ctx, self.default_max_output, m), when)
                    for m in chain), default=0)

    async def reserve(self, ctx: RequestContext, decision: Decision) -> tuple[Decision, BudgetReservation | None]:
        applicable = [(c, s) for c in self.rules if (s := subject_of(c.rule, ctx)) is not None]
        if not applicable:
            return decision, None
        now = ctx.started  # the request's own time: it is priced on that Tokyo day, so it charges that period
        relaxed: set[str] = set()  # downgrade budgets already applied: they count but no longer refuse
        while True:
            amount = self.max_cost(ctx, decision.chain, now)
            claims = [Claim(bucket(c.rule, s, period_key(c.rule.period, now)), amount,
                            None if c.rule.action == "alert" or c.rule.name in relaxed else c.limit_nanos)
                      for c, s in applicable]
            refused = await self.ledger.reserve(claims)
            if refused is None:
                return decision, BudgetReservation(self, claims, [c for c, _ in applicable])
            c, subject = applicable[refused]
            b = claims[refused].bucket
            spent = (await self.ledger.snapshot()).get(b, (0, 0))[0]
            self.alerter.fire(c, b, 100, spent, "exhausted")
            if c.rule.action == "downgrade":
                down = self._downgrade(ctx, decision, c, now)
                if down is not None:
                    decision = down
                    relaxed.add(c.rule.name)
                    continue
            raise BudgetExceeded(
                f"Budget `{c.rule.name}` ({c.rule.scope} {subject}, {c.rule.period} {b.rsplit('|', 1)[1]}) is"
                f" exhausted: ¥{from_nanos(spent):,.2f} of ¥{c.rule.limit_jpy:,} spent; this request may cost"
                f" up to ¥{from_nanos(amount):,.4f}.")

    def _downgrade(self, ctx: RequestContext, decision: Decision, c: Compiled, now: float) -> Decision | None:
        target = self.catalog.get(c.rule.downgrade_to or "")
        if target is None or target.id == decision.model.id or not ctx.principal.may_use(target.id):
            return None
        if decision.model.domestic and not target.domestic:
            return None
        eligible = decision.trace.get("eligible")
        if isinstance(eligible, list) and target.id not in eligible:
            return None
        cap = self.max_cost(ctx, [target], now)
        fallbacks = [f for f in decision.fallbacks if self.max_cost(ctx, [f], now) <= cap and f.id != target.id]
        trace = {**decision.trace, "budget_downgrade": {"budget": c.rule.name, "from": decision.model.id,
                                                        "to": target.id, "kept": [f.id for f in fallbacks]}}
        return dataclasses.replace(decision, model=target, fallbacks=fallbacks, trace=trace,
                                   rule=f"budget:{c.rule.name}")
