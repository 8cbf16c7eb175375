"""Old-form kanji (旧字体/異体字) folded to the forms the dictionary knows, one code point each.

Why: names keep their registered old forms (髙橋, 﨑山, 濵田), and SudachiPy tags many of them as
unknown common nouns, so the surname is missed although 高橋 would be found at once. Folding only
the text handed to the tokenizer, code point for code point, keeps every offset valid.
"""

from __future__ import annotations

from typing import Final

_PAIRS: Final = (
    "髙高 﨑崎 濵浜 濱浜 邊辺 邉辺 齋斎 齊斉 澤沢 廣広 櫻桜 國国 德徳 眞真 冨富 嶋島 嶌島 瀨瀬 曾曽 栁柳 "
    "淺浅 莊荘 藏蔵 實実 彌弥 壽寿 昻昂 槗橋 檜桧 邨村 條条 穗穂 禮礼 靜静 圓円"
)
FOLD: Final = str.maketrans({p[0]: p[1] for p in _PAIRS.split()})


def fold(text: str) -> str:
    """``text`` with old-form kanji replaced by their common forms (same length, same offsets)."""
    return text.translate(FOLD)
