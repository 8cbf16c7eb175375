"""Degraded mode (no dictionary): listed surnames with a cue, standing alone."""

from __future__ import annotations

from tenbin.privacy.names.fallback import rule_names


def _rules(text: str) -> list[str]:
    return [text[sp.start : sp.end] for sp in rule_names(text)]


def test_listed_surname_with_an_honorific_or_label_is_a_name() -> None:
    assert _rules("担当：佐藤様") == ["佐藤"]
    assert _rules("佐藤 花子様より") == ["佐藤 花子"]


def test_listed_surname_without_a_cue_is_not_a_name() -> None:
    assert _rules("佐藤の件") == []


def test_listed_surname_inside_a_kanji_word_is_not_a_name() -> None:
    assert _rules("新佐藤町：3件") == []
