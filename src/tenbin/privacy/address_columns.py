"""Whole cells of an address column (「氏名,住所,電話」) and answers to 「ご住所を…」: the layout
says the text is an address.

Why: the address grammar needs a block number and stops at words it does not know, so a cell
such as 「東京都港区芝公園4-2-8 グランドメゾン芝」 or one with an unknown building name may be cut
short or missed; in a 住所 column the whole cell is the address. A cell must still start like an
address (a prefecture, or a municipality within its first characters) and hold a digit or a kanji
numeral, so 「同上」「未記入」 and a bare town name stay out.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.columns import column_spans
from tenbin.privacy.dialogue import answers
from tenbin.privacy.lexicon import PREFECTURE_START
from tenbin.privacy.types import ADDRESS, Span

_COLUMN: Final = re.compile(
    r"(?i)(?:ご|お)?(?:現|本人|自宅|勤務先|送付先|お届け先|配送先|請求先)?(?:住所|所在地)[12]?|(?:home )?address"
)
_COLUMN_WORDS: Final = ("住所", "所在地", "address", "Address", "ADDRESS")
_MUNICIPALITY: Final = re.compile(r"[一-龥ヶケ]{1,6}?[市区町村郡]")
_NUMBER: Final = re.compile(r"[0-9〇一二三四五六七八九十]")


def _address_cell(value: str) -> bool:
    if len(value) < 6 or "@" in value or _NUMBER.search(value) is None:
        return False
    return PREFECTURE_START.match(value) is not None or _MUNICIPALITY.match(value) is not None


_TAIL: Final = re.compile(r"(?:です|でございます|になります)?[。.!！ ]*$")


def column_addresses(norm: str) -> list[Span]:
    """ADDRESS spans for whole cells of an address column, and for the answer to 「ご住所を…」."""
    out = column_spans(norm, _COLUMN_WORDS, _COLUMN, _address_cell, ADDRESS, 0.92)
    for a in answers(norm, "address"):
        start = a.start + 3 if norm.startswith("はい、", a.start) else a.start
        tail = _TAIL.search(norm, start, a.end)
        end = tail.start() if tail else a.end
        if _address_cell(norm[start:end]):
            out.append(Span(ADDRESS, start, end, 0.8))
    return out
