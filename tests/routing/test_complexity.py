"""The heuristic estimate orders prompts the way a person would, in Japanese and English."""

from __future__ import annotations

from tenbin.routing.complexity import HeuristicComplexity, tier_for

EST = HeuristicComplexity(0.5)

LIGHT = ["この日報を三行で要約して", "Translate this sentence into English.",
         "次の問い合わせを分類して: 請求書が届かない", "お礼の返信を書いて"]
HEAVY = ["このマイクロサービスの設計をレビューして、障害時の整合性を分析して\n- 条件1\n- 条件2\n- 条件3",
         "Prove that the algorithm terminates and analyse its complexity:\n```python\ndef f(n): ...\n```",
         "次のコードをレビューして、バグの原因を推論して\n```ts\nconst x = 1\n```"]


def test_light_tasks_score_below_heavy_tasks() -> None:
    light = [EST.estimate(t, 1) for t in LIGHT]
    heavy = [EST.estimate(t, 1) for t in HEAVY]
    assert all(c.tier == "light" for c in light), light
    assert all(c.tier == "frontier" for c in heavy), heavy
    assert max(c.score for c in light) < min(c.score for c in heavy)


def test_signals_explain_the_score() -> None:
    c = EST.estimate(HEAVY[1], 1)
    assert "code_block" in c.signals and any(s.startswith("heavy_cues") for s in c.signals)


def test_length_depth_and_math_raise_the_score() -> None:
    base = EST.estimate("来週の会議の議題を考えて", 1).score
    assert EST.estimate("来週の会議の議題を考えて" * 200, 1).score > base
    assert EST.estimate("来週の会議の議題を考えて", 10).score > base
    assert EST.estimate("来週の会議の議題を考えて $x^2 = 4$", 1).score > base


def test_one_threshold_knob_moves_both_boundaries() -> None:
    assert [tier_for(0.3, 0.5), tier_for(0.3, 0.8), tier_for(0.3, 0.3)] == ["standard", "light", "frontier"]
    strict = HeuristicComplexity(0.9)
    assert strict.estimate(HEAVY[0], 1).tier != "frontier"


def test_score_is_bounded() -> None:
    monster = ("分析 設計 証明 コード レビュー " * 500) + "```x```" + "\n- a" * 100
    c = EST.estimate(monster, 50)
    assert 0.0 <= c.score <= 1.0 and EST.estimate("", 0).score >= 0.0
