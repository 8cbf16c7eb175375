"""Names whose layout is their cue: the name column of a pasted table (TSV, CSV, Markdown ｜
cells, space-aligned), and the answer to 「お名前をお願いします」 in a dialogue.

Why: in 「郵便番号⇥住所⇥氏名⇥連名」 or 「| 氏名（漢字） | フリガナ |」 the header is the only cue for
every row below it; a given name alone in a 連名 cell (詩織) or a katakana reading carries no
honorific and no label of its own. The table layout is read by :mod:`tenbin.privacy.columns`; each cell must be
name-shaped as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy import sudachi
from tenbin.privacy.columns import column_cells
from tenbin.privacy.dialogue import answers
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

_HEADER_WORDS: Final = ("氏名", "名前", "連名", "宛名", "フリガナ", "ふりがな", "カナ", "Name", "NAME", "name")
_HEADER: Final = re.compile(
    r"(?:お|ご)?(?:氏名|名前|連名|宛名|宛名氏名|受取人|保護者|担当者)(?:[(（][^)）]{1,8}[)）])?"
    r"|(?:氏名)?(?:フリガナ|ふりがな|カナ|カナ氏名|氏名カナ)(?:[(（][^)）]{1,8}[)）])?"
    r"|(?i:full name|name)"
)
_KANA_HEADER: Final = re.compile(r".*(?:フリガナ|ふりがな|カナ).*")
_KANJI_NAME: Final = re.compile(r"[一-龥々ヶぁ-んァ-ヴー]{1,6}(?: [一-龥々ヶぁ-んァ-ヴー]{1,6})?")
_KANA_NAME: Final = re.compile(r"[ァ-ヴー]{1,10}(?: [ァ-ヴー]{1,10})?|[ぁ-んー]{1,10}(?: [ぁ-んー]{1,10})?")
_ROMAJI_NAME: Final = re.compile(r"[A-Z][a-zA-Z'-]{1,15}(?:,? [A-Z][a-zA-Z'-]{1,15})?")
_HONORIFIC_TAIL: Final = re.compile(r"[ ]?(?:様|さま|さん|殿|御中)$")
# Cells that fill a name column without being a name.
_NOT_NAME: Final = frozenset(
    ("なし", "無し", "不明", "未定", "同上", "未記入", "空欄", "該当なし", "本人", "ー", "ーー")
)


_UNIT_END: Final = frozenset("部課室係班店社局")


def name_shaped(value: str, kana: bool) -> bool:
    if value in _NOT_NAME:
        return False
    if " " not in value and sudachi.is_common_word(value):
        return False  # 合計, メモ: a total row or a note, not a name (森 and 林 are names too)
    if len(value) >= 3 and value[-1] in _UNIT_END and sudachi.is_common_word(value[:-1]):
        return False  # 営業部, 総務課: an organisation unit in the name column (曽我部 is a name)
    if kana:
        return _KANA_NAME.fullmatch(value) is not None
    return _KANJI_NAME.fullmatch(value) is not None or _ROMAJI_NAME.fullmatch(value) is not None


def _header_row(cells: list[str], head: int, stop: int, found: Sequence[Span]) -> bool:
    """A header row holds labels only. A key-value sheet (｜氏名｜檜垣 結衣｜フリガナ｜…) puts the
    value beside its label: a cell with digits or an inner space, or a name already found on the
    line, says the row is data, and its "column" below is other labels."""
    if any(head <= f.start < stop for f in found):
        return False
    return not any(any(ch.isdigit() for ch in c) or (" " in c and not c.isascii()) for c in cells)


def table_names(norm: str, found: Sequence[Span]) -> list[Span]:
    """PERSON spans for whole cells under a name header; cheap when no header word is present."""
    out: list[Span] = []
    cells = column_cells(
        norm,
        _HEADER_WORDS,
        lambda c: _HEADER.fullmatch(c) is not None,
        lambda names, head, stop: _header_row(names, head, stop, found),
    )
    for cell in cells:
        value = _HONORIFIC_TAIL.sub("", cell.value)
        if name_shaped(value, _KANA_HEADER.fullmatch(cell.column) is not None):
            out.append(Span(PERSON, cell.start, cell.start + len(value), 0.88))
    return out


# The answer turn after 「お名前をお願いします」 (:mod:`tenbin.privacy.dialogue`) is a cell of the same
# kind: no label, often no honorific; fillers before it and です/と申します after it are cut off.
_LEAD: Final = re.compile(r"(?:(?:はい|ええ|えー|えっと|あ|あの)[、,。 ]*)*")
_TAIL: Final = re.compile(r"(?:です|と申します|と言います|でございます|といいます)?[。.!！ ]*$")


def answer_names(norm: str) -> list[Span]:
    """PERSON spans for whole names answering a name question."""
    out: list[Span] = []
    for a in answers(norm, "name"):
        lead = _LEAD.match(norm, a.start, a.end)
        start = lead.end() if lead else a.start
        tail = _TAIL.search(norm, start, a.end)
        end = tail.start() if tail else a.end
        value = norm[start:end]
        kana = all("ぁ" <= ch <= "ヶ" or ch in "ー " for ch in value)
        if value and name_shaped(value, kana):
            out.append(Span(PERSON, start, end, 0.8))
    return out


class TableNames(NameStep):
    """Whole cells of a name column in a pasted table."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return table_names(text.norm, found)


class AnswerNames(NameStep):
    """The answer to a name question in a dialogue."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return answer_names(text.norm)
