"""The given name after a surname seed: 山田 太郎, 眞鍋 みお, 佐藤花子, 森 敦さん.

Why a separate step: the dictionary splits rarer given names into pieces it tags as particles,
adverbs or places (乃+愛, 颯, 隼人), and tags many one-kanji given names as plain nouns. The layout
decides: written right after a surname (and a space) and ending the field, a short kanji or
hiragana block is the given name.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.lexicon import HONORIFICS, TITLES, words
from tenbin.privacy.names.chars import all_name_kanji, is_name_kanji
from tenbin.privacy.names.cues import field_end, honorific_after
from tenbin.privacy.sudachi import Token

#: Words that end an organisation or place name, never a given name (佐藤工業, 梅田支店).
ORG_SUFFIX: Final = re.compile(
    r"(?:印刷|銀行|支店|商事|工業|株式会社|駅|市|区|町|村|県|線|通り|大学|病院|医院|建設|不動産|電機|製作所|"
    r"物産|商店|食品|産業|運輸|物流|ホールディングス|グループ|システム|ビル|公園|神社|寺|川|山|橋|港|店|屋)"
)
_HONORIFICS_AND_TITLES: Final = frozenset(HONORIFICS + TITLES)
_NOT_GIVEN: Final = frozenset(("宛", "他", "等", "各位", "以下", "外", "分", "様方", "方"))
# Particles and function words that follow "姓 " without being a given name (田中 より).
_NOT_HIRA_GIVEN: Final = words("より から まで です など ほか とか のみ だけ さん さま くん ちゃん")
# What may follow a one-kanji given name glued to the surname (森敦、 森敦さん).
_AFTER_ONE_KANJI: Final = "、,\n( 様さとで。"


def given_after(norm: str, toks: list[Token], j: int) -> tuple[int, int] | None:
    """(end, next token index) of a given name starting at token ``j`` (or after one space), or None."""
    n = len(toks)
    k = j
    if k < n and toks[k].pos[0] == "空白" and len(toks[k].surface) == 1:
        k += 1
    if j < k < n:
        spaced = spaced_given(norm, toks, k) or spaced_hiragana(norm, toks, k)
        if spaced is not None:
            return spaced
    if k < n and given_token(norm, toks[k], adjacent=k == j):
        return toks[k].end, k + 1
    return None


def given_token(norm: str, nt: Token, *, adjacent: bool) -> bool:
    """One token that is a given name after a surname: the dictionary says so, or a short noun the
    layout marks (glued to the surname before an honorific, or one kanji ending the field)."""
    return (
        _dictionary_given(nt)
        or (adjacent and _short_noun_before_honorific(norm, nt))
        or _one_kanji_at_field_end(norm, nt)
    )


def _dictionary_given(nt: Token) -> bool:
    return nt.pos[2] == "人名" and nt.pos[3] in ("名", "姓") and is_name_kanji(nt.surface[0])


def _short_noun_before_honorific(norm: str, nt: Token) -> bool:
    return (
        nt.pos[0] == "名詞"
        and 1 <= len(nt.surface) <= 2
        and all_name_kanji(nt.surface)
        and honorific_after(norm, nt.end)
        and not ORG_SUFFIX.fullmatch(nt.surface)
    )


def _one_kanji_at_field_end(norm: str, nt: Token) -> bool:
    return (
        len(nt.surface) == 1
        and is_name_kanji(nt.surface)
        and nt.pos[0] == "名詞"
        and (nt.end >= len(norm) or norm[nt.end] in _AFTER_ONE_KANJI)
        and not ORG_SUFFIX.fullmatch(nt.surface)
    )


def spaced_given(norm: str, toks: list[Token], k: int) -> tuple[int, int] | None:
    """(end, next index) of a 1-3 kanji given name starting at token ``k`` after "姓 ", or None.

    The tokens are glued back together: the dictionary splits rarer given names into pieces.
    """
    total, idx, end = 0, k, toks[k].begin
    while idx < len(toks) and toks[idx].begin == end and _given_piece(toks[idx]):
        total += len(toks[idx].surface)
        end, idx = toks[idx].end, idx + 1
    if idx == k or total > 3 or not field_end(norm, end):
        return None
    if ORG_SUFFIX.fullmatch(norm[toks[k].begin : end]):
        return None
    return end, idx


def _given_piece(t: Token) -> bool:
    """A kanji token that may be part of a given name (not a numeral, a verbal noun or a title)."""
    return (
        all_name_kanji(t.surface)
        and t.pos[1] != "数詞"
        and t.pos[2] != "サ変可能"
        and t.surface not in _HONORIFICS_AND_TITLES
        and t.surface not in _NOT_GIVEN
    )


def spaced_hiragana(norm: str, toks: list[Token], k: int) -> tuple[int, int] | None:
    """(end, next index) of a 2-4 letter hiragana given name at token ``k`` after "姓 " (眞鍋 みお)."""
    idx, end, total = k, toks[k].begin, 0
    while idx < len(toks) and toks[idx].begin == end and all("ぁ" <= c <= "ゖ" for c in toks[idx].surface):
        total += len(toks[idx].surface)
        end, idx = toks[idx].end, idx + 1
    if idx == k or not 2 <= total <= 4 or not field_end(norm, end):
        return None
    if norm[toks[k].begin : end] in _NOT_HIRA_GIVEN or toks[k].surface in _NOT_HIRA_GIVEN:
        return None
    return end, idx
