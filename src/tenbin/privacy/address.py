"""Japanese postal addresses by grammar: prefecture → municipality → town → 丁目/番地/号 → building.

A regex grammar beats a tagger here: addresses are formulaic, and the hard part is the *end* of
the span (building and room are in, a company name or "です" after it is out), which is a rule
about building words and room numbers rather than about morphology.
"""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy.address_columns import column_addresses
from tenbin.privacy.lexicon import PREFECTURE_RE, PREFECTURES_ROMAJI
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import ADDRESS, Span

_NUM: Final = r"(?:[0-9]{1,4}|[一二三四五六七八九十百〇]{1,4})"
_HIRA_CITIES: Final = (
    r"(?:さいたま|つくば|つくばみらい|いわき|ひたちなか|みどり|あきる野|かすみがうら|いちき串木野|うきは|みやま|"
    r"えびの|さくら|たつの|かほく|あま|みよし|にかほ|むつ|いなべ|南あわじ|あわら|つがる|せたな|ときがわ|"
    r"みなかみ|みなべ|ふじみ野|よしの|おいらせ|かつらぎ|ニセコ)[市町村]"
)
_MUNI: Final = rf"(?:{_HIRA_CITIES}|[一-龥々ヶケァ-ヴー]{{1,6}}?[市区町村郡])"
# A vertical (縦書き) address puts each part on its own line, so a newline may separate the parts.
_SEP: Final = r"[ \n]?"
_TOWN: Final = r"(?:[一-龥々ヶケぁ-んァ-ヴー]|\n(?=[一-龥々ヶケぁ-んァ-ヴー])){0,14}?"
_BLOCK: Final = (
    rf"(?:(?:{_NUM}条(?:通|[東西南北])?)?{_NUM}丁目(?:{_SEP}{_NUM}(?:番地?|-)?(?:{_SEP}{_NUM}(?:号|-{_NUM}(?:号)?)?)?)?"
    rf"|{_NUM}(?:番地?|-){_NUM}(?:号|-{_NUM}(?:号)?)?(?:号)?"
    rf"|{_NUM}番地"
    rf"|[0-9]{{1,4}}の[0-9]{{1,4}}(?:の[0-9]{{1,4}})?(?![0-9])"  # 1の2の3 (spoken, legal documents)
    rf"|[東西南北]?{_NUM}線[東西南北]?{_NUM}号"  # Hokkaido grid: 東二線北18号
    rf"|{_NUM}(?=[ ]?[^\s0-9]{{0,12}}?(?:ビル|ハイツ|コーポ|マンション|号室)))"
)
_JA: Final = re.compile(
    rf"(?:(?P<pref>{PREFECTURE_RE}){_SEP}(?:{_MUNI}{_SEP}){{0,3}}|(?<![一-龥々ァ-ヴー])(?:{_MUNI}{_SEP}){{1,3}})"
    rf"{_TOWN}(?P<block>{_BLOCK})"
)
# Rural (大字/字) and Kyoto street (上る/下る/西入) addresses often give the lot number bare: 字中町1744.
_JA_BARE: Final = re.compile(
    rf"(?:(?P<pref>{PREFECTURE_RE}){_SEP}(?:{_MUNI}{_SEP}){{0,3}}|(?<![一-龥々ァ-ヴー])(?:{_MUNI}{_SEP}){{1,3}})"
    r"(?:[一-龥々ヶケァ-ヴー]{0,12}?字[一-龥々ヶケァ-ヴー]{1,8}?"
    r"|[一-龥々ヶケ]{1,8}?通[一-龥々ヶケ]{0,8}?(?:上る|下る|入る|上ル|下ル|入ル|西入|東入)[一-龥々ヶケ]{1,10}?)"
    r"[0-9]{1,5}(?![0-9.,:：/])"
)
_TAIL_STOP: Final = re.compile(r"[\n\t、。，,()（）「」\[\]【】:：/／|]")
# A building named by an unknown word is still a building when a floor/room number ends it:
# 「リファーレ10階」「ｸﾞﾗﾝﾃﾞ21 305号室」 ("10" alone could be anything, so a unit is required).
_NAMED_FLOOR: Final = re.compile(r"[ァ-ヴー一-龥々A-Za-z・]{2,15}[0-9]{1,4}(?:階|F|号室)")
# A cell separator or another field label means the next line is a new record, not a building.
_NOT_BUILDING_LINE: Final = re.compile(r"[\t,|:：]")
_BUILDING_WORD: Final = re.compile(
    r"ビル|ハイツ|コーポ|マンション|タワー|レジデンス|ハイム|コート|荘|館|ヒルズ|プレイス|スクエア|パレス|"
    r"メゾン|ガーデン|テラス|ハウス|アパート|寮|棟|センター|プラザ|ヴィラ|シャトー|キャッスル|フラット|"
    r"ドミール|パーク|ステージ|ホームズ|ヴィレッジ|エステート|団地|住宅|ハイム|コープ|シティ|ホーム|"
    r"(?i:bldg|building|tower|heights|mansion|court|plaza|terrace|residences?|house|villa|hills|gardens?|place|"
    r"square|palace|maison|apartments?|apt|park|homes|village|hall|annex|flats?)"
)
_ROOM: Final = re.compile(
    r"(?:[0-9]{1,4}(?:号室|号|階|F|f)|[0-9]{1,2}(?:階|F)[0-9]{1,4}号室?|[0-9]{2,4}|[一二三四五六七八九〇十百]{1,4}(?:号室|号|階))"
)
_EN_WORD: Final = re.compile(r"[A-Z][A-Za-z'&.-]*")
_ROOM_SUFFIX: Final = re.compile(r"[0-9]{1,4}(?:号室|号|階|F|f)?$")
_AFTER_ROOM: Final = re.compile(r"[0-9階F室号](?=[ぁ-ん])")
_COMPANY: Final = re.compile(r"株式会社|有限会社|合同会社|\(株\)|\(有\)|様|御中|宛")

