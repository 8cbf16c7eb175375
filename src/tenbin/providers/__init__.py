"""Vendor adapters: the only package that knows a vendor's wire format."""

from tenbin.providers.base import (
    Availability,
    ChatCall,
    ChatResult,
    Provider,
    ProviderError,
    StreamChunk,
)
from tenbin.providers.registry import build_providers

__all__ = [
    "Availability", "ChatCall", "ChatResult", "Provider", "ProviderError", "StreamChunk", "build_providers",
]
