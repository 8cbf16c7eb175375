"""The ``routing:`` config section as a typed policy.

Validated once at start-up (``RoutingPolicy.from_section``) so a typo in a rule fails the gateway
boot with ``routing.rules.3.when.data_class: ...`` instead of silently never matching a request.
Everything here is data; ``compile.py`` turns it into the predicates the hot path evaluates.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tenbin.config.sections import validate_section
from tenbin.privacy.classes import DataClass

Objective = Literal["cheapest", "fastest", "weighted", "ordered"]
SensitiveAction = Literal["allow", "mask", "redact", "reroute", "block"]
ClientModel = Literal["honour", "reroute", "refuse"]
Tier = Literal["light", "standard", "frontier"]
#: Where ``mask``/``redact`` applies: only to models the data would leave Japan for (default), or
#: to every model, domestic ones included.
MaskScope = Literal["abroad", "always"]

VIRTUAL_AUTO = ("tenbin/auto", "auto")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _listify(v: Any) -> Any:
    """YAML authors write ``team: sales`` as often as ``team: [sales]``; accept both."""
    if v is None or isinstance(v, list | tuple):
        return v
    return [v]


def _data_class(v: Any) -> DataClass:
    if isinstance(v, DataClass):
        return v
    try:
        return DataClass[str(v).upper()]
    except KeyError:
        names = ", ".join(c.name for c in DataClass)
        raise ValueError(f"unknown data class {v!r} (known: {names})") from None


class Range(_Strict):
    """Inclusive bounds; either side may be open."""

    min: Decimal | None = None
    max: Decimal | None = None


class Match(_Strict):
    """Conditions of a rule or constraint: all given fields must hold; lists mean any-of."""

    team: tuple[str, ...] | None = None
    project: tuple[str, ...] | None = None
    key_id: tuple[str, ...] | None = None
    use_case: tuple[str, ...] | None = None
    model: tuple[str, ...] | None = Field(default=None, description="requested model or alias")
    data_class: tuple[DataClass, ...] | None = None
    min_data_class: DataClass | None = None
    labels: tuple[str, ...] | None = Field(default=None, description="any of these finding labels")
    complexity_tier: tuple[Tier, ...] | None = None
    complexity: Range | None = None
    chars: Range | None = None
    tokens: Range | None = Field(default=None, description="estimated prompt tokens")
    tools: bool | None = Field(default=None, description="request carries tools")
    json_mode: bool | None = Field(default=None, description="response_format asks for JSON")
    context_needed: Range | None = Field(default=None, description="prompt + max output tokens")
    latency_budget_ms: Range | None = Field(default=None, description="from metadata latency_budget_ms")
    tags: dict[str, str] | None = Field(default=None, description="request metadata key = value")
    prompt_contains: tuple[str, ...] | None = Field(default=None, description="any substring, case-insensitive")

    _lists = field_validator(
        "team", "project", "key_id", "use_case", "model", "labels", "complexity_tier", "prompt_contains",
        "data_class", mode="before",
    )(_listify)

    @field_validator("data_class", mode="before")
    @classmethod
    def _classes(cls, v: Any) -> Any:
        return None if v is None else [_data_class(x) for x in _listify(v)]

    @field_validator("min_data_class", mode="before")
    @classmethod
    def _min_class(cls, v: Any) -> Any:
        return None if v is None else _data_class(v)


class Requirement(_Strict):
    """What a model must offer for data matched by a constraint (checked against the catalog)."""

    region: tuple[str, ...] | None = None
    jurisdiction: tuple[str, ...] | None = None
    max_retention_days: int | None = Field(default=None, ge=0)
    no_training: bool = False

    _lists = field_validator("region", "jurisdiction", mode="before")(_listify)


class Constraint(_Strict):
    """A sovereignty rule: evaluated before, and never overridden by, rules, cost or client input."""

    name: str | None = None
    when: Match
    require: Requirement
    unless_masked: bool = Field(default=False, description="waived when the request is masked/redacted")


class Target(_Strict):
    """Where a request goes: one model, or a pool chosen by an objective."""

    model: str | None = None
    pool: tuple[str, ...] | None = None
    objective: Objective = "ordered"
    weights: dict[str, int] | None = Field(default=None, description="model -> weight for objective weighted")
    fallbacks: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Target:
        if (self.model is None) == (self.pool is None):
            raise ValueError("give exactly one of 'model' or 'pool'")
        if self.objective == "weighted":
            if not self.weights:
                raise ValueError("objective 'weighted' needs 'weights'")
            unknown = set(self.weights) - set(self.pool or (self.model,))
            if unknown:
                raise ValueError(f"weights name models outside the pool: {sorted(unknown)}")
            if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
                raise ValueError("weights must be >= 0 with a positive sum")
        return self

    @property
    def models(self) -> tuple[str, ...]:
        return self.pool if self.pool is not None else (self.model or "",)


class Rule(Target):
    """``when`` matches → send to the target (if any) with this privacy action and cost cap."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    when: Match = Match()
    on_sensitive: SensitiveAction | None = None
    client_model: ClientModel | None = None
    max_cost_jpy: Decimal | None = Field(default=None, gt=0)
    reroute_to: tuple[str, ...] | None = None
    mask_scope: MaskScope | None = Field(default=None, description="overrides routing.mask_scope")

    @model_validator(mode="after")
    def _check(self) -> Rule:  # a rule may omit the target: it then only sets action / cost cap
        if self.model is not None and self.pool is not None:
            raise ValueError("give at most one of 'model' or 'pool'")
        if self.objective == "weighted" and not self.weights:
            raise ValueError("objective 'weighted' needs 'weights'")
        if self.weights and self.pool is not None:
            unknown = set(self.weights) - set(self.pool)
            if unknown:
                raise ValueError(f"weights name models outside the pool: {sorted(unknown)}")
        return self

    @property
    def has_target(self) -> bool:
        return self.model is not None or self.pool is not None


