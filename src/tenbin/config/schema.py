"""The configuration schema.

Secrets are never written in the file: a value like ``${OPENAI_API_KEY}`` names an environment
variable, resolved at load time. A provider whose secret is missing stays configured but is
reported unavailable, so a gateway with no vendor keys still starts on the local model.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from tenbin.catalog.catalog import ModelSpec

ProviderKind = Literal["openai", "anthropic", "gemini", "llamacpp"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerConfig(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8787, ge=0, le=65535)
    max_body_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    # Each of a request's ``n`` choices is generated and billed: a larger n is refused with a 400.
    max_n: int = Field(default=8, gt=0, le=128, description="most choices (n) one request may ask for")
    # auto: keys are required unless bound to loopback AND no key exists yet (README "Authentication").
    auth: Literal["auto", "required"] = "auto"
    access_log: bool = False

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


class ProviderConfig(_Strict):
    """One upstream endpoint. ``kind`` selects the wire format (one adapter module per kind)."""

    kind: ProviderKind
    base_url: str | None = None
    api_key: SecretStr | None = None
    # Set when api_key referenced an environment variable that is not defined.
    missing_secret: str | None = Field(default=None, exclude=True)
    api_version: str | None = Field(default=None, description="Azure OpenAI api-version / Anthropic version")
    azure_deployment: bool = False
    headers: dict[str, str] = {}
    connect_timeout_s: float = Field(default=5.0, gt=0)
    timeout_s: float = Field(default=120.0, gt=0, description="whole-request timeout")
    first_byte_timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)
    max_connections: int = Field(default=256, gt=0)
    # llamacpp only
    model_path: str | None = None
    n_ctx: int = Field(default=2048, gt=0)
    n_threads: int | None = None
    max_concurrency: int = Field(default=1, gt=0)
    max_queue: int = Field(default=64, ge=0)
    seed: int | None = None
    # Weight-repacking buffer types (llama.cpp's "extra bufts", AMX among them). "auto" turns them
    # off on CPUs where that path is known to crash (AMX) and after a worker crashed in its
    # start-up self-test; "on"/"off" force it.
    extra_buffer_types: Literal["auto", "on", "off"] = "auto"
    # The supervised worker processes (providers/embedded): how long a start may take, how many
    # consecutive start-up crashes disable the engine, and the silence after which a busy worker
    # counts as hung and is killed.
    start_timeout_s: float = Field(default=120.0, gt=0)
    max_start_failures: int = Field(default=3, gt=0)
    hang_timeout_s: float = Field(default=60.0, gt=0)
    respawn_backoff_s: float = Field(default=0.5, gt=0)

    @model_validator(mode="after")
    def _check_kind(self) -> ProviderConfig:
        if self.kind == "openai" and not self.base_url:
            raise ValueError("an 'openai' provider needs base_url (e.g. https://api.openai.com/v1)")
        return self


class BreakerConfig(_Strict):
    failure_threshold: int = Field(default=5, gt=0, description="consecutive failures that open it")
    cooldown_s: float = Field(default=30.0, gt=0, description="open time before one trial request")


class RetryConfig(_Strict):
    base_delay_s: float = Field(default=0.25, ge=0)
    max_delay_s: float = Field(default=8.0, ge=0)
    max_retry_after_s: float = Field(default=20.0, ge=0, description="longest Retry-After honoured")


class LedgerConfig(_Strict):
    batch_size: int = Field(default=256, gt=0)
    flush_interval_s: float = Field(default=0.2, gt=0)
    max_buffer: int = Field(default=100_000, gt=0)
    # Write-ahead spool (docs/durability.md): one directory per replica; None keeps rows in memory only.
    spool_dir: str | None = None
    spool_fsync: Literal["always", "interval", "never"] = "interval"


class Config(_Strict):
    server: ServerConfig = ServerConfig()
    store: str = Field(default="sqlite:///var/tenbin.db", description="sqlite:///path or postgresql://…")
    redis: str | None = None
    providers: dict[str, ProviderConfig] = {}
    models: list[ModelSpec] = Field(default=[], description="catalog additions/overrides")
    default_model: str = "local/smollm2"
    fallbacks: dict[str, list[str]] = Field(default={}, description="model id -> ordered fallbacks")
    breaker: BreakerConfig = BreakerConfig()
    retry: RetryConfig = RetryConfig()
    ledger: LedgerConfig = LedgerConfig()
    # Sections owned by other packages; validated by their own schemas when those packages load.
    routing: dict[str, Any] = {}
    privacy: dict[str, Any] = {}
    finops: dict[str, Any] = {}
    governance: dict[str, Any] = {}
    shared: dict[str, Any] = Field(default={}, description="Redis-shared state (tenbin.shared.config)")

    @field_validator("store")
    @classmethod
    def _store_url(cls, v: str) -> str:
        if not (v.startswith("sqlite:///") or v.startswith(("postgresql://", "postgres://"))):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return v


def default_providers() -> dict[str, ProviderConfig]:
    """Vendors known out of the box; each is unavailable until its key is in the environment."""
    return {
        "openai": ProviderConfig(kind="openai", base_url="https://api.openai.com/v1"),
        "anthropic": ProviderConfig(kind="anthropic", base_url="https://api.anthropic.com"),
        "gemini": ProviderConfig(kind="gemini", base_url="https://generativelanguage.googleapis.com"),
        "local": ProviderConfig(kind="llamacpp"),
    }


DEFAULT_SECRET_ENV: dict[str, str] = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "gemini": "GEMINI_API_KEY",
}

PositiveFloat = Annotated[float, Field(gt=0)]
