"""Resolve a request to a Decision: rules → sensitive-data action → sovereignty → target → health.

``decide`` is pure given the catalog, the compiled policy and health state: no I/O, nothing
compiled per request. The order is the policy's precedence: sovereignty constraints narrow the
set of models *before* a target is ranked, so neither cost objectives, budget downgrades nor a
client asking for a concrete model can send unmasked personal data somewhere the policy forbids.
An empty ``routing:`` section routes like a pass-through (the requested model, the configured
``fallbacks``, ``tenbin/auto`` → ``default_model``) under the safe default constraints (schema.py).

An embeddings request never leaves the requested model's vector space (catalog/spaces.py): its
pool, fallbacks and reroute candidates are screened to models whose vectors are comparable with
the ones the client's index holds, and ``tenbin/auto`` there is ``default_embedding_model``, never
a tier or a price pick.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tenbin.catalog.catalog import Catalog, ModelSpec
from tenbin.catalog.spaces import incomparable
from tenbin.clock import SYSTEM, Clock, tokyo_now
from tenbin.config.schema import Config
from tenbin.context import RequestContext
from tenbin.errors import BadRequest, Forbidden, NotFound, RateLimited, UpstreamError
from tenbin.routing.classifier import LearnedClassifier, RequestClassifier
from tenbin.routing.compile import Check, compile_match, first_miss
from tenbin.routing.complexity import ComplexityEstimator, HeuristicComplexity
from tenbin.routing.constraints import CompiledConstraint, compile_constraints
from tenbin.routing.decision import Decision, PrivacyAction, sent_abroad
from tenbin.routing.facts import CLASS_NAME, policy_needles, record
from tenbin.routing.features import Features, estimate_tokens, extract, max_output, prompt_text
from tenbin.routing.health import AvailabilitySource, BreakerBoard, Health, RateLimiter, SlidingWindowLimiter
from tenbin.routing.objectives import Ranker
from tenbin.routing.schema import VIRTUAL_AUTO, Objective, RoutingPolicy, Rule, Target
from tenbin.routing.validate import check_model_refs

AUTO_MODELS = VIRTUAL_AUTO
_TIER_RANK = {"light": 0, "standard": 1, "frontier": 2}
#: Checks that read only the request's data classes: constraints made of these alone (the
#: defaults, most sovereignty rules) are applied per distinct (classes, class, masked), once.
_CLASS_CHECKS = frozenset({"data_class", "min_data_class"})


#: What the constraints make of one request (``Router._apply``).
_Applied = tuple[tuple[str, ...], tuple["CompiledConstraint", ...], tuple["CompiledConstraint", ...],
                 frozenset[str] | None, list[str] | None]


@dataclass(slots=True)
class Plan:
    """The models a request may go to, before filtering: ranked pool first, then fallbacks."""

    source: str
    pool: list[str]
    objective: Objective = "ordered"
    weights: Mapping[str, int] | None = None
    fallbacks: list[str] = field(default_factory=list)
    tier: str = "standard"
    anchor: str | None = None  # embeddings: the model whose vector space the request must stay in


@dataclass(slots=True)
class Screen:
    anchor: ModelSpec | None = None  # embeddings: candidates outside its vector space are rejected
    kept: list[str] = field(default_factory=list)
    demoted: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (model, category, reason)


class Router:
    def __init__(
        self, cfg: Config, catalog: Catalog, *, breakers: BreakerBoard | None = None,
        providers: Mapping[str, AvailabilitySource] | None = None, limiter: RateLimiter | None = None,
        estimator: ComplexityEstimator | None = None, policy: RoutingPolicy | None = None,
        clock: Clock = SYSTEM, classifier: RequestClassifier | None = None,
    ) -> None:
        self.cfg = cfg
        self.catalog = catalog
        self.policy = p = policy or RoutingPolicy.from_section(cfg.routing)
        check_model_refs(p, cfg, catalog)
        # The request classifier labels data class and tier together (one feature pass); an
        # explicitly passed estimator still decides the tier, for a learned router of one's own.
        if classifier is None and p.classifier.engine == "learned":
            classifier = LearnedClassifier(p.classifier.caution, p.threshold)
        self.classifier: RequestClassifier | None = classifier
        self._classifier_tier = estimator is None and classifier is not None
        self.estimator: ComplexityEstimator = estimator or HeuristicComplexity(p.threshold)
        self.health = Health(breakers, providers, clock=clock)
        self.limiter: RateLimiter = limiter or SlidingWindowLimiter(clock=clock)
        self._rules: tuple[tuple[Rule, tuple[Check, ...]], ...] = tuple(
            (r, compile_match(r.when, self._complexity)) for r in p.rules)
        self._constraints: tuple[CompiledConstraint, ...] = compile_constraints(
            p.constraints, catalog, self._complexity)
        self._by_class = all(name in _CLASS_CHECKS for c in self._constraints for name, _ in c.checks)
        self._applied: dict[tuple[frozenset[Any], Any, bool], _Applied] = {}
        self._ranker = Ranker(list(catalog), p.models, today=tokyo_now(clock).date())
        self._rpm = {m: h.rpm for m, h in p.models.items() if h.rpm}
        self._needles, self._tag_keys = policy_needles(p)  # for the facts the replay re-decides from
        self._fallbacks = {k: [catalog.get(x).id for x in v if catalog.get(x)]  # type: ignore[union-attr]
                           for k, v in cfg.fallbacks.items()}
        self._caps = {m.id: (m.capabilities.tools, m.capabilities.json_mode, m.context_window) for m in catalog}
        self._embedding = frozenset(m.id for m in catalog if m.kind == "embedding")
        self._by_id = {m.id: m for m in catalog}
        # Providers are fixed for the router's life (a changed providers section needs a restart).
        self._unserved = frozenset(m.id for m in catalog if not self._configured(m))
        self._default_embedding = self._check_default_embedding(cfg.default_embedding_model)
        # The largest context window a chat (False) / embeddings (True) request could be sent to:
        # configured models, except those of a vendor whose key is not set (never callable).
        self._largest: dict[bool, int] = {}
        for m in catalog:
            pc = cfg.providers.get(m.provider)
            if self._configured(m) and not (pc is not None and pc.missing_secret):
                kind = m.kind == "embedding"
                self._largest[kind] = max(self._largest.get(kind, 0), m.context_window)
        self._domestic = tuple(m.id for m in catalog if not sent_abroad(m))
        self._unmasked_memo: dict[tuple[int, ...], frozenset[str]] = {}
        self._eligible: dict[frozenset[str], list[str]] = {}
        self._resolved: dict[int, tuple[tuple[str, ...], str]] = {}
        # Reroute candidates per wanted tier: nearest tier first, then list price for a nominal
        # 1k-in/500-out request. Fixed at load time; the request's own size does not reorder it.
        self._reroute_order = {tier: self._nearest(want) for tier, want in _TIER_RANK.items()}

    # ---- helpers ----------------------------------------------------------------------------
    def _check_default_embedding(self, name: str | None) -> str | None:
        if name is None:
            return None
        m = self.catalog.get(name)
        if m is None:
            raise ValueError(f"default_embedding_model: unknown model {name!r}")
        if m.kind != "embedding":
            raise ValueError(f"default_embedding_model: {m.id} is a chat model; tenbin/auto on /v1/embeddings "
                             "needs a kind: embedding model")
        return m.id

    def _embedding_name(self, name: str) -> str:
        """What an embeddings request's ``model`` names: ``tenbin/auto`` is the configured
        ``default_embedding_model``. Never a pick by tier or price as for chats: the vectors must
        be comparable with the ones the client's index already holds, so the choice is fixed."""
        if name not in AUTO_MODELS:
            return name
        if self._default_embedding is None:
            raise BadRequest(
                f"`{name}` on /v1/embeddings needs `default_embedding_model` in the gateway config (the "
                "embedding model your index was built with): vectors of different embedding models are "
                "not comparable, so tenbin never picks one by tier or price. Set it, or name an embedding "
                "model.", code="default_embedding_model_unset", param="model")
        return self._default_embedding

    def _nearest(self, want: int) -> list[str]:
        def key(i: str) -> tuple[int, int]:
            return abs(_TIER_RANK[self._by_id[i].tier] - want), self._ranker.cost(i, 1000, 500)

        return sorted(self._by_id, key=key)

    def _complexity(self, f: Features) -> tuple[float, str]:
        if f.cx is None:
            c = self.estimator.estimate(f.text, f.turns)
            f.cx, f.cx_signals = (c.score, c.tier), c.signals
        return f.cx

    def resolve(self, name: str) -> ModelSpec:
        """A concrete catalog model for ``name`` (``tenbin/auto`` → ``default_model``), or 404."""
        if name in AUTO_MODELS:
            name = self.cfg.default_model
        m = self.catalog.get(name)
        if m is None:
            raise NotFound(f"The model `{name}` does not exist or you do not have access to it.", param="model")
        return m

    def _from_target(self, source: str, t: Target, extra_fallbacks: tuple[str, ...] = ()) -> Plan:
        resolved = self._resolved.get(id(t))
        if resolved is None:  # policy targets live as long as the router: resolve aliases once
            ids = tuple(self.resolve(x).id for x in t.models)
            resolved = self._resolved[id(t)] = (ids, self._by_id[ids[0]].tier if ids else "standard")
        return Plan(source, list(resolved[0]), t.objective, t.weights, [*t.fallbacks, *extra_fallbacks],
                    resolved[1])

    def _plan(self, ctx: RequestContext, f: Features, rule: Rule | None) -> Plan:
        if f.operation != "embed":
            return self._plan_for(ctx.requested_model, ctx, f, rule)
        name = self._embedding_name(ctx.requested_model)
        plan = self._plan_for(name, ctx, f, rule)
        if name != ctx.requested_model and plan.source == "client":
            plan.source = "default_embedding_model"
        # The space is the one of the model the client asked for (an alias: its first embedding
        # model), not of whatever a rule sends it to: that is what the client's index was built with.
        alias = self.policy.aliases.get(name)
        if alias is None:
            plan.anchor = self.resolve(name).id
        else:
            named = [*self._from_target("", alias).pool, *(self.resolve(x).id for x in alias.fallbacks)]
            plan.anchor = next((m for m in named if m in self._embedding), None)
        return plan

    def _plan_for(self, name: str, ctx: RequestContext, f: Features, rule: Rule | None) -> Plan:
        p = self.policy
        rule_fb = rule.fallbacks if rule else ()
        if name in AUTO_MODELS:
            if rule is not None and rule.has_target:
                return self._from_target(f"rule:{rule.name}", rule)
            tier = self._complexity(f)[1]
            if tier in p.tiers:
                plan = self._from_target(f"auto:{tier}", p.tiers[tier], rule_fb)
            else:
                plan = Plan(f"auto:{tier}", [self.resolve(self.cfg.default_model).id], fallbacks=list(rule_fb))
            plan.tier = tier
            return plan
        if name in p.aliases:
            if rule is not None and rule.has_target:
                return self._from_target(f"rule:{rule.name}", rule)
            return self._from_target(f"alias:{name}", p.aliases[name], rule_fb)
        model = self.resolve(name)
        mode = (rule.client_model if rule else None) or p.client_model
        if rule is not None and rule.has_target:
            allowed = {self.resolve(x).id for x in rule.models}
            if mode == "reroute" and model.id not in allowed:
                return self._from_target(f"rule:{rule.name}", rule)
            if mode == "refuse" and model.id not in allowed:
                raise Forbidden(
                    f"Policy rule `{rule.name}` does not allow model `{model.id}` for this request; "
                    f"use one of: {', '.join(sorted(allowed))} (or tenbin/auto).",
                    code="policy_model_not_allowed", param="model")
        if not self._configured(model) and ctx.principal.may_use(model.id):
            # Asked for by name, not by policy: answering with some fallback would hide that this
            # gateway cannot serve it at all, so say so instead (GET /v1/models lists what it can).
            raise NotFound(f"The model `{model.id}` is not served by this gateway: its provider "
                           f"`{model.provider}` is not configured (no providers.{model.provider} in the "
                           "config). GET /v1/models lists the models you can use.",
                           code="model_not_configured", param="model")
        return Plan("client", [model.id], fallbacks=[*rule_fb, *self._fallbacks.get(model.id, [])], tier=model.tier)

    def _configured(self, model: ModelSpec) -> bool:
        """Is the model's provider in the config? Unknown when the router was built without providers."""
        providers = self.health.providers
        return providers is None or model.provider in providers

    def _screen(self, ids: list[str], f: Features, allowed: frozenset[str] | None,
                binding: Sequence[CompiledConstraint], ctx: RequestContext, seen: set[str], out: Screen) -> None:
        for mid in ids:
            if mid in seen:
                continue
            seen.add(mid)
            if (mid in self._embedding) != (f.operation == "embed"):
                # Before any other check: a model of the other kind is no candidate at all, so it
                # neither explains a refusal nor turns a sovereignty 403 into a capability 400.
                out.rejected.append((mid, "kind", "a chat model" if f.operation == "embed" else "an embedding model"))
                continue
            if allowed is not None and mid not in allowed:
                c = next(c for c in binding if mid not in c.compliant)
                out.rejected.append((mid, "sovereignty", f"{c.name}: {c.why_not.get(mid, 'not compliant')}"))
                continue
            if not ctx.principal.may_use(mid):
                out.rejected.append((mid, "key", "not allowed for this API key"))
                continue
            if mid in self._unserved:  # cannot recover while the gateway runs: not demoted
                out.rejected.append((mid, "provider", f"provider {self._by_id[mid].provider} not configured"))
                continue
            if out.anchor is not None and self._by_id[mid].space != out.anchor.space:
                # After the policy checks, so a model rejected here is one that would comply: the
                # refusal can name it as the re-index option (_no_model).
                out.rejected.append((mid, "space", incomparable(out.anchor, self._by_id[mid])))
                continue
            tools, json_mode, window = self._caps[mid]
            if f.tools and not tools:
                out.rejected.append((mid, "capability", "no tool calling"))
                continue
            if f.json_mode and not json_mode:
                out.rejected.append((mid, "capability", "no JSON mode"))
                continue
            if f.context_needed > window:
                out.rejected.append((mid, "capability", f"context {f.context_needed} > {window}"))
                continue
            rpm = self._rpm.get(mid)
            if rpm is not None and not self.limiter.allowed(mid, rpm):
                out.rejected.append((mid, "rpm", f"at its {rpm} rpm limit"))
                continue
            why = self.health.reason(self._by_id[mid])
            if why is not None:
                out.demoted.append(mid)  # kept as a last resort: the pipeline may find it recovered
                out.rejected.append((mid, "health", why))
                continue
            out.kept.append(mid)

    def _reroute_pool(self, rule: Rule | None, plan: Plan) -> list[str]:
        explicit = (rule.reroute_to if rule else None) or self.policy.reroute_to
        if explicit:
            return [self.resolve(x).id for x in explicit]  # the policy's own order
        return self._reroute_order.get(plan.tier, self._reroute_order["standard"])

    # ---- the decision -----------------------------------------------------------------------
    def check_fits(self, ctx: RequestContext) -> None:
        """Refuse a request that no served model's context window can hold, before it is scanned.

        ``decide`` would refuse it too (every candidate rejected for ``context N > W``), but only
        after the privacy scan, which costs seconds for a prompt of a megabyte; the size is known
        from the body alone and measured the same way (``Features.context_needed``), so the answer
        is the same 400 at the cost of one pass over the text."""
        largest = self._largest.get(ctx.operation == "embed")
        if largest is None:
            return  # no model of this kind: decide says so (model_kind_mismatch)
        needed = estimate_tokens(prompt_text(ctx)) + max_output(ctx.body)
        if needed > largest:
            raise BadRequest(f"No allowed model supports this request (context {needed} > {largest}, the "
                             "largest context window of any model this gateway serves).",
                             code="policy_no_capable_model")

    def count(self, decision: Decision) -> None:
        """Count one request against the chosen model's RPM window (when it has a cap)."""
        chosen = decision.model.id
        if chosen in self._rpm:
            self.limiter.hit(chosen)

    def decide(self, ctx: RequestContext, scan: Any = None, *, explain: bool = False,
               trace: dict[str, Any] | None = None, features: Features | None = None) -> Decision:
        """Pick the model chain for ``ctx``. ``explain`` adds every rule miss to the trace (for
        ``tenbin route --explain``); a caller passing ``trace`` keeps what was learnt even when the
        request is refused. Pure: it reads the RPM windows but never counts in them — a request
        that is sent is counted by ``count`` (the pipeline calls it), so explaining, replaying or
        previewing a route consumes nothing."""
        p = self.policy
        f = features if features is not None else extract(ctx, scan, p.unscanned_as)  # replay: recorded facts
        trace = {} if trace is None else trace
        if self.classifier is not None and features is None:
            label = self.classifier.classify(f.text, f.turns, scan)
            # Scanned: the classifier's reading replaces the scan's (it has set aside a marker named
            # as a topic or a company's 法人番号). Unscanned: it can only add to ``unscanned_as``.
            if f.scanned:
                f.data_class, f.classes = label.data_class, label.classes
            elif label.data_class > f.data_class:
                f.data_class, f.classes = label.data_class, f.classes | label.classes
            if self._classifier_tier:
                f.cx = (label.score, label.tier)
                if explain:  # the signals are shown only there
                    f.cx_signals = label.tier_signals()
            trace["classifier"] = label.trace() if explain else {"reasons": list(label.reasons)}
        dc = CLASS_NAME[f.data_class]
        trace["requested"] = ctx.requested_model
        trace["data_class"] = dc if f.scanned else f"unscanned:{dc}"
        trace["facts"] = record(f, self._needles, self._tag_keys)
        if explain:
            self._complexity(f)  # shown even when no rule needs it, and even if the request is refused
            if f.cx is not None:
                trace["complexity"] = {"score": f.cx[0], "tier": f.cx[1], "signals": list(f.cx_signals)}
            trace["request"] = {"chars": f.chars, "tokens": f.tokens, "turns": f.turns, "tools": f.tools,
                                "json_mode": f.json_mode, "labels": sorted(f.labels)}
        rule: Rule | None = None
        missed: list[list[str]] = []
        for r, checks in self._rules:
            miss = first_miss(checks, f)
            if miss is None:
                rule = r
                trace["rule"] = r.name
                break
            if explain:
                missed.append([r.name, miss])
        if explain:
            trace["missed"] = missed

        sensitive = f.data_class >= p.sensitive_from
        action = ((rule.on_sensitive if rule and rule.on_sensitive else p.on_sensitive) if sensitive else "allow")
        who = f"Policy rule `{rule.name}`" if rule else "The routing policy"
        if action == "block":
            raise Forbidden(f"{who} blocks requests containing {f.data_class.name} data "
                            f"(found: {', '.join(sorted(f.labels)) or 'unscanned'}).", code="policy_blocked")
        if f.operation == "embed" and action in ("mask", "redact"):
            # A vector of masked text is not the vector of the text (docs/faces.md): the input goes
            # as written to a model the constraints allow (unless_masked waives nothing), or is refused.
            action = "reroute"
        masked = action in ("mask", "redact") and scan is not None and bool(scan.findings)
        trace["action"] = action

        if self._by_class:
            key = (f.classes, f.data_class, masked)
            got = self._applied.get(key)
            if got is None:
                got = self._applied[key] = self._apply(f, masked)
        else:
            got = self._apply(f, masked)
        applied, binding, waived, allowed, eligible = got
        if applied:
            trace["constraints"] = list(applied)
        if eligible is not None:
            trace["eligible"] = eligible

        plan = self._plan(ctx, f, rule)
        trace["source"] = plan.source
        screen, seen = Screen(self._by_id[plan.anchor] if plan.anchor else None), set[str]()
        if screen.anchor is not None:
            trace["vector_space"] = screen.anchor.space
        self._screen(plan.pool, f, allowed, binding, ctx, seen, screen)
        ranked = self._ranker.order(screen.kept, plan.objective, prompt_tokens=f.tokens,
                                    output_tokens=f.max_output or 500, weights=plan.weights,
                                    request_id=ctx.request_id) if len(screen.kept) > 1 else screen.kept
        screen.kept = list(ranked)
        if plan.fallbacks:
            self._screen(plan.fallbacks, f, allowed, binding, ctx, seen, screen)
        if not screen.kept and not screen.demoted and action == "reroute":
            self._screen(self._reroute_pool(rule, plan), f, allowed, binding, ctx, seen, screen)
            trace["source"] = f"reroute({plan.source})"
        chain = screen.kept + screen.demoted
        if screen.demoted:
            trace["demoted"] = list(screen.demoted)
        if screen.rejected:
            trace["rejected"] = [[m, why] for m, _, why in screen.rejected]
        if f.cx is not None and not explain:
            trace["complexity"] = {"score": f.cx[0], "tier": f.cx[1]}
        if not chain:
            raise self._no_model(who, f, plan, screen, applied)
        if screen.anchor is not None and any(c == "space" for _, c, _ in screen.rejected):
            trace["other_space"] = [m for m, c, _ in screen.rejected if c == "space"]
        chosen = chain[0]
        max_cost = (rule.max_cost_jpy if rule and rule.max_cost_jpy is not None else p.max_cost_jpy)
        if max_cost is not None:
            trace["max_cost_jpy"] = str(max_cost)
        trace["chosen"] = chosen
        models = list(map(self._by_id.__getitem__, chain))
        privacy: PrivacyAction = "mask" if action == "mask" else "redact" if action == "redact" else "allow"
        scope = (rule.mask_scope if rule and rule.mask_scope else None) or p.mask_scope
        unmasked = self._unmasked(waived) if masked and scope == "abroad" else frozenset()
        if unmasked:
            kept = [m for m in chain if m in unmasked]
            if kept:
                trace["unmasked"] = kept
        rule_name = rule.name if rule else ("requested" if trace["source"] == "client" else trace["source"])
        return Decision(model=models[0], fallbacks=models[1:], privacy_action=privacy,
                        max_cost=max_cost, rule=rule_name, trace=trace, unmasked=unmasked)

    def _apply(self, f: Features, masked: bool) -> _Applied:
        """The constraints that bind ``f``: (their names as the trace shows them, the binding
        ones, the ones masking waived, the models all binding ones allow — None: no constraint
        binds —, those models sorted for the trace)."""
        allowed: frozenset[str] | None = None
        binding: list[CompiledConstraint] = []
        waived: list[CompiledConstraint] = []
        applied: list[str] = []
        for c in self._constraints:
            if not c.applies(f):
                continue
            if c.unless_masked and masked:
                applied.append(f"{c.name}(waived:masked)")
                waived.append(c)
                continue
            applied.append(c.name)
            binding.append(c)
            allowed = c.compliant if allowed is None else allowed & c.compliant
        eligible = None
        if allowed is not None:
            eligible = self._eligible.get(allowed)
            if eligible is None:
                eligible = self._eligible[allowed] = sorted(allowed)
        return tuple(applied), tuple(binding), tuple(waived), allowed, eligible

    def _unmasked(self, waived: Sequence[CompiledConstraint]) -> frozenset[str]:
        """Models that may receive a request ``mask``/``redact`` applies to as written: domestic
        (Japan or on-prem, under Japanese law) and compliant with every constraint the masking
        waived — a constraint waived *because* the request is masked still binds a model that
        would get it unmasked."""
        key = tuple(id(c) for c in waived)
        out = self._unmasked_memo.get(key)
        if out is None:
            out = self._unmasked_memo[key] = frozenset(
                m for m in self._domestic if all(m in c.compliant for c in waived))
        return out

    def _no_model(self, who: str, f: Features, plan: Plan, screen: Screen, applied: Sequence[str]) -> Exception:
        cats = {c for _, c, _ in screen.rejected if c != "kind"}
        if not cats:  # only models of the other kind were asked for
            what = "an embeddings request needs an embedding model" if f.operation == "embed" \
                else "embedding models only serve /v1/embeddings"
            names = ", ".join(m for m, _, _ in screen.rejected[:6])
            return BadRequest(f"No model of the right kind: {what} ({names}).", code="model_kind_mismatch",
                              param="model")
        detail = "; ".join(f"{m}: {why}" for m, c, why in [r for r in screen.rejected if r[1] != "kind"][:6])
        if "rpm" in cats:
            return RateLimited(f"Every eligible model is at its requests-per-minute limit ({detail}).")
        if "capability" in cats:
            return BadRequest(f"No allowed model supports this request ({detail}).", code="policy_no_capable_model")
        if "key" in cats and plan.source == "client" and len(plan.pool) == 1 and not plan.fallbacks:
            return Forbidden(f"This API key may not use model `{plan.pool[0]}`.", param="model")
        if "key" in cats:
            return Forbidden(f"No model this API key may use fits the policy ({detail}).")
        if "space" in cats and "sovereignty" not in cats and screen.anchor is not None:
            a = screen.anchor
            return Forbidden(f"{who}: no model in {a.id}'s vector space ({a.space}) can serve this embeddings "
                             f"request ({detail}).{self._space_advice(a, screen)}",
                             code="policy_no_compliant_model")
        if "sovereignty" not in cats:  # only unconfigured providers were left: a config problem
            return UpstreamError(f"No configured model can serve this request ({detail}); add the provider "
                                 "to the config's providers.", status=503, code="provider_not_configured")
        unread = "" if f.scanned else (" (token arrays, which cannot be scanned, count as routing.unscanned_as)"
                                       if f.operation == "embed" else " (unscanned: routing.unscanned_as)")
        advice = (self._space_advice(screen.anchor, screen) if screen.anchor is not None
                  else " Mask the data, use tenbin/auto, or add a compliant model.")
        return Forbidden(
            f"{who}: no compliant model can serve this request: {f.data_class.name} data{unread} is bound by "
            f"{', '.join(applied)} and every candidate fails ({detail}).{advice}", code="policy_no_compliant_model")

    @staticmethod
    def _space_advice(a: ModelSpec, screen: Screen) -> str:
        """What an operator can do when no model of the requested vector space may serve: the
        models that would comply are named, and why they are not used (masking cannot help)."""
        other = [m for m, c, _ in screen.rejected if c == "space"]
        fix = (f" Add a deployment of {a.id} the policy allows with vector_space: {a.space} (e.g. an Azure "
               "OpenAI deployment in Japan East)")
        if not other:
            return f"{fix}; masking cannot help, since a vector of masked text is not the text's vector."
        names = ", ".join(other[:6])
        return (f" Compliant but in another vector space: {names}. Their vectors are incomparable with {a.id}'s "
                f"(vector space {a.space}), so an index built with {a.id} cannot be searched with them.{fix}, "
                "or re-index with one of them and name it.")
