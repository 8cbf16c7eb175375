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
from tenbin.privacy.kana import ROMAJI_WORD, long_vowel_variants, to_katakana
from tenbin.privacy.lexicon import (
    FAMOUS_PEOPLE,
    HONORIFICS,
    NAME_LABELS,
    SURNAMES_KANJI,
    SURNAMES_ROMAJI,
    TITLES,
    words,
)
from tenbin.privacy.names_hiragana import hiragana_names
from tenbin.privacy.names_spread import spread
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.sudachi import Token
from tenbin.privacy.types import PERSON, Span

_HONORIFIC_AFTER: Final = re.compile("[ ]?(?:" + "|".join(sorted(HONORIFICS + TITLES, key=len, reverse=True)) + ")")
_SPEECH_AFTER: Final = re.compile(
    r"(?:です|と申します|でございます|が担当|より|から(?:の|連絡|電話)|[ ]?[:：](?![0-9]))"
)
_LABEL_BEFORE: Final = re.compile(
    "(?:" + "|".join(sorted(NAME_LABELS, key=len, reverse=True)) + r")[^:：\n]{0,12}?[:：][ ]?[(（]?[ ]?$"
    r"|(?:担当|記録|担当者|氏名|名前)[ ]?[(（]?$|[(（][ ]?$|[:：][ ]?$|[、,][ ]?$"
)
# The gap may not cross a field separator: in "氏名,電話,メール" the label belongs to another column.
_KANA_LABEL: Final = re.compile(r"(?:フリガナ|ふりがな|カナ|名義|セイ|メイ|氏名|名前|読み)[^\n,、]{0,8}$")
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
_ROMAJI_WORD_RE: Final = re.compile(
    r"(?<![A-Za-z0-9@._\-])(?:[A-Z][a-z]+|[A-Z]{2,})(?![A-Za-z0-9@_]|-(?!san|sama|kun|sensei)|\.[A-Za-z])"
)
_ROMAJI_CUE_BEFORE: Final = re.compile(
    r"(?i)(?:\b(?:mr|ms|mrs|miss|dr|prof)\.?|\bdear|\bname|\bby|\bfrom|\battn\.?|\bcc|\bto|氏名|名前|表記|"
    r"担当|regards,?|sincerely,?|/|[(（])[ :：]*$"
)
# Prefectures that are also common surnames (Yamaguchi, Chiba, Fukushima…) are *not* stopwords.
_ROMAJI_STOP: Final = words(
    "tokyo osaka kyoto hokkaido kanagawa aichi okinawa hyogo saitama kagoshima shizuoka niigata"
) | words(
    "japan tokyo inc ltd co corp kk go ok no to so do be we me he she"
    " the and for per via id it mr ms mrs dear best regards hi hello name"
)


_PERSON_HONORIFIC_AFTER: Final = re.compile(
    "(?:" + "|".join(sorted((h for h in HONORIFICS if h != "御中"), key=len, reverse=True)) + ")"
)
_HONORIFICS_AND_TITLES: Final = frozenset(HONORIFICS + TITLES)
# A label naming a person's role (依頼者：, 指導員：, 作成：) right before a field value.
_ROLE_LABEL: Final = re.compile(r"(?:[者員人官]|作成|記入|起票|承認|報告|担当|氏名)[ ]?[:：][ ]?$")
_AMOUNT_AFTER: Final = re.compile(r"[ ]?[0-9¥￥$]")
_FIELD_END: Final = re.compile(r"$|[ \n、,。()（）:：/|]")


def _field_end(norm: str, pos: int) -> bool:
    """True when a name can end at ``pos``: end of field, punctuation, or an honorific/title."""
    return _FIELD_END.match(norm, pos) is not None or _HONORIFIC_AFTER.match(norm, pos) is not None


_ROMAJI_TITLE_BEFORE: Final = re.compile(r"\b(?:Mr|Ms|Mrs|Miss|Dr|Prof)\.? ?$")
_ROMAJI_STRONG_CUE: Final = re.compile(
    r"(?i)(?:\b(?:regards|sincerely|cheers|thanks),?[ ]*\n[ ]*|\b(?:mr|ms|mrs|dr|prof)\.? ?|\bname[ ]*:[ ]*)$"
)


_EN_NON_NAMES: Final = words("team dept department office inc ltd corp group division hr sales support global")


