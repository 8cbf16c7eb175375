"""Birth dates in every common Japanese/English form, only when stated as a birth date."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.columns import column_spans
from tenbin.privacy.dialogue import answers
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import BIRTH_DATE, Span

_KNUM: Final = r"[0-9]{1,2}|[〇一二三四五六七八九十]{1,3}"
_MONTHS: Final = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE: Final = re.compile(
    "|".join(
        (
            r"(?:19|20)\d{2}\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日",
            r"(?<![0-9])(?:19|20)\d{2}([/\-.])\d{1,2}\1\d{1,2}(?![0-9])",
            # 昭和63年(1988年)11月15日: forms often add the western year in parentheses.
            rf"(?:明治|大正|昭和|平成|令和)\s?(?:元|{_KNUM})\s?年(?:\s?\((?:18|19|20)\d{{2}}\s?年?\))?"
            rf"\s?(?:{_KNUM})\s?月\s?(?:{_KNUM})\s?日",
            r"(?<![A-Za-z0-9])[MTSHR]\s?\d{1,2}[./\-]\d{1,2}[./\-]\d{1,2}(?![0-9])",
            rf"(?<![0-9])\d{{1,2}}(?:st|nd|rd|th)?\s{_MONTHS}\.?,?\s(?:19|20)\d{{2}}",
            rf"{_MONTHS}\.?\s\d{{1,2}}(?:st|nd|rd|th)?,?\s(?:19|20)\d{{2}}",
            r"(?<![0-9])\d{1,2}/\d{1,2}/(?:19|20)\d{2}(?![0-9])",
        )
    )
)
_BIRTH_BEFORE: Final = re.compile(r"(?i)生年月日|誕生日|生まれ|出生|born|birth|d\.?o\.?b\.?|生年")
_BIRTH_AFTER: Final = re.compile(r"^\s*(?:生|\(生\)|（生）|誕生|[(（]?\s*満?\s*\d{1,3}\s*歳)")
# Every accepted date has one of these within reach; found with str.find, not a regex scan.
_CUES: Final = ("生", "誕", "歳", "Born", "born", "BORN", "Birth", "birth", "BIRTH", "DOB", "D.O.B", "Dob", "dob")
_OTHER_LABEL: Final = re.compile(r"[:：]\s*\S+\s+\S+[:：]|日\s*[:：]")


_COLUMN_CUE: Final = re.compile(r"(?i)生年月日|誕生日|birth\s?date|date of birth|dob|d\.o\.b\.?")
_COLUMN_WORDS: Final = ("生年月日", "誕生日", "birth", "Birth", "BIRTH", "DOB", "dob", "Dob", "D.O.B", "d.o.b")


def _column_dates(norm: str) -> list[Span]:
    """Dates in the birth-date column of a pasted table (「氏名,電話,住所,生年月日」): the header is
    the only cue for the rows below it, so each cell must be a whole date."""
    return column_spans(norm, _COLUMN_WORDS, _COLUMN_CUE, lambda v: _DATE.fullmatch(v) is not None, BIRTH_DATE, 0.9)


def _answer_dates(norm: str) -> list[Span]:
    """The first date in the turn answering 「生年月日をお願いします」 (「昭和58年4月1日です」)."""
    out: list[Span] = []
    for a in answers(norm, "birth"):
        m = _DATE.search(norm, a.start, a.end)
        if m:
            out.append(Span(BIRTH_DATE, m.start(), m.end(), 0.9))
    return out


def _sei_is_cue(norm: str, pos: int) -> bool:
    """生 is everywhere (発生, 学生, 生産); it can only be a birth cue as 生年(月日), 生まれ, 出生,
    or right after a date (…日生, S58.4.1生, …日（生）)."""
    if norm.startswith(("年", "まれ"), pos + 1):
        return True
    k = pos - 1
    while k >= 0 and norm[k] in " (（":
        k -= 1
    return k >= 0 and (norm[k] in "日出" or "0" <= norm[k] <= "9")


class BirthDateRecognizer(Recognizer):
    """Business text is full of dates (起案日, 有効期限); only a birth cue makes one personal.

    The cue must sit right before the date (``生年月日：``, ``born on``) with no other field label
    in between, or right after it (``…生``, ``…生まれ``, ``（満42歳）``).
    """

    label: ClassVar[str] = BIRTH_DATE

    def _accept(self, norm: str, s: int, e: int) -> bool:
        if _BIRTH_AFTER.match(context.after(norm, e, 8)):
            return True
        pre = context.before(norm, s, 30)
        cues = list(_BIRTH_BEFORE.finditer(pre))
        if not cues:
            return False
        gap = pre[cues[-1].end() :]
        return len(gap) <= 12 and not _OTHER_LABEL.search(gap) and not _DATE.search(gap)

    def find(self, raw: str, norm: str) -> list[Span]:
        # Every accepted date needs a cue, so the date grammar only runs in windows around cues
        # (up to 45 chars after a label, 40 before a trailing 生/歳): O(cues) instead of O(text).
        windows: list[tuple[int, int]] = []
        size = len(norm)
        for cue in _CUES:
            pos = norm.find(cue)
            while pos >= 0:
                if cue != "生" or _sei_is_cue(norm, pos):
                    windows.append((max(0, pos - 40), min(size, pos + len(cue) + 45)))
                pos = norm.find(cue, pos + 1)
        if not windows:
            return []
        table = _column_dates(norm) + _answer_dates(norm)
        merged: list[tuple[int, int]] = []
        for lo, hi in sorted(windows):
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        out: list[Span] = []
        for lo, hi in merged:
            for m in _DATE.finditer(norm, lo, hi):
                if self._accept(norm, m.start(), m.end()):
                    out.append(Span(BIRTH_DATE, m.start(), m.end(), 0.95))
        return out + table
