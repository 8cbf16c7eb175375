"""Phone numbers whose only cue is their place: a phone column, a dialogue answer, beside a name.

Why: 「氏名,電話\n山田 太郎,0312345678」, 「オペレーター：お電話番号をお願いします\n客：0312345678です」
and 「担当 山田太郎（0312345678）」 hold an unseparated 10-digit number with no phone word before it.
The phone recognizer rejects such numbers on purpose (10-digit invoice and order numbers starting
with 03 are common), so they are accepted only where the layout says what they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Final

from tenbin.privacy import sudachi
from tenbin.privacy.columns import column_cells, column_spans
from tenbin.privacy.dialogue import answers
from tenbin.privacy.recognizers.base import ContextRecognizer
from tenbin.privacy.recognizers.phone_shape import is_phone_value, valid_phone
from tenbin.privacy.types import PERSON, PHONE, Span

_COLUMN: Final = re.compile(
    r"(?i)(?:ご|お)?(?:緊急|自宅|勤務先|会社|本人|保護者)?(?:連絡先?|電話|携帯|ケータイ|tel|phone|mobile|cell|fax|ファックス)"
    r"(?:電話)?(?:番号|no\.?|number)?[12]?"
)
_WORDS: Final = (
    "電話",
    "携帯",
    "ケータイ",
    "連絡先",
    "TEL",
    "Tel",
    "tel",
    "Phone",
    "phone",
    "PHONE",
    "Mobile",
    "mobile",
    "FAX",
    "Fax",
    "ファックス",
)
_IN_ANSWER: Final = re.compile(r"(?<![0-9])(?:\+81[- ]?|\(?0)[0-9()\- .]{8,16}[0-9](?![0-9])")
# Literal-first (the lookbehind after the 0), so re skips to each "0" instead of testing every position.
_PLAIN: Final = re.compile(r"0(?<![0-9A-Za-z\-+.]0)[0-9]{9,10}(?![0-9A-Za-z\-])")
# Between a name (or its honorific) and the number: a space, a cell delimiter, a colon, an
# opening parenthesis. Anything longer (「様の注文番号」) is another field.
_BESIDE: Final = re.compile(r"[ ]?(?:様|さん|さま|氏|殿)?[ \t]*[,、|:：/]?[ \t]*[(（]?[ ]?")
# An honorific after a name, but not after a role (お客様, 皆様, ご担当者様: 「お客様：0312345678です」
# is a customer reading out any number), and not a speaker colon.
_HONORIFIC_BEFORE: Final = re.compile(
    r"(?<!客)(?<!皆)(?<!各)(?<!者)(?<!員)(?:様|さん|さま|氏|殿)[ \t,、]{0,2}[(（]?[ ]?$"
)


def column_phones(norm: str) -> list[Span]:
    """Whole cells of a phone column that are one valid number, separated or not."""
    return column_spans(norm, _WORDS, _COLUMN, is_phone_value, PHONE, 0.93)


def dialogue_phones(norm: str) -> list[Span]:
    """The first valid number in the turn after 「お電話番号をお願いします」."""
    out: list[Span] = []
    for a in answers(norm, "phone"):
        for m in _IN_ANSWER.finditer(norm, a.start, a.end):
            s, value = m.start(), m.group()
            if value.startswith("(") and ")" not in value[:6]:
                s, value = s + 1, value[1:]
            value = value.rstrip(" .")
            if is_phone_value(value):
                out.append(Span(PHONE, s, s + len(value), 0.9))
                break
    return out


# A "姓 名"-shaped pair right before the parenthesis (「・水落 優（0112319900）」): the layout of a
# name with its number even when the tokenizer does not know the name (and in the structured tier).
# Only when the text has names (full tier, so the dictionary is loaded and deterministic per tier):
# neither part may be a common noun (「受注 明細（0312345678）」 is a line item).
_NAME_PAIR_PAREN: Final = re.compile(r"(?:^|[\s・、,:：/|])([一-龥々]{1,4}) ([一-龥々ぁ-ゖ]{1,4})(?:様|さん|氏)?[(（]$")


def _name_pair_before(norm: str, s: int) -> bool:
    m = _NAME_PAIR_PAREN.search(norm, max(0, s - 14), s)
    return m is not None and not (sudachi.is_common_word(m.group(1)) or sudachi.is_common_word(m.group(2)))


# A call word right after the number: 「0112319900 折り返し待ち」「0312345678に電話」「…へ架電」.
_CALL_AFTER: Final = re.compile(r"[ 　]?(?:まで|に|へ|から)?(?:お?電話|折り?返し|折返|架電|かけ|ご?連絡ください)")


# A column whose header names an ID or an amount (注文番号, 伝票No, 金額, 社員ID): its cells are not
# phones, whatever stands beside them.
_ID_COLUMN: Final = re.compile(r"(?i).*(?:番号|No\.?|ID|コード|金額|価格|数量|伝票|注文)")
_ID_WORDS: Final = ("番号", "No", "NO", "no", "ID", "Id", "コード", "金額", "価格", "数量", "伝票", "注文")


def _id_cells(norm: str) -> set[int]:
    return {c.start for c in column_cells(norm, _ID_WORDS, lambda h: _ID_COLUMN.fullmatch(h) is not None)}


class PhoneBesideNameRecognizer(ContextRecognizer):
    """An unseparated 10/11-digit number with a valid prefix right after a name or an honorific
    (「山田太郎 0312345678」「田中様（0312345678）」), or right before a call word (「0312345678
    折り返し待ち」); elsewhere such a number may be an order number."""

    label: ClassVar[str] = PHONE

    def find_with(self, raw: str, norm: str, found: Sequence[Span]) -> list[Span]:
        out: list[Span] = []
        matches = list(_PLAIN.finditer(norm))
        if not matches:
            return out
        ends = [sp.end for sp in found if sp.label == PERSON]
        # A number another recognizer already took needs no second span (and the registry's
        # overlap resolution stays on its fast path).
        taken = {sp.start for sp in found if sp.label == PHONE} | _id_cells(norm)
        for m in matches:
            s = m.start()
            if s in taken or not valid_phone(m.group(), False):
                continue
            beside = (
                any(s - 16 <= e <= s and _BESIDE.fullmatch(norm, e, s) is not None for e in ends)
                or _HONORIFIC_BEFORE.search(norm[max(0, s - 8) : s]) is not None
                or _CALL_AFTER.match(norm, m.end()) is not None
                or (bool(ends) and _name_pair_before(norm, s))
            )
            if beside:
                out.append(Span(PHONE, s, m.end(), 0.85))
        return out
