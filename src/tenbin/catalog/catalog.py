"""Typed model catalog loaded from the YAML shipped in this package plus the user's config.

The catalog is the single source of vendor facts (price, region, retention, training) that routing
checks sovereignty against and FinOps prices usage with, so it is validated once at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Tier = Literal["light", "standard", "frontier"]
#: What a model does: answer chats, or turn text into vectors. Routing never sends a request to a
#: model of the other kind (routing/router.py), whatever the rules or the client ask for.
Kind = Literal["chat", "embedding"]


class Price(BaseModel):
    """List price per 1M tokens, in force from ``effective`` until the next entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective: dt.date
    currency: str = Field(min_length=3, max_length=3)
    input: Decimal = Field(ge=0)
    cached_input: Decimal | None = Field(default=None, ge=0)
    # Writing the prompt cache (Anthropic: 1.25x input for the 5-minute cache); plain input if unset.
    cache_write: Decimal | None = Field(default=None, ge=0)
    output: Decimal = Field(ge=0)

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    def cost(self, prompt_tokens: int, completion_tokens: int, cached_tokens: int = 0,
             cache_write_tokens: int = 0) -> Decimal:
        """Cost in ``currency``; cached prompt tokens are billed at the cached rate and prompt tokens
        written to the cache at the cache-write rate, when there are such rates."""
        cached = min(cached_tokens, prompt_tokens)
        written = min(cache_write_tokens, prompt_tokens - cached)
        cached_rate = self.cached_input if self.cached_input is not None else self.input
        write_rate = self.cache_write if self.cache_write is not None else self.input
        total = (
            (prompt_tokens - cached - written) * self.input
            + cached * cached_rate
            + written * write_rate
            + completion_tokens * self.output
        )
        return total / Decimal(1_000_000)


class Capabilities(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    streaming: bool = True
    tools: bool = False
    json_mode: bool = False


class ModelSpec(BaseModel):
    """One model as clients name it (``id``) and as the vendor serves it (``provider``/``upstream``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    upstream: str = Field(min_length=1)
    region: str = Field(description="ISO 3166-1 alpha-2 country where data is processed, or 'on-prem'")
    jurisdiction: str = Field(description="country whose law governs the vendor")
    retention_days: int = Field(ge=0)
    trains_on_data: bool = False
    context_window: int = Field(gt=0)
    tier: Tier = "standard"
    kind: Kind = "chat"
    capabilities: Capabilities = Capabilities()
    prices: tuple[Price, ...] = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    # Embedding models only. Vectors are comparable only within one vector space: an index built
    # with one model and queried with another's vectors answers garbage, silently. Models naming
    # the same space (one model served by OpenAI and by an Azure deployment in Japan East) may
    # stand in for each other; None: the model's own id, so it stands in for nothing else.
    vector_space: str | None = Field(default=None, min_length=1,
                                     description="models with the same vector_space produce comparable vectors")
    # The width of the model's vectors when a request names no ``dimensions``; models of one
    # space must agree on it (config/validate.py), or a stand-in would answer another width.
    dimensions: int | None = Field(default=None, gt=0, description="native vector width (embedding models)")

    @field_validator("prices")
    @classmethod
    def _sorted(cls, v: tuple[Price, ...]) -> tuple[Price, ...]:
        return tuple(sorted(v, key=lambda p: p.effective))

    @model_validator(mode="after")
    def _embedding_fields(self) -> ModelSpec:
        """A chat model has no vectors: a vector_space or dimensions on one is a mistake (most
        likely ``kind: embedding`` forgotten), so it is refused rather than ignored."""
        if self.kind != "embedding":
            for name in ("vector_space", "dimensions"):
                if getattr(self, name) is not None:
                    raise ValueError(f"{name}: {self.id} is a chat model; only kind: embedding models have "
                                     f"a {name.replace('_', ' ')} (add kind: embedding, or remove {name})")
        return self

    @property
    def space(self) -> str:
        """The vector space this model's vectors live in (its ``vector_space``, else its own id)."""
        return self.vector_space or self.id

    @property
    def domestic(self) -> bool:
        """Processed in Japan or on the company's own premises."""
        return self.region in ("JP", "on-prem")

    def price_at(self, when: dt.date) -> Price:
        """The price in force on ``when`` (the earliest one if ``when`` predates them all)."""
        chosen = self.prices[0]
        for p in self.prices:
            if p.effective <= when:
                chosen = p
            else:
                break
        return chosen


class Catalog:
    """Models by id and alias. Immutable after construction; build a new one to change it."""

    def __init__(self, models: Iterable[ModelSpec]) -> None:
        self._models: dict[str, ModelSpec] = {}
        self._alias: dict[str, str] = {}
        for m in models:
            self._models[m.id] = m
        for m in self._models.values():
            for a in m.aliases:
                self._alias[a] = m.id

    def get(self, name: str) -> ModelSpec | None:
        m = self._models.get(name)
        if m is None and name in self._alias:
            m = self._models[self._alias[name]]
        return m

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._models.values())

    def __len__(self) -> int:
        return len(self._models)

    def replace(self, models: Iterable[ModelSpec]) -> Catalog:
        """A new catalog where ``models`` override entries with the same id."""
        merged = dict(self._models)
        for m in models:
            merged[m.id] = m
        return Catalog(merged.values())


def _parse(raw: Any, origin: str) -> list[ModelSpec]:
    if not isinstance(raw, dict) or not isinstance(raw.get("models"), list):
        raise ValueError(f"{origin}: expected a mapping with a 'models' list")
    return [ModelSpec.model_validate(item) for item in raw["models"]]


def load_catalog(extra: Iterable[ModelSpec] = ()) -> Catalog:
    """The shipped catalog with ``extra`` entries (from config) overriding or adding models."""
    text = resources.files("tenbin.catalog").joinpath("models.yaml").read_text(encoding="utf-8")
    return Catalog(_parse(yaml.safe_load(text), "models.yaml")).replace(extra)
