"""PERSON detection: SudachiPy 人名 tags combined with honorific/label cues.

Why a hybrid: the dictionary knows tens of thousands of surnames and given names (and their
katakana readings), which no hand list matches; but it also tags place names (上野) and company
words, and it cannot tell a famous figure from a customer. Cues decide those cases: honorifics
and titles after a name (様, さん, 部長 — excluded from the span), form labels before it
(担当：, 起票者：, フリガナ), and the shape of romaji/katakana names.
"""

from __future__ import annotations

import re
import unicodedata
from typing import ClassVar, Final

from tenbin.privacy import context, sudachi
from tenbin.privacy.itaiji import fold
from tenbin.privacy.lexicon import (
    FAMOUS_PEOPLE,
    GROUP_SUFFIXES,
    HONORIFICS,
    NAME_LABELS,
    SURNAMES_KANJI,
    TITLES,
)
from tenbin.privacy.names.hiragana import hiragana_names
from tenbin.privacy.names.layout import layout_names, spaced_hiragana, split_ruby
from tenbin.privacy.names.places import in_route, place_surname_titled
from tenbin.privacy.names.romaji import romaji_names
from tenbin.privacy.names.speakers import speaker_names
from tenbin.privacy.names.spread import spread
from tenbin.privacy.names.stop import drop_common_words
from tenbin.privacy.names.table import answer_names, table_names
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.sudachi import Token
from tenbin.privacy.types import PERSON, Span

_HONORIFIC_AFTER: Final = re.compile(
    "[ ]?(?:" + "|".join(sorted(HONORIFICS + TITLES + GROUP_SUFFIXES, key=len, reverse=True)) + ")"
)
# Sudachi glues a short surname to the head of a title (岡主任 → 岡主 + 任): a name never ends in one.
_TITLES_LONGEST: Final = tuple(sorted(TITLES, key=len, reverse=True))
# A self-introduction names the speaker whatever the word: マナベと申します.
_INTRO_AFTER: Final = re.compile(r"と(?:申し|もうし|言い|いい)ます|と申す")
# A field that asks for a name: お名前（任意）：敦 — even one kanji is then the given name.
_NAME_FIELD: Final = re.compile(r"(?:氏名|名前|ご氏名)[^:：\n]{0,8}?[:：][ ]?$")
# Kinship words that take さん without being names (姉さん, 母さん).
_KIN_CHARS: Final = frozenset("兄姉母父奥皆娘嫁婿孫叔伯爺婆")
_SPEECH_AFTER: Final = re.compile(
    r"(?:です|と申します|でございます|が担当|より|から(?:の|連絡|電話)|[ ]?[:：](?![0-9]))"
)
_LABEL_BEFORE: Final = re.compile(
    "(?:" + "|".join(sorted(NAME_LABELS, key=len, reverse=True)) + r")[^:：\n]{0,12}?[:：][ ]?[(（]?[ ]?$"
    r"|(?:担当|記録|担当者|氏名|名前)[ ]?[(（]?$|[(（][ ]?$|[:：][ ]?$|[、,][ ]?$"
)
# The gap may not cross a field separator: in "氏名,電話,メール" the label belongs to another column.
_KANA_LABEL: Final = re.compile(r"(?:フリガナ|ふりがな|カナ|名義|セイ|メイ|氏名|名前|読み)[^\n,、]{0,8}$")
_KANA_LABEL_WORDS: Final = frozenset(("フリガナ", "フリカナ", "カナ", "セイ", "メイ", "ナマエ", "ヨミ", "ヨミガナ"))
_ORG_SUFFIX: Final = re.compile(
    r"(?:印刷|銀行|支店|商事|工業|株式会社|駅|市|区|町|村|県|線|通り|大学|病院|医院|建設|不動産|電機|製作所|"
    r"物産|商店|食品|産業|運輸|物流|ホールディングス|グループ|システム|ビル|公園|神社|寺|川|山|橋|港|店|屋)"
)
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


_PERSON_HONORIFIC_AFTER: Final = re.compile(
    "(?:" + "|".join(sorted((h for h in HONORIFICS if h != "御中"), key=len, reverse=True)) + ")"
)
_HONORIFICS_AND_TITLES: Final = frozenset(HONORIFICS + TITLES)
# A label naming a person's role (依頼者：, 指導員：, 作成：) right before a field value.
_ROLE_LABEL: Final = re.compile(r"(?:[者員人官]|作成|記入|起票|承認|報告|担当|氏名)[ ]?[:：][ ]?$")
_AMOUNT_AFTER: Final = re.compile(r"[ ]?[0-9¥￥$]")
_ADDRESSEE: Final = frozenset(("宛", "宛て", "あて"))
_FIELD_END: Final = re.compile(r"$|[ \n、,。()（）:：/|]")


