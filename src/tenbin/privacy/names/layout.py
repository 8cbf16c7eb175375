"""Name shapes that only the layout around them reveals: readings, kinship notes and joint names.

Why a separate pass: these rules look at names already found (or at a fixed written pattern),
not at one token's dictionary tag, so they run after the token scan:

- a reading in parentheses right after a name is the same person (舘野（タテノ）, 山田太郎
  （ヤマダ タロウ）), and a furigana form writes each part with its own reading, so the kanji
  between two readings is the given name (舘野（タテノ）瑛太（エイタ）);
- a word after a field label and before a kinship note (受診者：凪（長女）) is a family member's name,
  whatever the dictionary says about the word;
- names joined with ・ or 、 share one cue (林・舘野両名, 森・栗林の両氏): when one of them was found,
  the other one is a name too if it is a known surname.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy import sudachi
from tenbin.privacy.itaiji import fold
from tenbin.privacy.lexicon import SURNAMES_KANJI
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

_KANJI: Final = r"[一-龥々\uf900-\ufaff]"
_KANA_WORD: Final = r"[ァ-ヴ][ァ-ヴー\u3099\u309a]{1,9}"
# 姓（セイ）名（メイ）: each part with its own katakana reading.
_FURIGANA_PAIR: Final = re.compile(
    rf"(?<![一-龥々\uf900-\ufaff])({_KANJI}{{1,4}})[（(]({_KANA_WORD})[）)]"
    rf"[ ]?({_KANJI}{{1,4}}|[ぁ-ゖ]{{2,5}})[（(]({_KANA_WORD})[）)]"
)
_READING_AFTER: Final = re.compile(rf"[（(][ ]?({_KANA_WORD}(?:[ ・]{_KANA_WORD})?)[ ]?[）)]")
_KIN: Final = (
    r"本人|妻|夫|配偶者|長男|長女|次男|次女|三男|三女|四男|四女|息子|娘|子|父|母|義父|義母|祖父|祖母|孫|兄|姉|弟|妹|"
    r"叔父|叔母|伯父|伯母|甥|姪|同居人|内縁の妻|内縁の夫"
)
# The label must name a person (受診者２：, 扶養家族：, 氏名：): 区分：一般（本人） is a category.
_KIN_AFTER_LABEL: Final = re.compile(
    r"(?:[者人員族]|氏名|名前)[0-9一二三四五六七八九]?[ ]?"
    rf"[:：][ ]?((?:{_KANJI}{{1,4}}|[ぁ-ゖ]{{2,5}})(?:[ ]{_KANJI}{{1,3}})?)[（(](?:{_KIN})[）)]"
)
_JOINED: Final = re.compile(
    rf"({_KANJI}{{1,4}})[・、]({_KANJI}{{1,4}})(?=[ ]?(?:両名|両氏|の両名|の両氏|様|さん|氏|殿))"
)


def _is_surname(word: str) -> bool:
    word = fold(word)
    return word in SURNAMES_KANJI or "姓" in sudachi.name_kinds(word)


def layout_names(norm: str, found: Sequence[Span]) -> list[Span]:
    """Extra PERSON spans from readings, furigana pairs, kinship notes and joined names."""
    persons = [sp for sp in found if sp.label == PERSON]
    out: list[Span] = []
    if "（" in norm or "(" in norm:
        out += furigana_pairs(norm, persons) + readings_after(norm, persons) + kinship_notes(norm)
    if "・" in norm or "、" in norm:
        out += joined_names(norm, persons)
    return _new_only(persons, out)


def furigana_pairs(norm: str, persons: Sequence[Span]) -> list[Span]:
    """姓（セイ）名（メイ）: all four parts, when the first is a found name or a surname, or its
    reading is a surname reading."""
    out: list[Span] = []
    for m in _FURIGANA_PAIR.finditer(norm):
        found_first = any(sp.start == m.start(1) for sp in persons)
        if found_first or _is_surname(m.group(1)) or "姓" in sudachi.name_kinds(m.group(2)):
            out.extend(Span(PERSON, m.start(g), m.end(g), 0.85) for g in (1, 2, 3, 4))
    return out


def readings_after(norm: str, persons: Sequence[Span]) -> list[Span]:
    """The katakana reading in brackets right after a found kanji name (舘野（タテノ）)."""
    out: list[Span] = []
    for sp in persons:
        # 日下部様（ｸｻｶﾍﾞ）: an honorific may sit between the name and its reading
        r = _READING_AFTER.match(norm, sp.end) or _READING_AFTER.match(norm, _skip_honorific(norm, sp.end))
        if r is not None and _reads(norm, sp, r.group(1)):
            out.append(Span(PERSON, r.start(1), r.end(1), 0.8))
    return out


def _reads(norm: str, sp: Span, reading: str) -> bool:
    """Only a kanji name has a reading, and a reading is never shorter than the kanji it reads
    (ソフィア・ロドリゲス（ブラジル） is a nationality, not a reading)."""
    kanji = sum(1 for ch in norm[sp.start : sp.end] if ch != " " and not "ぁ" <= ch <= "ヺ")
    return re.match(_KANJI, norm[sp.start]) is not None and len(reading) >= kanji


def kinship_notes(norm: str) -> list[Span]:
    """受診者：凪（長女）: the word between a person label and a kinship note."""
    return [Span(PERSON, m.start(1), m.end(1), 0.75) for m in _KIN_AFTER_LABEL.finditer(norm)]


def joined_names(norm: str, persons: Sequence[Span]) -> list[Span]:
    """林・舘野両名: both parts, when each is a found name or a known surname."""
    texts = {norm[sp.start : sp.end] for sp in persons}
    out: list[Span] = []
    for m in _JOINED.finditer(norm):
        a, b = m.group(1), m.group(2)
        if (a in texts or _is_surname(a)) and (b in texts or _is_surname(b)):
            out.append(Span(PERSON, m.start(1), m.end(1), 0.75))
            out.append(Span(PERSON, m.start(2), m.end(2), 0.75))
    return out


def _skip_honorific(norm: str, pos: int) -> int:
    """The position after a personal honorific written at ``pos`` (様, さん, 氏, 殿), else ``pos``."""
    for h in ("さま", "様", "さん", "氏", "殿"):
        if norm.startswith(h, pos):
            return pos + len(h)
    return pos


def _new_only(persons: Sequence[Span], extra: list[Span]) -> list[Span]:
    """Drop candidates overlapping a name already found (or an earlier candidate)."""
    taken = [(sp.start, sp.end) for sp in persons]
    kept: list[Span] = []
    for sp in extra:
        if not any(s < sp.end and sp.start < e for s, e in taken):
            kept.append(sp)
            taken.append((sp.start, sp.end))
    return kept


class LayoutNames(NameStep):
    """Readings, furigana pairs, kinship notes and joined names around the names found so far."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return layout_names(text.norm, found)