class ModelHint(_Strict):
    """Operational facts the catalog does not carry: expected latency and a per-model RPM cap."""

    latency_ms: int | None = Field(default=None, gt=0)
    rpm: int | None = Field(default=None, gt=0)


# The defaults behind "sensitive data never leaves the country unless a policy says so".
DEFAULT_CONSTRAINTS: list[dict[str, Any]] = [
    {"name": "default-personal-in-japan", "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
     "require": {"region": ["JP", "on-prem"]}, "unless_masked": True},
    {"name": "default-confidential-on-prem", "when": {"data_class": ["CONFIDENTIAL"]},
     "require": {"region": ["on-prem"]}},
]


class ClassifierSettings(_Strict):
    """``routing.classifier``: which request classifier labels data class and tier, and how cautious.

    ``learned`` (default): deterministic PII/marker facts plus the shipped linear content model
    (routing/classifier.py). ``keywords``: the privacy scan's class and the keyword complexity
    estimate alone (the behaviour before issue 12). ``caution`` 0..1 trades false alarms for
    safety: higher means fewer PERSONAL/CONFIDENTIAL requests read as PUBLIC/INTERNAL and more
    PUBLIC/INTERNAL ones read as sensitive (``bench/route_eval.py --curve`` prints the curve).
    """

    engine: Literal["learned", "keywords"] = "learned"
    caution: float = Field(default=0.6, ge=0, le=1, description="0 = fewest false alarms, 1 = most cautious")


class RoutingPolicy(_Strict):
    """The whole ``routing:`` section; an empty one routes as asked under the safe default constraints."""

    threshold: float = Field(default=0.5, gt=0, lt=1, description="complexity score at which frontier starts")
    classifier: ClassifierSettings = ClassifierSettings()
    unscanned_as: DataClass = Field(
        default=DataClass.PERSONAL,
        description="data class assumed when privacy scanning is off (safe default: PERSONAL)",
    )
    sensitive_from: DataClass = Field(default=DataClass.PERSONAL, description="class that triggers on_sensitive")
    on_sensitive: SensitiveAction = "allow"
    mask_scope: MaskScope = Field(
        default="abroad", description="mask/redact only for models abroad (region or jurisdiction), or always")
    client_model: ClientModel = "honour"
    max_cost_jpy: Decimal | None = Field(default=None, gt=0)
    reroute_to: tuple[str, ...] | None = Field(default=None, description="pool for reroute (default: catalog)")
    aliases: dict[str, Target] = {}
    tiers: dict[Tier, Target] = Field(default={}, description="tenbin/auto target per complexity tier")
    constraints: tuple[Constraint, ...] = ()
    rules: tuple[Rule, ...] = ()
    models: dict[str, ModelHint] = {}

    @field_validator("unscanned_as", "sensitive_from", mode="before")
    @classmethod
    def _cls(cls, v: Any) -> DataClass:
        return _data_class(v)

    @field_validator("aliases")
    @classmethod
    def _no_auto_alias(cls, v: dict[str, Target]) -> dict[str, Target]:
        for name in v:
            if name in VIRTUAL_AUTO:
                raise ValueError(f"{name!r} is reserved; configure it with 'tiers' and 'rules'")
        return v

    @model_validator(mode="after")
    def _unique_names(self) -> RoutingPolicy:
        seen: set[str] = set()
        for r in self.rules:
            if r.name in seen:
                raise ValueError(f"duplicate rule name {r.name!r}")
            seen.add(r.name)
        return self

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> RoutingPolicy:
        """Validate the section. Without a ``constraints`` key the safe defaults apply (personal
        data stays in Japan/on-prem unless masked; confidential data stays on-prem); write
        ``constraints: []`` to opt out explicitly."""
        if "constraints" not in section:
            # With the default constraints, personal data headed abroad is masked rather than refused,
            # so a team that adds a vendor key keeps working without leaking names and numbers.
            section = {"on_sensitive": "mask", **section, "constraints": DEFAULT_CONSTRAINTS}
        return validate_section(cls, section, "routing")