def _field_end(norm: str, pos: int) -> bool:
    """True when a name can end at ``pos``: end of field, punctuation, or an honorific/title."""
    return _FIELD_END.match(norm, pos) is not None or _HONORIFIC_AFTER.match(norm, pos) is not None


_NOT_GIVEN: Final = frozenset(("宛", "他", "等", "各位", "以下", "外", "分", "様方", "方"))


def _spaced_given(norm: str, toks: list[Token], k: int) -> tuple[int, int] | None:
    """(end, next index) of a 1-3 kanji given name starting at token ``k`` after "姓 ", or None.

    Why tokens are glued back together: the dictionary splits rarer given names into pieces it
    tags as particles, adverbs or places (乃+愛, 颯, 隼人). Written after a surname and a space and
    ending the field, such a short kanji block is the given name.
    """
    total, idx, end = 0, k, toks[k].begin
    while idx < len(toks) and toks[idx].begin == end:
        t = toks[idx]
        if (
            not all(_is_kanji_name_char(c) for c in t.surface)
            or t.pos[1] == "数詞"
            or t.pos[2] == "サ変可能"
            or t.surface in _HONORIFICS_AND_TITLES
            or t.surface in _NOT_GIVEN
        ):
            break
        total += len(t.surface)
        end, idx = t.end, idx + 1
    if idx == k or total > 3 or not _field_end(norm, end):
        return None
    if _ORG_SUFFIX.fullmatch(norm[toks[k].begin : end]):
        return None
    return end, idx


def _compose(word: str) -> str:
    """ｼﾏﾌﾞｸﾛ normalises to シマフ + U+3099 + クロ; the dictionary wants シマブクロ."""
    return unicodedata.normalize("NFC", word) if "\u3099" in word or "\u309a" in word else word


def _is_kanji_name_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch == "々" or "\uf900" <= ch <= "\ufaff"


