"""Common words are never names: a stop list, and no name may cut through a conjugated word.

Why: 「請求書が届かないとの連絡」 once became 「届かな〔氏名1〕連絡」 — a rule took a piece of an
ordinary word as a name. Two general guards run after every name rule:

- a PERSON span that lies inside an occurrence of a stop word (届かない, 分からない, 問い合わせ …,
  the verbs and nouns of support and business text) is dropped;
- a PERSON span whose start or end falls strictly inside a verb, adjective or auxiliary token (the
  tokenizer read 届かない as 届か|ない: a span ending after 届かな cuts 「ない」) is dropped, since a
  name is never part of a conjugated word — unless an honorific follows the span (ゆいなくん is
  read ゆい|なく|ん: the honorific, not the tokenizer, says where the name ends).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

from tenbin.privacy.lexicon import HONORIFICS
from tenbin.privacy.sudachi import Token
from tenbin.privacy.types import PERSON, Span

#: Words of support and business text that name rules must never take (or take a piece of).
STOP_WORDS: Final = frozenset(
    [
        "届かない",
        "届きません",
        "届いていない",
        "届く",
        "届け",
        "分からない",
        "分かりません",
        "わからない",
        "わかりません",
        "分かる",
        "問い合わせ",
        "問合せ",
        "問い合せ",
        "お問い合わせ",
        "打ち合わせ",
        "打合せ",
        "申し込み",
        "申込み",
        "見積もり",
        "見積り",
        "支払い",
        "振り込み",
        "引き継ぎ",
        "手続き",
        "取り扱い",
        "受け付け",
        "受付",
        "折り返し",
        "間に合わない",
        "足りない",
        "動かない",
        "繋がらない",
        "つながらない",
        "できない",
        "出来ない",
        "知らない",
        "困っている",
        "至急",
        "確認",
        "連絡",
        "対応",
        "返信",
        "返金",
        "承知",
        "了解",
        "依頼",
        "担当",
        "納品",
        "発送",
        "到着",
        "不具合",
        "故障",
        "解約",
        "登録",
        "変更",
        "完了",
        "希望",
        "期限",
        "未定",
        "不明",
        "本日",
        "明日",
        "先日",
        "今後",
        "以上",
        "お世話",
        "宜しく",
        "よろしく",
        "お願い",
        "ありがとう",
        "申し訳",
        "恐れ入り",
        "大変",
        "少々",
        "早急",
        "念のため",
        "頼りない",
        "確かな",
    ]
)
_AFTER: Final = (*HONORIFICS, "ちゃん", "くん", "チャン", "クン")
_CUT_POS: Final = frozenset(("動詞", "形容詞", "助動詞"))


def _inside_stop_word(norm: str, sp: Span) -> bool:
    lo = max(0, sp.start - 8)
    window = norm[lo : sp.end + 8]
    for word in STOP_WORDS:
        pos = window.find(word)
        while pos >= 0:
            if lo + pos <= sp.start and sp.end <= lo + pos + len(word):
                return True
            pos = window.find(word, pos + 1)
    return False


def _cuts_a_word(toks: list[Token], begins: list[int], sp: Span) -> bool:
    for edge in (sp.start, sp.end):
        k = bisect_right(begins, edge) - 1  # the token that starts at or before the edge
        if k >= 0 and toks[k].begin < edge < toks[k].end and toks[k].pos[0] in _CUT_POS:
            return True
    return False


def _honorific_after(norm: str, sp: Span) -> bool:
    """A name before ちゃん/くん/さん is cued even when the tokenizer glued it to the honorific
    (ゆいなくん → ゆい|なく|ん)."""
    return norm.startswith(_AFTER, sp.end)


def drop_common_words(norm: str, toks: list[Token] | None, spans: list[Span]) -> list[Span]:
    """``spans`` without PERSON spans that are (pieces of) common words."""
    begins = [t.begin for t in toks] if toks is not None else []
    return [
        sp
        for sp in spans
        if sp.label != PERSON
        or not (
            _inside_stop_word(norm, sp)
            or (toks is not None and not _honorific_after(norm, sp) and _cuts_a_word(toks, begins, sp))
        )
    ]
