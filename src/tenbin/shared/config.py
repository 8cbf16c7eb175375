"""The ``shared`` config section, validated here with field-named errors like every package's own."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tenbin.config.sections import validate_section


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Limit(_Strict):
    rpm: int | None = Field(default=None, gt=0, description="requests per minute")
    tpm: int | None = Field(default=None, gt=0, description="estimated prompt tokens per minute")


class RateLimits(_Strict):
    per_key: Limit | None = None  # applies to every API key separately
    teams: dict[str, Limit] = {}  # one shared budget per team, across its keys and all replicas


class CacheConfig(_Strict):
    enabled: bool = False
    ttl_s: float = Field(default=300.0, gt=0)
    # Data classes whose answers may be cached; PERSONAL/CONFIDENTIAL stay out unless listed.
    classes: list[str] = ["PUBLIC", "INTERNAL"]
    max_bytes: int = Field(default=256 * 1024, gt=0)


class SharedConfig(_Strict):
    prefix: str = Field(default="tenbin:", min_length=1, description="Redis key prefix per deployment")
    reservation_ttl_s: float = Field(default=300.0, gt=0, description="a dead replica's reservations expire")
    op_timeout_s: float = Field(default=0.25, gt=0, description="per Redis call; then degrade")
    retry_down_s: float = Field(default=2.0, gt=0, description="how long to stay off Redis after an error")
    on_redis_error: Literal["open", "closed"] = "open"  # admit (and count locally) or refuse
    share_breakers: bool = True
    breaker_sync_s: float = Field(default=0.5, gt=0)
    rate_limits: RateLimits = RateLimits()
    cache: CacheConfig = CacheConfig()

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> SharedConfig:
        return validate_section(cls, section, "shared")
