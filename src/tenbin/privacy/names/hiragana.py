"""Names written in hiragana: children and nicknames (ひなたちゃん) and ふりがな readings.

Why separate rules: the dictionary tags most hiragana given names as common nouns or not at all
(つむぎ = 紬, はると), so only the form around them says they are names: a diminutive honorific
right after, or a reading label right before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

# ちゃん/くん follow a given name; さん/様 are left out because お疲れさま, みなさん, おかあさん
# would all look like names.
_DIMINUTIVE: Final = re.compile(r"ちゃん|くん|チャン|クン")
_PARTICLES: Final = "はがをにのともやへで"
# Kinship and generic words that also take ちゃん/くん (お is stripped first).
_NOT_NAMES: Final = frozenset(
    [
        "ばあ",
        "じい",
        "じいじ",
        "ばあば",
        "にい",
        "ねえ",
        "かあ",
        "とう",
        "あか",
        "ぼっ",
        "ちび",
        "みな",
        "おば",
        "おじ",
        "いとこ",
        "まご",
        "むすこ",
        "むすめ",
        "おとうと",
        "いもうと",
        "あに",
        "あね",
        "はは",
        "ちち",
        "そふ",
        "そぼ",
        "ねこ",
        "わん",
        "うさ",
        "くま",
    ]
)
# A hiragana given name right after a person label: 扶養親族：さくら（…）, 本人：ひなた.
_LABELLED: Final = re.compile(
    r"(?<![一-龥々ぁ-ゖァ-ヴ])(?:氏名|名前|お名前|なまえ|おなまえ|本人|配偶者|扶養親族|長男|長女|次男|次女|お子様|児童|園児|生徒)"
    r"[ ]*[:：][ ]*"
    r"([ぁ-ゖ][ぁ-ゖー]{1,5}(?:[ ][ぁ-ゖ][ぁ-ゖー]{1,5}(?=$|[\n、,。()（）]))?)(?=$|[ \n、,。()（）])"
)
# The short labels かな and 読み are also parts of ordinary words (届かない, 確かな, 読みやすい), so they
# count only as a field label of their own: not inside a word, and followed by a colon. Without
# that, 「請求書が届かないとの連絡」 masked いとの as a name (issue 12).
_READING: Final = re.compile(
    r"(?:(?:ふりがな|フリガナ|よみがな|ヨミガナ)[ ]*[:：]?|(?<![一-龥々ぁ-ゖァ-ヴー])(?:かな|読み)[ ]*[:：])[ ]*"
    r"([ぁ-ゖー]{1,8}(?:[ ][ぁ-ゖー]{1,8})?)(?![ぁ-ゖー])"
)


def _name_before(norm: str, end: int) -> tuple[int, int] | None:
    """The hiragana given name ending at ``end`` (before ちゃん/くん), or None."""
    start = _name_start(norm, _run_start(norm, end), end)
    word = norm[start:end]
    if not 2 <= len(word) <= 6 or _kin_word(word):
        return None
    return start, end


def _run_start(norm: str, end: int) -> int:
    """Start of the hiragana run (at most 10 letters, ー included) that ends at ``end``."""
    lo = end
    while lo > 0 and end - lo < 10 and ("ぁ" <= norm[lo - 1] <= "ゖ" or norm[lo - 1] == "ー"):
        lo -= 1
    return lo


def _name_start(norm: str, lo: int, end: int) -> int:
    """The hiragana run before the honorific may carry an earlier honorific or a particle
    (ちゃんとゆうと, 明日はこはる); both are cut off so only the name remains."""
    run = norm[lo:end]
    cut = max(run.rfind("ちゃん") + 3 if "ちゃん" in run else 0, run.rfind("くん") + 2 if "くん" in run else 0)
    attached = cut > 0 or (lo > 0 and not _boundary(norm[lo - 1]))
    start = lo + cut
    if attached and end - start > 2 and norm[start] in _PARTICLES:
        start += 1
    return start


def _kin_word(word: str) -> bool:
    """おばあちゃん, ねこちゃん: kinship and generic words (お stripped) that also take ちゃん/くん."""
    stem = word[1:] if word.startswith("お") and len(word) > 2 else word
    return word in _NOT_NAMES or stem in _NOT_NAMES


def _boundary(ch: str) -> bool:
    return not ("\u4e00" <= ch <= "\u9fff" or "ァ" <= ch <= "ヺ" or ch.isalnum())


def hiragana_names(norm: str) -> list[Span]:
    """Hiragana given names before ちゃん/くん, and hiragana names after a reading label."""
    out: list[Span] = []
    if "ちゃん" in norm or "くん" in norm or "チャン" in norm or "クン" in norm:
        for m in _DIMINUTIVE.finditer(norm):
            span = _name_before(norm, m.start())
            if span is not None:
                out.append(Span(PERSON, span[0], span[1], 0.75))
    for m in _LABELLED.finditer(norm):
        if not _NOT_NAMES.intersection(m.group(1).split(" ")):
            out.append(Span(PERSON, m.start(1), m.end(1), 0.75))
    for m in _READING.finditer(norm):
        out.append(Span(PERSON, m.start(1), m.end(1), 0.85))
    return out


class HiraganaNames(NameStep):
    """Hiragana given names before ちゃん/くん, after a person label or a reading label."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return hiragana_names(text.norm)
