"""The ``finops:`` config section, validated here with field-named errors.

Budgets can live in config (reviewed like code) or in the store (``tenbin budgets set``, changed
without a restart); both use :class:`BudgetRule`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tenbin.config.sections import validate_section

Scope = Literal["team", "project", "key", "use_case", "all"]
Period = Literal["day", "month"]
Action = Literal["alert", "block", "downgrade"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BudgetRule(_Strict):
    """A spend limit in JPY for one team / project / key / use case (``match``) per day or month."""

    name: str = Field(min_length=1, max_length=100)
    scope: Scope = "team"
    match: str = Field(default="*", description="the team/project/key id/use case; '*' = each one")
    period: Period = "month"
    limit_jpy: Decimal = Field(gt=0)
    action: Action = "block"
    downgrade_to: str | None = None
    thresholds: tuple[int, ...] = (50, 80, 100)
    webhook: str | None = Field(default=None, description="POSTed on threshold crossings (only this URL)")

    @field_validator("thresholds")
    @classmethod
    def _pct(cls, v: tuple[int, ...]) -> tuple[int, ...]:
        if any(t <= 0 or t > 1000 for t in v):
            raise ValueError("thresholds are percentages in 1..1000")
        return tuple(sorted(set(v)))

    @field_validator("webhook")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("webhook must be an http(s) URL")
        return v

    @model_validator(mode="after")
    def _downgrade(self) -> BudgetRule:
        if self.action == "downgrade" and not self.downgrade_to:
            raise ValueError("action 'downgrade' needs downgrade_to (a cheaper model id)")
        return self


class SelfHosted(_Strict):
    """What a local model really costs, charged back to the teams that use it per token processed:
    GPU hours (``gpu_hour_jpy`` at ``tokens_per_second`` and ``utilization``), a fixed server per
    month spread over its capacity, or an amortised price per 1M tokens set by finance."""

    gpu_hour_jpy: Decimal | None = Field(default=None, gt=0)
    server_month_jpy: Decimal | None = Field(default=None, gt=0)
    jpy_per_million_tokens: Decimal | None = Field(default=None, gt=0, description="amortised ¥ per 1M tokens")
    tokens_per_second: Decimal | None = Field(default=None, gt=0, description="sustained throughput, all tokens")
    utilization: Decimal = Field(default=Decimal(1), gt=0, le=1, description="share of paid hours in use")

    @model_validator(mode="after")
    def _one(self) -> SelfHosted:
        given = [n for n in ("gpu_hour_jpy", "server_month_jpy", "jpy_per_million_tokens") if getattr(self, n)]
        if len(given) != 1:
            raise ValueError("set exactly one of gpu_hour_jpy, server_month_jpy or jpy_per_million_tokens")
        if self.jpy_per_million_tokens is None and self.tokens_per_second is None:
            raise ValueError(f"{given[0]} needs tokens_per_second (the sustained throughput)")
        return self

    @property
    def basis(self) -> str:
        return ("gpu_hour" if self.gpu_hour_jpy is not None else
                "server_month" if self.server_month_jpy is not None else "per_million_tokens")


class UseCase(_Strict):
    """An outcome a use case produces, so reports can show cost per outcome and return."""

    outcome: str = Field(min_length=1)
    minutes_saved: Decimal = Field(default=Decimal(0), ge=0)
    hourly_cost_jpy: Decimal = Field(default=Decimal(0), ge=0)
    value_jpy: Decimal | None = Field(default=None, ge=0, description="value per outcome, if not time")
    requests_per_outcome: Decimal = Field(default=Decimal(1), gt=0)

    @property
    def outcome_value_jpy(self) -> Decimal:
        if self.value_jpy is not None:
            return self.value_jpy
        return self.minutes_saved / 60 * self.hourly_cost_jpy


class FinOpsConfig(_Strict):
    budgets: list[BudgetRule] = []
    self_hosted: dict[str, SelfHosted] = {}
    use_cases: dict[str, UseCase] = {}
    refresh_s: float = Field(default=30.0, gt=0, description="reload FX rates and stored budgets")
    default_max_output_tokens: int = Field(
        default=1024, gt=0, description="output tokens a budget reserves for a request without max_tokens when"
        " the ledger has too few answers to learn its use case's p95 from")
    estimate_refresh_s: float = Field(default=300.0, gt=0,
                                      description="re-learn the output-token p95 used for reservations")
    input_output_ratio: Decimal = Field(default=Decimal(3), gt=0,
                                        description="input tokens per output token for blended prices")

    @model_validator(mode="after")
    def _unique(self) -> FinOpsConfig:
        names = [b.name for b in self.budgets]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate budget names: {', '.join(sorted(dup))}")
        return self

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> FinOpsConfig:
        return validate_section(cls, section, "finops")
