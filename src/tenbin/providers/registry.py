"""Build one adapter per configured provider; adding a vendor is one module plus one line here."""

from __future__ import annotations

from collections.abc import Callable

from tenbin.config.schema import ProviderConfig
from tenbin.providers.base import Provider


def _openai(name: str, cfg: ProviderConfig) -> Provider:
    from tenbin.providers.openai_compat import OpenAICompatProvider

    return OpenAICompatProvider(name, cfg)


def _anthropic(name: str, cfg: ProviderConfig) -> Provider:
    from tenbin.providers.anthropic import AnthropicProvider

    return AnthropicProvider(name, cfg)


def _gemini(name: str, cfg: ProviderConfig) -> Provider:
    from tenbin.providers.gemini import GeminiProvider

    return GeminiProvider(name, cfg)


def _llamacpp(name: str, cfg: ProviderConfig) -> Provider:
    from tenbin.providers.llamacpp import LlamaCppProvider

    return LlamaCppProvider(name, cfg)


FACTORIES: dict[str, Callable[[str, ProviderConfig], Provider]] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "gemini": _gemini,
    "llamacpp": _llamacpp,
}


def build_providers(configs: dict[str, ProviderConfig]) -> dict[str, Provider]:
    return {name: FACTORIES[cfg.kind](name, cfg) for name, cfg in configs.items()}