_PREF_EN: Final = "|".join(PREFECTURES_ROMAJI)
# Designated cities have wards, so "…, Wakabayashi-ku, Sendai" ends with the city, not a prefecture.
_CITIES_EN: Final = (
    "Sapporo|Sendai|Saitama|Chiba|Yokohama|Kawasaki|Sagamihara|Niigata|Shizuoka|Hamamatsu|Nagoya|Kyoto|"
    "Osaka|Sakai|Kobe|Okayama|Hiroshima|Kitakyushu|Fukuoka|Kumamoto"
)
_EN: Final = re.compile(
    r"(?<![A-Za-z0-9.-])(?:(?:Room|Rm\.?|Apt\.?|#) ?\d{1,4},? )?"
    r"(?:(?:[A-Z][A-Za-z.'&-]* ){1,4}(?:\d{1,3}F|\d{1,4}|#\d{1,4}), )?"
    r"\d{1,4}(?:-\d{1,4}){1,3},? [A-Z][A-Za-z-]*(?: [A-Z][A-Za-z-]*)?"
    r"(?:, [A-Z][A-Za-z-]*-(?:ku|shi|cho|machi|gun|mura|ward|city|Ku|Shi|Cho|Machi|Gun|City))*"
    rf"(?:, (?:{_CITIES_EN})(?:-shi| City)?(?![A-Za-z]))?"
    rf"(?:, (?:{_PREF_EN})(?:-(?:to|fu|ken))?)?"
)
_EN_HAS_AREA: Final = re.compile(rf"-(?:ku|shi|cho|machi|gun|mura|Ku|Shi|City)\b|,\s(?:{_PREF_EN})\b")