def _is_stop(word: str) -> bool:
    low = word.lower()
    return low in _ROMAJI_STOP or low in _EN_NON_NAMES


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
    return "\u4e00" <= ch <= "\u9fff" or ch == "々"


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
            elif (
                pos[2] == "地名"
                and 2 <= len(surface) <= 3
                and all(_is_kanji_name_char(c) for c in surface)
                and (
                    norm[t.begin - 1 : t.begin] == "@"
                    or _PERSON_HONORIFIC_AFTER.match(norm, t.end)
                    or (_ROLE_LABEL.search(context.before(norm, t.begin, 12)) and _field_end(norm, t.end))
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
            text = norm[start:end]
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
                out.append(Span(PERSON, start, end, 0.8 if cue else 0.65))
            elif cue and (kind == "list" or len(text) >= 2):
                out.append(Span(PERSON, start, end, 0.7))
            i = j
        return out

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
            label = _KANA_LABEL.search(pre) is not None
            reading = pre.rstrip(" ").endswith(("(", "（")) and len(pre.rstrip(" ")) >= 2
            kinds_a = sudachi.name_kinds(_compose(a))
            kinds_b = sudachi.name_kinds(_compose(b)) if b else frozenset()
            named = ("姓" in kinds_a or "名" in kinds_a) and (b is None or "名" in kinds_b or "姓" in kinds_b)
            if b is not None and (label or reading or named):
                out.append(Span(PERSON, s, e, 0.85 if (label or reading) else 0.7))
            elif b is None and e < len(norm) and _is_kanji_name_char(norm[e]) and not self._honorific(norm, e):
                continue  # パスポート表記: a katakana word inside a compound, not a name
            elif b is None and (
                label
                or (
                    not sudachi.is_brand(_compose(a))  # ソニー様, トヨタさん are customers
                    and (
                        ((named or "一般" in kinds_a) and self._honorific(norm, e))
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

    # ---- romaji -----------------------------------------------------------------------------
    @staticmethod
    def _romaji_name_score(word: str) -> int:
        """2 = known surname, 1 = known given name / plausible, 0 = romaji-shaped only, -1 = not romaji."""
        low = word.lower()
        if low in _ROMAJI_STOP or not ROMAJI_WORD.fullmatch(low):
            return -1
        if low in SURNAMES_ROMAJI:
            return 2
        kata = to_katakana(low)
        if kata is None:
            return -1
        kinds: frozenset[str] = frozenset()
        for v in long_vowel_variants(kata):
            kinds |= sudachi.name_kinds(v)
        if "姓" in kinds:
            return 2
        return 1 if "名" in kinds else 0

    def _romaji(self, norm: str) -> list[Span]:
        out: list[Span] = []
        words = list(_ROMAJI_WORD_RE.finditer(norm))
        i = 0
        while i < len(words):
            m = words[i]
            nxt = words[i + 1] if i + 1 < len(words) else None
            sa = self._romaji_name_score(m.group())
            pre = context.before(norm, m.start(), 20, lines=3)
            cue = _ROMAJI_CUE_BEFORE.search(pre) is not None
            # After "Mr." or a sign-off line the words are a name whatever their language.
            strong = _ROMAJI_STRONG_CUE.search(pre) is not None
            if nxt is not None and nxt.start() == m.end() + 1 and norm[m.end()] == " ":
                sb = self._romaji_name_score(nxt.group())
                both_romaji = sa >= 0 and sb >= 0
                foreign = strong and not _is_stop(m.group()) and not _is_stop(nxt.group())
                if (
                    (both_romaji and (cue or max(sa, sb) == 2 or sa + sb >= 2))
                    or foreign
                    or (
                        # "Mayumi Kuroiwa", "Ryo KUSUNOKI": a known given name + a romaji-shaped word.
                        both_romaji and max(sa, sb) == 1 and min(len(m.group()), len(nxt.group())) >= 3
                    )
                ):
                    out.append(Span(PERSON, m.start(), nxt.end(), 0.8 if cue or strong else 0.7))
                    i += 2
                    continue
            after = norm[m.end() : m.end() + 5]
            san = after.startswith(("-san", " san", "さん", "様"))
            titled = _ROMAJI_TITLE_BEFORE.search(pre) is not None and not _is_stop(m.group())
            if titled or (sa >= 1 and (cue or san) and not (m.group().isupper() and len(m.group()) <= 3)):
                out.append(Span(PERSON, m.start(), m.end(), 0.7))
            i += 1
        return out

    def find(self, raw: str, norm: str) -> list[Span]:
        toks = sudachi.tokenize(norm) if self._use_sudachi else None
        out = self._from_tokens(norm, toks) if toks is not None else self._from_rules(norm)
        out.extend(self._katakana(norm))
        out.extend(hiragana_names(norm))
        if any("A" <= ch <= "Z" for ch in norm):
            out.extend(self._romaji(norm))
        out.extend(spread(norm, out))
        return out
