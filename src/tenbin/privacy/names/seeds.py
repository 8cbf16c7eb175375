"""Which tokens may start a kanji (or hiragana) name, and as what kind of name part.

Why a separate step: the dictionary's 人名 tag is the main evidence, but it misses names it files
under other tags — a listed surname, a one-kanji given name before さん (春さん), a place name that
is also a surname (大島さん, 桐生主任). Each of those has its own small rule here; what the token
scan does with a seed (extend it to a full name, veto it, score it) lives elsewhere.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy import sudachi
from tenbin.privacy.lexicon import SURNAMES_KANJI
from tenbin.privacy.names.chars import all_name_kanji, is_name_kanji
from tenbin.privacy.names.cues import field_end, personal_honorific_after, role_label_before
from tenbin.privacy.names.places import place_surname_titled
from tenbin.privacy.sudachi import Token

#: Seed kinds: the dictionary's 人名 sub-kinds, plus LISTED for names found by a rule here.
SURNAME: Final = "姓"
GIVEN: Final = "名"
WHOLE_NAME: Final = "一般"  # a whole-name dictionary entry: a famous figure or a brand
LISTED: Final = "list"

# Kinship words that take さん without being names (姉さん, 母さん).
_KIN_CHARS: Final = frozenset("兄姉母父奥皆娘嫁婿孫叔伯爺婆")


# A name starts with a kanji or a hiragana letter (most tokens do not: particles, kana, symbols).
_NAME_START: Final = re.compile("[\u4e00-\u9fff々\uf900-\ufaffぁ-ん]")


def seed_kind(norm: str, t: Token) -> str | None:
    """The kind of name part token ``t`` is, or None when it cannot start a name."""
    if _NAME_START.match(t.surface) is None:
        return None
    pos = t.pos
    if pos[2] == "人名":
        return pos[3]
    surface = t.surface
    if (
        surface in SURNAMES_KANJI
        or (len(surface) == 1 and single_given(norm, t))
        or (pos[2] == "地名" and place_surname_cued(norm, t))
    ):
        return LISTED
    return None


def single_given(norm: str, t: Token) -> bool:
    """A one-kanji given name (敦さん, 春さん): a personal honorific right after, no kanji right
    before (奥さんの春さん yes, 青春さん no), and a word the dictionary lists as a given name."""
    return (
        len(t.surface) == 1
        and t.surface not in _KIN_CHARS
        and personal_honorific_after(norm, t.end)
        and not is_name_kanji(norm[t.begin - 1 : t.begin] or " ")
        and (t.pos[2:4] == ("人名", "名") or "名" in sudachi.name_kinds(t.surface))
    )


def place_surname_cued(norm: str, t: Token) -> bool:
    """A 2-3 kanji place name is a surname only with a strong cue (大島さん, @大島, 依頼者：大島)."""
    return t.pos[2] == "地名" and 2 <= len(t.surface) <= 3 and all_name_kanji(t.surface) and _strong_cue(norm, t)


def _strong_cue(norm: str, t: Token) -> bool:
    return (
        norm[t.begin - 1 : t.begin] == "@"
        or personal_honorific_after(norm, t.end)
        or (role_label_before(norm, t.begin) and field_end(norm, t.end))
        or place_surname_titled(norm, t)
    )
