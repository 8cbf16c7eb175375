"""The configuration schema.

Secrets are never written in the file: a value like ``${OPENAI_API_KEY}`` names an environment
variable, resolved at load time. A provider whose secret is missing stays configured but is
reported unavailable, so a gateway with no vendor keys still starts on the local model.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

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
    # A body is refused (400) before orjson builds it when it nests deeper or holds more JSON
    # values than this (api/body.py); <= 128 keeps every accepted body re-encodable (orjson: 254).
    json_max_depth: int = Field(default=64, ge=1, le=128, description="deepest JSON nesting a body may have")
    json_max_elements: int = Field(default=100_000, gt=0, description="most JSON values a body may hold")
    # An authenticated body that has not fully arrived after this long is cut with a 408.
    body_timeout_s: float = Field(default=30.0, gt=0, description="seconds to read a request body")
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
    # openai only: the server speaks OpenAI's Responses API, so /v1/responses is sent there as is
    # (faces.md "Native pass-through"); None: true for api.openai.com, false for any other server.
    responses_api: bool | None = None
    headers: dict[str, str] = {}
    # Deadlines of one call (providers/deadlines.py; docs/routing.md "Deadlines"): the defaults
    # make a hung vendor fall back within 20 s and never cut a stream that keeps sending.
    connect_timeout_s: float = Field(default=5.0, gt=0, description="TCP/TLS connect")
    first_byte_timeout_s: float = Field(default=20.0, gt=0, description="to the headers / a stream's first bytes")
    idle_timeout_s: float = Field(default=30.0, gt=0, description="longest silence inside a stream")
    timeout_s: float = Field(default=30.0, gt=0, description="a whole plain (non-streamed) call")
    max_retries: int = Field(default=2, ge=0, le=10)
    # Same-model retries of a call that timed out after it was sent (the vendor may have generated
    # and billed it): 0 moves on to the next model at once.
    timeout_retries: int = Field(default=0, ge=0, le=10)
    max_connections: int = Field(default=256, gt=0)
    # llamacpp only
    model_path: str | None = None
    n_ctx: int = Field(default=2048, gt=0)
    n_threads: int | None = None
    max_concurrency: int = Field(default=1, gt=0)
    max_queue: int = Field(default=64, ge=0)
    seed: int | None = None
    # Load the GGUF in embedding mode (mean pooling unless the file names its own): the provider
    # then serves only ``kind: embedding`` models, through /v1/embeddings.
    embedding: bool = False
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


class TimeoutOverride(_Strict):
    """One model's deadlines where they differ from its provider's (a slow reasoning model)."""

    connect_timeout_s: float | None = Field(default=None, gt=0)
    first_byte_timeout_s: float | None = Field(default=None, gt=0)
    idle_timeout_s: float | None = Field(default=None, gt=0)
    timeout_s: float | None = Field(default=None, gt=0)
    timeout_retries: int | None = Field(default=None, ge=0, le=10)


class TimeoutsConfig(_Strict):
    # Every attempt of one request together (retries, backoff, fallbacks) until the answer is
    # committed: a plain call's answer, a stream's first content. A stream that flows is not cut.
    request_s: float = Field(default=120.0, gt=0, description="all attempts of one request")
    models: dict[str, TimeoutOverride] = Field(default={}, description="model id -> deadline overrides")


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


class MetricsConfig(_Strict):
    """Prometheus metrics at ``/metrics`` (observe/metrics.py, docs/observability.md)."""

    enabled: bool = True
    max_teams: int = Field(default=50, ge=1, le=10_000, description="team label values; the rest are 'other'")


class TracingConfig(_Strict):
    """OpenTelemetry traces over OTLP/HTTP (the ``otel`` extra; observe/tracing.py,
    docs/observability.md). Off by default; prompts and answers stay out of spans unless
    ``capture_content``. A collector's credentials go in ``OTEL_EXPORTER_OTLP_TRACES_HEADERS``,
    never in this file."""

    enabled: bool = False
    endpoint: str = Field(default="http://127.0.0.1:4318/v1/traces", description="the collector's OTLP/HTTP traces URL")
    service_name: str = Field(default="tenbin", min_length=1, max_length=128)
    capture_content: bool = Field(default=False, description="put prompts and answers in spans")
    # Of the traces that start here; a client's traceparent decides for its own (sampled or not).
    sample_ratio: float = Field(default=1.0, ge=0, le=1, description="share of new traces recorded")
    export_timeout_s: float = Field(default=10.0, gt=0, description="one export call to the collector")
    max_queue: int = Field(default=2048, gt=0, description="spans waiting for export; beyond it new ones are dropped")

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, v: str) -> str:
        u = urlsplit(v)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise ValueError("must be an http:// or https:// URL, e.g. http://127.0.0.1:4318/v1/traces")
        if u.username or u.password:
            raise ValueError("must not carry credentials; put them in OTEL_EXPORTER_OTLP_TRACES_HEADERS")
        return v


class Config(_Strict):
    server: ServerConfig = ServerConfig()
    store: str = Field(default="sqlite:///var/tenbin.db", description="sqlite:///path or postgresql://…")
    redis: str | None = None
    providers: dict[str, ProviderConfig] = {}
    models: list[ModelSpec] = Field(default=[], description="catalog additions/overrides")
    default_model: str = "local/smollm2"
    # What tenbin/auto means on /v1/embeddings: a kind: embedding model, never chosen by tier or
    # price, because vectors are comparable only within one model's space (docs/faces.md). None:
    # tenbin/auto there is a 400 asking to set it or to name a model.
    default_embedding_model: str | None = Field(default=None, min_length=1,
                                                description="the embedding model tenbin/auto embeds with")
    fallbacks: dict[str, list[str]] = Field(default={}, description="model id -> ordered fallbacks")
    breaker: BreakerConfig = BreakerConfig()
    retry: RetryConfig = RetryConfig()
    timeouts: TimeoutsConfig = TimeoutsConfig()
    ledger: LedgerConfig = LedgerConfig()
    tracing: TracingConfig = TracingConfig()
    metrics: MetricsConfig = MetricsConfig()
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

    @model_validator(mode="after")
    def _deadlines_fit(self) -> Config:
        """A per-call deadline set above the request's could never take effect: say so instead of
        silently cutting the call at ``timeouts.request_s``. (Idle gaps are exempt: a committed
        stream is not bounded by the request deadline.)"""
        cap = self.timeouts.request_s
        where: list[tuple[str, BaseModel]] = [(f"providers.{n}", p) for n, p in self.providers.items()]
        where += [(f"timeouts.models.{m}", o) for m, o in self.timeouts.models.items()]
        for path, section in where:
            for name in ("connect_timeout_s", "first_byte_timeout_s", "timeout_s"):
                v = getattr(section, name)
                if name in section.model_fields_set and v is not None and v > cap:
                    raise ValueError(f"{path}.{name} is {v:g} s, longer than timeouts.request_s ({cap:g} s), "
                                     "which bounds every call of a request; raise timeouts.request_s too")
        return self


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