def _extend_building(norm: str, end: int, vertical: bool = False) -> int:
    """Extend an address end over building name and room tokens, stopping at anything else.

    A vertical address (parts on their own lines) may also put the building and the room on the
    next lines; each such line must then be a building or room token on its own.
    """
    if vertical:
        while end < len(norm) and norm[end] == "\n":
            nl = norm.find("\n", end + 1)
            line = norm[end + 1 : nl if nl >= 0 else len(norm)].strip(" ")
            if not line or not (_ROOM.fullmatch(line) or (_BUILDING_WORD.search(line) and len(line) <= 20)):
                break
            end = end + 1 + len(norm[end + 1 : nl if nl >= 0 else len(norm)].rstrip(" "))
        return end
    stop = _TAIL_STOP.search(norm, end, end + 40)
    tail_end = stop.start() if stop else min(len(norm), end + 40)
    pos = end
    while pos < tail_end:
        gap = 0
        while pos + gap < tail_end and norm[pos + gap] == " ":
            gap += 1
        if gap > 1:
            break
        tok_start = pos + gap
        tok_end = norm.find(" ", tok_start, tail_end)
        if tok_end < 0:
            tok_end = tail_end
        tok = norm[tok_start:tok_end]
        cut = _AFTER_ROOM.search(tok)
        if cut:  # "17階に移転": the address ends at the floor/room number
            tok, tok_end = tok[: cut.start() + 1], tok_start + cut.start() + 1
        if not tok or _COMPANY.search(tok):
            break
        if (
            _ROOM.fullmatch(tok)
            or _BUILDING_WORD.search(tok)
            or _NAMED_FLOOR.fullmatch(tok)
            or (_ROOM_SUFFIX.search(tok) and pos == end and gap == 0)
        ):
            pos = tok_end
            continue
        named = _english_building(norm, tok_start, tail_end)
        if named:  # "Shonan Terrace 201": capitalised words up to an English building word
            pos = named
            continue
        break
    return _next_line_building(norm, pos)


def _next_line_building(norm: str, end: int) -> int:
    """Forms split an address over two lines (住所1 / 住所2): 「…16番地の11\n高崎イーストタワー305号室」.

    Only a line that starts with a building (a building word or a named floor/room; no cell
    separator, label or company on it) is taken, up to where its building tokens end.
    """
    if not norm.startswith("\n", end):
        return end
    nl = norm.find("\n", end + 1)
    line = norm[end + 1 : nl if nl >= 0 else len(norm)].rstrip(" ")
    if not line or len(line) > 40 or _NOT_BUILDING_LINE.search(line):
        return end
    first = line.split(" ", 1)[0]
    if _COMPANY.search(first) or not (_BUILDING_WORD.search(first) or _NAMED_FLOOR.fullmatch(first)):
        return end
    # The building tokens may be followed by a recipient on the same line: 「リファーレ10階 久保田様」.
    return _extend_building(norm, end + 1, vertical=False)


def _english_building(norm: str, start: int, limit: int) -> int:
    """End of up to three capitalised words ending in an English building word (Dogo Residence)."""
    pos = start
    for _ in range(3):
        m = _EN_WORD.match(norm, pos, limit)
        if m is None:
            return 0
        if _BUILDING_WORD.fullmatch(m.group()):
            return m.end()
        if norm[m.end() : m.end() + 1] != " ":
            return 0
        pos = m.end() + 1
    return 0


class AddressRecognizer(Recognizer):
    """Japanese and romaji addresses; the block number is mandatory (a bare place name is not PII)."""

    label: ClassVar[str] = ADDRESS
    structured: ClassVar[bool] = False

    def find(self, raw: str, norm: str) -> list[Span]:
        out: list[Span] = []
        for m in _JA.finditer(norm):
            end = _extend_building(norm, m.end(), vertical="\n" in m.group())
            score = 0.9 if m.group("pref") else 0.75
            out.append(Span(ADDRESS, m.start(), end, score))
        if "字" in norm or "通" in norm:
            for m in _JA_BARE.finditer(norm):
                # scored below the full grammar, so a 番地 reading of the same text wins
                out.append(Span(ADDRESS, m.start(), m.end(), 0.85 if m.group("pref") else 0.7))
        if "-" in norm:
            for m in _EN.finditer(norm):
                if _EN_HAS_AREA.search(m.group()):
                    out.append(Span(ADDRESS, m.start(), m.end(), 0.85))
        return out + column_addresses(norm)