class PersonRecognizer(Recognizer):
    """Personal names in kanji, kana and romaji; honorifics and titles stay outside the span."""

    label: ClassVar[str] = PERSON
    structured: ClassVar[bool] = False

    def __init__(self, use_sudachi: bool = True) -> None:
        self._use_sudachi = use_sudachi

    # ---- cues -------------------------------------------------------------------------------
    @staticmethod
    def _honorific(norm: str, end: int) -> bool:
        return _HONORIFIC_AFTER.match(norm, end) is not None

    @staticmethod
    def _cue(norm: str, start: int, end: int) -> bool:
        if PersonRecognizer._honorific(norm, end) or _SPEECH_AFTER.match(norm, end):
            return True
        return _LABEL_BEFORE.search(context.before(norm, start, 24)) is not None

    # ---- kanji via Sudachi ------------------------------------------------------------------
    def _from_tokens(self, norm: str, toks: list[Token]) -> list[Span]:
        out: list[Span] = []
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            pos = t.pos
            surface = t.surface
            if not surface or (not _is_kanji_name_char(surface[0]) and not ("ぁ" <= surface[0] <= "ん")):
                i += 1
                continue
            if pos[2] == "人名":
                kind = pos[3]
            elif surface in SURNAMES_KANJI:
                kind = "list"
            elif len(surface) == 1 and self._single_given(
                norm, t
            ):  # 春さん: a one-kanji given name the dictionary calls a noun
                kind = "名"
                kind = "list"
            elif (
                pos[2] == "地名"
                and 2 <= len(surface) <= 3
                and all(_is_kanji_name_char(c) for c in surface)
                and (
                    norm[t.begin - 1 : t.begin] == "@"
                    or _PERSON_HONORIFIC_AFTER.match(norm, t.end)
                    or (_ROLE_LABEL.search(context.before(norm, t.begin, 12)) and _field_end(norm, t.end))
                    or place_surname_titled(norm, t)
                )
            ):
                kind = "list"  # 大島さん, @大島: a place-name surname is a person only with a strong cue
            else:
                i += 1
                continue
            if kind == "一般":  # a whole-name dictionary entry: a famous figure or a brand
                i += 1
                continue
            start, end, j = t.begin, t.end, i + 1
            full = False
            if kind in ("姓", "list"):
                k = j
                if k < n and toks[k].pos[0] == "空白" and len(toks[k].surface) == 1:
                    k += 1
                spaced = _spaced_given(norm, toks, k) if k > j and k < n else None
                if spaced is None and k > j and k < n:
                    spaced = spaced_hiragana(norm, toks, k, _field_end)
                if spaced is not None:
                    end, j, full = spaced[0], spaced[1], True
                elif k < n:
                    nt = toks[k]
                    if (
                        (nt.pos[2] == "人名" and nt.pos[3] in ("名", "姓") and _is_kanji_name_char(nt.surface[0]))
                        or (
                            k == j
                            and nt.pos[0] == "名詞"
                            and 1 <= len(nt.surface) <= 2
                            and all(_is_kanji_name_char(c) for c in nt.surface)
                            and self._honorific(norm, nt.end)
                            and not _ORG_SUFFIX.fullmatch(nt.surface)
                        )
                        or (
                            len(nt.surface) == 1
                            and _is_kanji_name_char(nt.surface)
                            and nt.pos[0] == "名詞"
                            and (nt.end >= len(norm) or norm[nt.end] in "、,\n( 様さとで。")
                            and not _ORG_SUFFIX.fullmatch(nt.surface)
                        )
                    ):
                        end, j, full = nt.end, k + 1, True
            for title in _TITLES_LONGEST:
                if end - start > len(title) and norm.endswith(title, start, end):
                    end, full = end - len(title), False
                    break
            text = norm[start:end]
            if full and len(text) == 3 and text[1] == " " and sudachi.is_common_word(text[0] + text[2]):
                i = j  # 「単 価」「金 額」: an OCR-spaced common word, not 姓 + 名
                continue
            if text.replace(" ", "") in FAMOUS_PEOPLE:
                i = j
                continue
            honor = self._honorific(norm, end)
            if (
                not honor
                and j < n
                and toks[j].begin == end
                and (toks[j].pos[0] == "接尾辞" or (toks[j].pos[0] == "名詞" and toks[j].pos[1] != "数詞"))
                and toks[j].pos[2] != "人名"
                and toks[j].surface not in _ADDRESSEE  # 日下部宛: a surname the letter is sent to
            ):
                i = j  # part of a compound: 梅田支店, 小川町, 佐藤工業
                continue
            cue = honor or self._cue(norm, start, end) or norm[start - 1 : start] == "@"
            if not cue and not full and _AMOUNT_AFTER.match(norm, end):
                i = j  # "日当 3,000円": a surname-shaped word before a number is a line item
                continue
            if full:
                out.append(Span(PERSON, start, end, 0.9 if cue else 0.8))
            elif kind == "姓":
                if not cue and in_route(norm, start, end):
                    i = j  # 「仙台駅 → 松島 → 猪苗代」: a stop on a route is a place
                    continue
                out.append(Span(PERSON, start, end, 0.8 if cue else 0.65))
            elif (cue and (kind == "list" or len(text) >= 2)) or (
                kind == "名"
                and (
                    self._single_given(norm, t)
                    or (_NAME_FIELD.search(context.before(norm, start, 16)) and _field_end(norm, end))
                )
            ):
                out.append(Span(PERSON, start, end, 0.7))
            i = j
        return out

    @staticmethod
    def _single_given(norm: str, t: Token) -> bool:
        """A one-kanji given name (敦さん, 春さん): a personal honorific right after, no kanji right
        before (奥さんの春さん yes, 青春さん no), and a word the dictionary lists as a given name."""
        return (
            len(t.surface) == 1
            and t.surface not in _KIN_CHARS
            and _PERSON_HONORIFIC_AFTER.match(norm, t.end) is not None
            and not _is_kanji_name_char(norm[t.begin - 1 : t.begin] or " ")
            and (t.pos[2:4] == ("人名", "名") or "名" in sudachi.name_kinds(t.surface))
        )

    # ---- kanji without Sudachi (degraded mode) ----------------------------------------------
    _FALLBACK: ClassVar[re.Pattern[str]] = re.compile(
        "(?:"
        + "|".join(sorted(SURNAMES_KANJI, key=len, reverse=True))
        + r")(?:[ ]?[一-龥々]{1,2}(?=[ ]?(?:"
        + "|".join(sorted(HONORIFICS + TITLES, key=len, reverse=True))
        + r")|[（(、,:：\n]|です))?"
    )

    def _from_rules(self, norm: str) -> list[Span]:
        out: list[Span] = []
        for m in self._FALLBACK.finditer(norm):
            s, e = m.span()
            if s > 0 and _is_kanji_name_char(norm[s - 1]):
                continue
            if e < len(norm) and _is_kanji_name_char(norm[e]) and not self._honorific(norm, e):
                continue
            if self._cue(norm, s, e):
                out.append(Span(PERSON, s, e, 0.6))
        return out

    # ---- katakana ---------------------------------------------------------------------------
    def _katakana(self, norm: str) -> list[Span]:
        out: list[Span] = []
        for m in _KATAKANA.finditer(norm):
            a, b = m.group(1), m.group(2)
            s, e = m.span()
            pre = context.before(norm, s, 16)
            following = norm[e : e + 2]
            if (following[:1] == ")" and b is None) or following[:1] == "-" or norm[s - 1 : s] == "-":
                continue  # a parenthesised label such as （カナ）, or a company kana name (サンワリ-ス)
            if pre.endswith(("カ)", "ユ)", "ド)", "カ）")) or following.startswith(("(カ", "(ユ", "（カ")):
                continue  # bank-style corporate holder: カ)サクラネツト
            if b is None and (a in _KANA_LABEL_WORDS or sudachi.is_common_word(_compose(a))):
                continue  # a label or loanword (フリガナ, メモ in a header row), never a name
            label = _KANA_LABEL.search(pre) is not None
            reading = pre.rstrip(" ").endswith(("(", "（")) and len(pre.rstrip(" ")) >= 2
            kinds_a = sudachi.name_kinds(_compose(a))
            kinds_b = sudachi.name_kinds(_compose(b)) if b else frozenset()
            named = ("姓" in kinds_a or "名" in kinds_a) and (b is None or "名" in kinds_b or "姓" in kinds_b)
            if b is not None and (label or reading or named or _INTRO_AFTER.match(norm, e)):
                out.append(Span(PERSON, s, e, 0.85 if (label or reading) else 0.7))
            elif b is None and e < len(norm) and _is_kanji_name_char(norm[e]) and not self._honorific(norm, e):
                continue  # パスポート表記: a katakana word inside a compound, not a name
            elif b is None and (
                label
                or (
                    not sudachi.is_brand(_compose(a))  # ソニー様, トヨタさん are customers
                    and (
                        ((named or "一般" in kinds_a) and self._honorific(norm, e))
                        or _INTRO_AFTER.match(norm, e)
                        # "お客様：ミナセ様": a katakana surname after a field label, personal honorific
                        or (_PERSON_HONORIFIC_AFTER.match(norm, e) and pre.rstrip(" ").endswith((":", "：")))
                    )
                )
            ):
                out.append(Span(PERSON, s, e, 0.7))
        if "・" in norm or "=" in norm:
            out.extend(self._katakana_dotted(norm))
        return out

    def _katakana_dotted(self, norm: str) -> list[Span]:
        """Dotted katakana is a foreign name with a cue, or when every part is a dictionary name
        (ジョンソン・エンド・ジョンソン fails: エンド is not a name)."""
        out: list[Span] = []
        for m in _KATAKANA_DOTTED.finditer(norm):
            s, e = m.span()
            parts = re.split("[・=]", m.group())
            if any(len(p) < 2 for p in parts[:-1]):
                continue
            cue = self._honorific(norm, e) or self._cue(norm, s, e)
            kinds = [sudachi.name_kinds(p) for p in parts if len(p) >= 2]
            # 一般 alone also covers brands and loanwords; without a cue one part must be 姓/名.
            known = all(kinds) and any(k & {"姓", "名"} for k in kinds)
            if cue or known:
                out.append(Span(PERSON, s, e, 0.8 if cue else 0.7))
        return out

    def find(self, raw: str, norm: str) -> list[Span]:
        toks = sudachi.tokenize(fold(norm)) if self._use_sudachi else None
        if toks is not None and ("（" in norm or "(" in norm):
            toks = split_ruby(toks)
        out = self._from_tokens(norm, toks) if toks is not None else self._from_rules(norm)
        out.extend(self._katakana(norm))
        out.extend(hiragana_names(norm))
        if any("A" <= ch <= "Z" for ch in norm):
            out.extend(romaji_names(norm))
        out.extend(table_names(norm, out) + answer_names(norm))
        out.extend(layout_names(norm, out))
        if self._use_sudachi:
            out.extend(speaker_names(norm, out))
        out.extend(spread(norm, out))
        return drop_common_words(norm, toks, out)
