"""Names in the name column of a pasted table (TSV, CSV, Markdown ｜ cells).

Why: in 「郵便番号⇥住所⇥氏名⇥連名」 or 「| 氏名（漢字） | フリガナ |」 the header is the only cue for
every row below it; a given name alone in a 連名 cell (詩織) or a katakana reading carries no
honorific and no label of its own. Only lines holding a name header are read as headers, a column
is followed down while rows keep the delimiter, and each cell must be name-shaped as a whole.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy import sudachi
from tenbin.privacy.types import PERSON, Span

_HEADER_WORDS: Final = ("氏名", "名前", "連名", "宛名", "フリガナ", "ふりがな", "カナ", "Name", "NAME", "name")
_HEADER: Final = re.compile(
    r"(?:お|ご)?(?:氏名|名前|連名|宛名|宛名氏名|受取人|保護者|担当者)(?:[(（][^)）]{1,8}[)）])?"
    r"|(?:氏名)?(?:フリガナ|ふりがな|カナ|カナ氏名|氏名カナ)(?:[(（][^)）]{1,8}[)）])?"
    r"|(?i:full name|name)"
)
_KANA_HEADER: Final = re.compile(r".*(?:フリガナ|ふりがな|カナ).*")
_DELIMS: Final = ("\t", "|", ",")
_RULE_ROW: Final = re.compile(r"[\s|:\-]+")
_PAD: Final = " \t\"'"
_KANJI_NAME: Final = re.compile(r"[一-龥々ヶぁ-んァ-ヴー]{1,6}(?: [一-龥々ヶぁ-んァ-ヴー]{1,6})?")
_KANA_NAME: Final = re.compile(r"[ァ-ヴー]{1,10}(?: [ァ-ヴー]{1,10})?|[ぁ-んー]{1,10}(?: [ぁ-んー]{1,10})?")
_ROMAJI_NAME: Final = re.compile(r"[A-Z][a-zA-Z'-]{1,15}(?:,? [A-Z][a-zA-Z'-]{1,15})?")
_HONORIFIC_TAIL: Final = re.compile(r"[ ]?(?:様|さま|さん|殿|御中)$")
# Cells that fill a name column without being a name.
_NOT_NAME: Final = frozenset(
    ("なし", "無し", "不明", "未定", "同上", "未記入", "空欄", "該当なし", "本人", "ー", "ーー")
)


_UNIT_END: Final = frozenset("部課室係班店社局")


def _name_shaped(value: str, kana: bool) -> bool:
    if value in _NOT_NAME:
        return False
    if " " not in value and sudachi.is_common_word(value):
        return False  # 合計, メモ: a total row or a note, not a name (森 and 林 are names too)
    if len(value) >= 3 and value[-1] in _UNIT_END and sudachi.is_common_word(value[:-1]):
        return False  # 営業部, 総務課: an organisation unit in the name column (曽我部 is a name)
    if kana:
        return _KANA_NAME.fullmatch(value) is not None
    return _KANJI_NAME.fullmatch(value) is not None or _ROMAJI_NAME.fullmatch(value) is not None


def _header_row(cells: list[str], head: int, stop: int, found: list[Span]) -> bool:
    """A header row holds labels only. A key-value sheet (｜氏名｜檜垣 結衣｜フリガナ｜…) puts the
    value beside its label: a cell with digits or an inner space, or a name already found on the
    line, says the row is data, and its "column" below is other labels."""
    if any(head <= f.start < stop for f in found):
        return False
    return not any(any(ch.isdigit() for ch in c) or (" " in c and not c.isascii()) for c in cells)


def table_names(norm: str, found: list[Span]) -> list[Span]:
    """PERSON spans for whole cells under a name header; cheap when no header word is present."""
    heads: set[int] = set()
    for word in _HEADER_WORDS:
        pos = norm.find(word)
        while pos >= 0:
            heads.add(norm.rfind("\n", 0, pos) + 1)
            pos = norm.find(word, pos + 1)
    out: list[Span] = []
    for head in sorted(heads):
        stop = norm.find("\n", head)
        if stop < 0:
            continue
        line = norm[head:stop]
        for d in _DELIMS:
            if d not in line:
                continue
            cells = [c.strip(_PAD) for c in line.split(d)]
            cols = {k: bool(_KANA_HEADER.fullmatch(c)) for k, c in enumerate(cells) if _HEADER.fullmatch(c)}
            if not cols or not _header_row(cells, head, stop, found):
                continue
            row_start = stop + 1
            rule_end = norm.find("\n", row_start)
            if rule_end > row_start and _RULE_ROW.fullmatch(norm, row_start, rule_end):
                row_start = rule_end + 1
            while row_start < len(norm):
                row_end = norm.find("\n", row_start)
                row_end = row_end if row_end >= 0 else len(norm)
                row = norm[row_start:row_end]
                if d not in row:
                    break
                cell_start = row_start
                for k, cell in enumerate(row.split(d)):
                    if k in cols:
                        value = _HONORIFIC_TAIL.sub("", cell.strip(_PAD))
                        if _name_shaped(value, cols[k]):
                            s = cell_start + len(cell) - len(cell.lstrip(_PAD))
                            out.append(Span(PERSON, s, s + len(value), 0.88))
                    cell_start += len(cell) + 1
                row_start = row_end + 1
            break
    return out
