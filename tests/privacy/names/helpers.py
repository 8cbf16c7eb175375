"""Helpers for the name-step tests: Sudachi tokens of a normalised text, and the skip marker."""

from __future__ import annotations

import pytest

from tenbin.privacy import sudachi
from tenbin.privacy.normalize import normalize
from tenbin.privacy.sudachi import Token

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")


def tokens(text: str) -> tuple[str, list[Token]]:
    """The normalised text and its tokens (as the name steps see them)."""
    norm = normalize(text)
    toks = sudachi.tokenize(norm)
    assert toks is not None
    return norm, toks


def token(toks: list[Token], surface: str, nth: int = 0) -> Token:
    """The ``nth`` token with this surface."""
    return [t for t in toks if t.surface == surface][nth]
