"""How hard is this prompt? A cheap, explainable estimate for Japanese and English.

No NLP model: task cues (要約/翻訳 lower the score, 設計/証明/コード raise it), length, constraint
count (bullets, numbered lines), code blocks, math and conversation depth, mixed with fixed weights.
The score is 0..1; one knob, ``routing.threshold`` (like RouteLLM's), splits it into tiers. The
``ComplexityEstimator`` protocol is the seam a learned router replaces this with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

Tier = Literal["light", "standard", "frontier"]

_LIGHT_CUES = ("要約", "翻訳", "分類", "抽出", "返信", "校正", "言い換え", "箇条書きに",
               "summar", "translat", "classif", "extract", "reply", "rephrase", "tl;dr")
_HEAVY_CUES = ("分析", "設計", "推論", "証明", "コード", "レビュー", "アルゴリズム", "最適化", "比較検討",
               "戦略", "デバッグ", "実装", "analy", "design", "reason", "prove", "proof", "code review",
               "algorithm", "optimi", "debug", "implement", "architect", "refactor", "step by step")
# One pass finds both kinds of cue: group 1 is heavy, group 2 light.
_CUE_RE = re.compile("(" + "|".join(re.escape(c) for c in _HEAVY_CUES) + ")|("
                     + "|".join(re.escape(c) for c in _LIGHT_CUES) + ")", re.IGNORECASE)
_BULLET_RE = re.compile(r"^[ \t]*(?:[-*・•●]|\d+[.)．、]|[①-⑳])", re.MULTILINE)
_MATH_RE = re.compile(r"\$[^$\n]+\$|\\(?:frac|sum|int|forall|exists)|[∀∃∑∫√≤≥≠]|[=<>]\s*\d")


@dataclass(frozen=True, slots=True)
class Complexity:
    score: float
    tier: Tier
    signals: tuple[str, ...] = ()


class ComplexityEstimator(Protocol):
    """Anything that scores a prompt; a learned router implements this and is passed to Router."""

    def estimate(self, text: str, turns: int) -> Complexity: ...


def tier_for(score: float, threshold: float) -> Tier:
    """``threshold`` starts frontier; half of it starts standard — one knob moves both."""
    if score >= threshold:
        return "frontier"
    if score >= threshold / 2:
        return "standard"
    return "light"


class HeuristicComplexity:
    def __init__(self, threshold: float = 0.5) -> None:
        self.threshold = threshold

    def estimate(self, text: str, turns: int) -> Complexity:
        score = 0.3
        signals: list[str] = []
        cues = _CUE_RE.findall(text, 0, 4000)
        heavy = sum(1 for h, _ in cues if h)
        light = len(cues) - heavy
        if heavy:
            score += min(0.35, 0.25 + 0.05 * (heavy - 1))
            signals.append(f"heavy_cues={heavy}")
        if light:
            score -= 0.15 if not heavy else 0.05
            signals.append(f"light_cues={light}")
        n = len(text)
        if n > 4000:
            score += 0.15
            signals.append("long")
        elif n > 1200:
            score += 0.08
            signals.append("medium_length")
        elif n < 80:
            score -= 0.1
        if "```" in text:
            score += 0.2
            signals.append("code_block")
        if _MATH_RE.search(text, 0, 4000):
            score += 0.1
            signals.append("math")
        bullets = len(_BULLET_RE.findall(text, 0, 4000))
        if bullets >= 3:
            score += min(0.15, 0.03 * bullets)
            signals.append(f"constraints={bullets}")
        if turns > 4:
            score += min(0.1, 0.02 * (turns - 4))
            signals.append(f"turns={turns}")
        score = max(0.0, min(1.0, score))
        return Complexity(round(score, 3), tier_for(score, self.threshold), tuple(signals))
