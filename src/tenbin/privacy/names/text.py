"""The text every name step reads: normalised characters plus, in the full tier, Sudachi tokens."""

from __future__ import annotations

from typing import NamedTuple

from tenbin.privacy import sudachi
from tenbin.privacy.itaiji import fold
from tenbin.privacy.sudachi import Token


class NameText(NamedTuple):
    """One normalised text, tokenised once for all steps.

    ``toks`` is None in degraded mode (Sudachi off or missing); steps that need the dictionary
    then stay silent or fall back to rules.
    """

    norm: str
    toks: list[Token] | None
    use_sudachi: bool

    @classmethod
    def of(cls, norm: str, use_sudachi: bool) -> NameText:
        # Old-form kanji are folded for the dictionary only (same length, so offsets hold).
        toks = sudachi.tokenize(fold(norm)) if use_sudachi else None
        if toks is not None and ("（" in norm or "(" in norm):
            toks = split_ruby(toks)
        return cls(norm, toks, use_sudachi)


def split_ruby(toks: list[Token]) -> list[Token]:
    """Split tokens the dictionary glued to a bracket (``舘野（タテノ）``) so the name stands alone."""
    out: list[Token] = []
    for t in toks:
        k = max(t.surface.find("（"), t.surface.find("("))
        if k <= 0 or len(t.surface) < 3:
            out.append(t)
            continue
        out.append(Token(t.surface[:k], t.begin, t.begin + k, t.pos))
        out.append(Token(t.surface[k:], t.begin + k, t.end, ("補助記号", "括弧開", "*", "*")))
    return out
