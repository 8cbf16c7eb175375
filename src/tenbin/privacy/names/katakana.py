"""Katakana names: readings after a label (フリガナ：ヤマダ タロウ), self-introductions, katakana
surnames with an honorific (ミナセ様), and dotted foreign names (マイケル・ジョンソン).

Why separate from the token scan: katakana is also how loanwords, brands and labels are written
(メモ, ソニー様, フリガナ), so a katakana word is a name only when the dictionary knows it as one
and a cue agrees, or when a label or a reading bracket says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy import context, sudachi
from tenbin.privacy.names.chars import compose, is_name_kanji
from tenbin.privacy.names.cues import cued, honorific_after, intro_after, personal_honorific_after
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

# Half-width ｶﾞ normalises to カ + U+3099 (one code point each, see normalize.py), so the
# combining voiced marks count as katakana here and are composed before dictionary lookups.
_KATAKANA: Final = re.compile(
    r"(?<![ァ-ヴー\u3099\u309a・=])([ァ-ヴ][ァ-ヴー\u3099\u309a]{1,9})"
    r"(?:[ ]([ァ-ヴ][ァ-ヴー\u3099\u309a]{1,9}))?(?![ァ-ヴー\u3099\u309a・=])"
)
# Foreign names written with a middle dot: マイケル・ジョンソン, グエン・ヴァン・ミン.
_KATAKANA_DOTTED: Final = re.compile(
    r"(?<![ァ-ヴー・=])[ァ-ヴ][ァ-ヴー]{1,9}(?:[・=][ァ-ヴ][ァ-ヴー]{0,9}){1,3}(?![ァ-ヴー・=])"
)
# The gap may not cross a field separator: in "氏名,電話,メール" the label belongs to another column.
_KANA_LABEL: Final = re.compile(r"(?:フリガナ|ふりがな|カナ|名義|セイ|メイ|氏名|名前|読み)[^\n,、]{0,8}$")
_KANA_LABEL_WORDS: Final = frozenset(("フリガナ", "フリカナ", "カナ", "セイ", "メイ", "ナマエ", "ヨミ", "ヨミガナ"))
# Bank-style corporate holders: カ)サクラネツト, (カ after the name.
_CORPORATE_BEFORE: Final = ("カ)", "ユ)", "ド)", "カ）")
_CORPORATE_AFTER: Final = ("(カ", "(ユ", "（カ")
_NAME_PARTS: Final = frozenset(("姓", "名"))


def katakana_names(norm: str) -> list[Span]:
    """One or two katakana words (a space between) that are a name by label, reading or cue."""
    out: list[Span] = []
    for m in _KATAKANA.finditer(norm):
        sp = _judge(norm, m)
        if sp is not None:
            out.append(sp)
    return out


def _judge(norm: str, m: re.Match[str]) -> Span | None:
    a, b = m.group(1), m.group(2)
    s, e = m.span()
    pre = context.before(norm, s, 16)
    if _bracketed_or_hyphenated(norm, s, e, single=b is None) or _corporate_holder(norm, e, pre):
        return None
    if b is None:
        return _single(norm, a, s, e, pre)
    return _pair(norm, a, b, s, e, pre)


def _bracketed_or_hyphenated(norm: str, s: int, e: int, *, single: bool) -> bool:
    """A parenthesised label such as （カナ）, or a company kana name (サンワリ-ス)."""
    nxt = norm[e : e + 1]
    return (nxt == ")" and single) or nxt == "-" or norm[s - 1 : s] == "-"


def _corporate_holder(norm: str, e: int, pre: str) -> bool:
    """A bank account holder that is a company: カ)サクラネツト."""
    return pre.endswith(_CORPORATE_BEFORE) or norm.startswith(_CORPORATE_AFTER, e)


def _labelled(pre: str) -> bool:
    """A kana label (フリガナ, 名義, 氏名) before the word, in the same field."""
    return _KANA_LABEL.search(pre) is not None


def _reading_slot(pre: str) -> bool:
    """An opening bracket right after some text: 山田（ヤマダ."""
    head = pre.rstrip(" ")
    return head.endswith(("(", "（")) and len(head) >= 2


def _kinds(word: str) -> frozenset[str]:
    return sudachi.name_kinds(compose(word))


def _pair(norm: str, a: str, b: str, s: int, e: int, pre: str) -> Span | None:
    """Two katakana words: a name after a label or in a reading bracket, when both parts are
    dictionary names, or before a self-introduction."""
    if _labelled(pre) or _reading_slot(pre):
        return Span(PERSON, s, e, 0.85)
    if (_kinds(a) & _NAME_PARTS and _kinds(b) & _NAME_PARTS) or intro_after(norm, e):
        return Span(PERSON, s, e, 0.7)
    return None


def _single(norm: str, a: str, s: int, e: int, pre: str) -> Span | None:
    """One katakana word: never a label word or a loanword, never inside a kanji compound; a name
    after a label or with a personal cue."""
    if a in _KANA_LABEL_WORDS or sudachi.is_common_word(compose(a)):
        return None  # a label or loanword (フリガナ, メモ in a header row), never a name
    if e < len(norm) and is_name_kanji(norm[e]) and not honorific_after(norm, e):
        return None  # パスポート表記: a katakana word inside a compound, not a name
    if _labelled(pre) or _single_cued(norm, a, e, pre):
        return Span(PERSON, s, e, 0.7)
    return None


def _single_cued(norm: str, a: str, e: int, pre: str) -> bool:
    """A dictionary name with an honorific, a self-introduction, or a field value with a personal
    honorific (お客様：ミナセ様). Brands with 様 are customers (ソニー様, トヨタさん)."""
    if sudachi.is_brand(compose(a)):
        return False
    if _kinds(a) and honorific_after(norm, e):  # 姓, 名 or 一般
        return True
    return intro_after(norm, e) or (personal_honorific_after(norm, e) and pre.rstrip(" ").endswith((":", "：")))


def dotted_names(norm: str) -> list[Span]:
    """Dotted katakana is a foreign name with a cue, or when every part is a dictionary name
    (ジョンソン・エンド・ジョンソン fails: エンド is not a name)."""
    out: list[Span] = []
    for m in _KATAKANA_DOTTED.finditer(norm):
        s, e = m.span()
        parts = re.split("[・=]", m.group())
        if any(len(p) < 2 for p in parts[:-1]):
            continue
        cue = cued(norm, s, e)
        if cue or _known_parts(parts):
            out.append(Span(PERSON, s, e, 0.8 if cue else 0.7))
    return out


def _known_parts(parts: list[str]) -> bool:
    """Every part of 2+ letters is a dictionary name, and one of them a surname or given name
    (一般 alone also covers brands and loanwords)."""
    kinds = [sudachi.name_kinds(p) for p in parts if len(p) >= 2]
    return all(kinds) and any(k & _NAME_PARTS for k in kinds)


class KatakanaNames(NameStep):
    """Katakana names of one or two words."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return katakana_names(text.norm)


class DottedNames(NameStep):
    """Foreign names written with ・ or = between the parts."""

    def applies(self, text: NameText) -> bool:
        return "・" in text.norm or "=" in text.norm

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return dotted_names(text.norm)
