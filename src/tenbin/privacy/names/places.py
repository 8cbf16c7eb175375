"""Place names that are also surnames (桐生, 乙部, 松島): the cues that decide which one a token is.

Why its own module: the tokenizer tags these words 地名 or 姓 with no way to tell, so the choice
rests on what stands around them — a personal title after (桐生主任 is a person) or a route arrow
next to a station (仙台駅 → 松島 is a place).
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.lexicon import PREFECTURE_RE
from tenbin.privacy.sudachi import Token

_KANJI: Final = re.compile(r"[\u4e00-\u9fff々\uf900-\ufaff]")
# Job titles held by a person rather than by a site: 桐生主任, 乙部課長 are people, while
# 大阪支店長 / 札幌所長 / 九州代表 head a place's office and stay out of this set.
_PERSON_TITLE: Final = re.compile(r"(?:主任|係長|課長|部長|次長|専務|常務|主査|副部長|副課長)(?:代理)?")
_REGIONS: Final = frozenset(
    ("東京", "大阪", "京都", "北海道", "関東", "関西", "九州", "東北", "北陸", "中部", "四国", "中国", "近畿",
     "東海", "横浜", "名古屋", "札幌", "神戸", "仙台", "広島", "川崎", "埼玉", "本社", "首都圏")
)  # fmt: skip


_PREFECTURE: Final = re.compile(PREFECTURE_RE)
_ROUTE_MARKS: Final = ("→", "⇒", "⇨", "->", "～", "〜", "経由")


_PLACE_END: Final = re.compile(r"(?:駅|空港|港|湖|山|寺|神社|温泉|城|IC|インター|公園)")


def in_route(norm: str, start: int, end: int) -> bool:
    """A word between route arrows, or next to an arrow whose other side is a station or sight
    (仙台駅 → 松島), is a stop on an itinerary. A hand-over line (小此木 → 椎名) is not: people."""
    before = norm[max(0, start - 4) : start].rstrip(" ")
    after = norm[end : end + 4].lstrip(" ")
    left = before.endswith(_ROUTE_MARKS)
    right = after.startswith(_ROUTE_MARKS)
    if left and right:
        return True
    if left:
        far = norm[max(0, start - 16) : start].rstrip(" →⇒⇨～〜->").split(" ")[-1]
        return bool(_PLACE_END.search(far[-4:]))
    if right:
        far = norm[end : end + 16].lstrip(" →⇒⇨～〜->").split(" ")[0]
        return bool(_PLACE_END.search(far[:8]))
    return False


def place_surname_titled(norm: str, t: Token) -> bool:
    """A place-name surname (桐生, 乙部) right before a personal title, with no kanji glued before it
    (関西桐生主任 would be a unit) and not a prefecture or region name (大阪部長 is a post)."""
    if t.surface in _REGIONS or any(_PREFECTURE.fullmatch(t.surface + s) for s in ("", "都", "府", "県")):
        return False
    if _KANJI.match(norm[t.begin - 1 : t.begin] or " ") is not None:
        return False
    return _PERSON_TITLE.match(norm, t.end) is not None
