"""The ``governance:`` config section, validated here with field-named errors."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tenbin.config.sections import validate_section
from tenbin.governance.register import Vendor


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RetainRaw(_Strict):
    """Raw prompt/answer retention: off by default because raw prompts are the PII we protect."""

    enabled: bool = False
    ttl_days: int = Field(default=30, gt=0, le=3650)
    key_env: str = Field(default="TENBIN_AUDIT_KEY",
                         description="environment variable holding a base64 32-byte AES key")


class GovernanceConfig(_Strict):
    audit: bool = True
    # The vendor register, by provider name, joined into `tenbin audit report --appi`.
    vendors: dict[str, Vendor] = {}
    # APPI Art. 29 / Rule 21: records kept 1 or 3 years; `tenbin audit retain` drops older months.
    record_retention_years: Literal[1, 3] = 3
    review_max_age_days: int = Field(default=365, gt=0, le=3650,
                                     description="how old an Art. 28(3) review may be before transfers warn")
    batch_size: int = Field(default=256, gt=0)
    flush_interval_s: float = Field(default=0.2, gt=0)
    max_buffer: int = Field(default=100_000, gt=0)
    retain_raw: RetainRaw = RetainRaw()

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> GovernanceConfig:
        return validate_section(cls, section, "governance")
