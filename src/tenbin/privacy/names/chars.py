"""Character classes every name step shares (kanji that names are written in, kana composition)."""

from __future__ import annotations

import unicodedata


def is_name_kanji(ch: str) -> bool:
    """A CJK ideograph, 々, or a compatibility ideograph (old-form kanji such as 﨑)."""
    return "\u4e00" <= ch <= "\u9fff" or ch == "々" or "\uf900" <= ch <= "\ufaff"


def all_name_kanji(word: str) -> bool:
    return all(is_name_kanji(c) for c in word)


def is_hiragana(ch: str) -> bool:
    return "ぁ" <= ch <= "ん"


def compose(word: str) -> str:
    """ｼﾏﾌﾞｸﾛ normalises to シマフ + U+3099 + クロ; the dictionary wants シマブクロ."""
    return unicodedata.normalize("NFC", word) if "\u3099" in word or "\u309a" in word else word
