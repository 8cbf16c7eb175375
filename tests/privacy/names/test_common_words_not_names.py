"""Common verbs and nouns of support and business text never become names: a stop list, and no
PERSON span may cut through a conjugated word (「届かな〔氏名1〕連絡」 was issue 12)."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector, sudachi
from tenbin.privacy.names.stop import STOP_WORDS, drop_common_words
from tenbin.privacy.types import PERSON, Span

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")

# Each word in sentences of the kinds that reach the gateway: prose, a label field, a chat line.
CONTEXTS = ("請求書が{w}との連絡がありました。", "件名：{w}\n", "お客様：{w}件について\n", "{w}さんの件")
WORDS = ("届かない", "分からない", "わからない", "問い合わせ", "お問い合わせ", "打ち合わせ", "間に合わない",
         "繋がらない", "折り返し", "見積もり", "手続き", "至急", "承知", "不具合")  # fmt: skip


def _person_overlaps(det: Detector, text: str, word: str) -> list[str]:
    lo = text.find(word)
    hi = lo + len(word)
    return [f.text for f in det.scan_text(text) if f.label == PERSON and f.start < hi and lo < f.end]


@needs_sudachi
@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize("context", CONTEXTS)
def test_common_word_is_never_a_name(full: Detector, word: str, context: str) -> None:
    assert _person_overlaps(full, context.format(w=word), word) == []


@pytest.mark.parametrize("word", sorted(STOP_WORDS))
def test_a_piece_of_a_stop_word_is_dropped(word: str) -> None:
    text = f"先方から{word}とのこと"
    start = text.find(word)
    piece = Span(PERSON, start, start + max(1, len(word) - 1), 0.9)
    assert drop_common_words(text, None, [piece]) == []


def test_a_real_name_next_to_a_stop_word_is_kept() -> None:
    text = "山田さんから問い合わせ"
    name = Span(PERSON, 0, 2, 0.9)
    assert drop_common_words(text, None, [name]) == [name]


@needs_sudachi
def test_a_span_cutting_a_conjugated_word_is_dropped() -> None:
    # 読みにくい is in no list: the tokenizer's verb/adjective boundary is what drops the piece.
    text = "この資料は読みにくいとの声"
    toks = sudachi.tokenize(text)
    start = text.find("読みにく")
    cut = Span(PERSON, start + 1, start + 4, 0.9)  # みにく: ends inside にくい
    assert drop_common_words(text, toks, [cut]) == []


@needs_sudachi
def test_a_name_glued_to_its_honorific_by_the_tokenizer_is_kept() -> None:
    text = "【連絡帳】ゆいなくん（ひよこ組）"
    toks = sudachi.tokenize(text)
    name = Span(PERSON, 5, 8, 0.75)  # ゆいな, tokenised ゆい|なく|ん
    assert drop_common_words(text, toks, [name]) == [name]
