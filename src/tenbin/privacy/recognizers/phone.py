"""Japanese phone numbers: fixed, mobile (070/080/090), IP (050), toll-free (0120/0800), +81."""

from __future__ import annotations

import re
from typing import ClassVar, Final

from tenbin.privacy import context
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.recognizers.phone_cues import column_phones, dialogue_phones
from tenbin.privacy.recognizers.phone_shape import FREE_DIAL as _FREE_DIAL
from tenbin.privacy.recognizers.phone_shape import valid_phone
from tenbin.privacy.types import PHONE, Span

# Candidates start with 0 or +81 (every Japanese number does), which skips most digit runs.
# Possessive quantifiers (3.11+) keep a long digit run from being re-split on failure.
_CAND: Final = re.compile(
    r"[+(0](?<![0-9A-Za-z\-+/@_][+(0])(?<![0-9]\.[+(0])"
    r"(?:(?<=\+)81[- ]?(?:\(0\)[- ]?)?\(?\d++\)?|(?<=\()0\d*+\)?|(?<=0)\d*+\)?)"
    r"(?:(?: ?- ?| |\.)?\(?\d++\)?){0,4}+"
)
_CHUNK: Final = re.compile(r"\d+")
# Spoken/transcribed form: 「090の5091の2083」. The digit runs are short, so this has its own scan,
# gated on the text containing "の" between digits at all.
_SPOKEN: Final = re.compile(r"(?<![0-9])0\d{1,4}の\d{1,4}の\d{4}(?![0-9])")
_SPOKEN_GATE: Final = re.compile(r"\dの\d")
# Vertical forms and 連帯保証人 sheets write numbers in kanji: 「〇九〇-一二三四-五六七八」. Every
# Japanese number starts with 0, so 〇 gates the scan; ー and の also separate the groups.
_K: Final = "[〇一二三四五六七八九]"
_KANJI: Final = re.compile(rf"(?<!{_K})〇{_K}{{1,4}}([-ーの・ ]?){_K}{{1,4}}\1{_K}{{3,4}}(?!{_K})")
_KANJI_DIGITS: Final = str.maketrans("〇一二三四五六七八九", "0123456789")
# OCR of a PDF invoice puts a space between every digit: 「0 3-6 2 0 5-4 4 1 8」. Three spaced
# single digits in a row gate the scan; the collapsed number must then pass the normal shape rules.
_OCR: Final = re.compile(r"(?<![0-9])0(?: ?[0-9]| ?- ?){9,16}(?<=[0-9])(?![0-9])")
_OCR_GATE: Final = re.compile(r"[0-9] [0-9] [0-9]")
_OCR_SHAPE: Final = re.compile(r"0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}")
_POSITIVE: Final = re.compile(
    r"(?i)tel|phone|mobile|cell|fax|電話|携帯|ケータイ|連絡|直通|代表|ファックス|折り返|折返|☎|℡|ダイヤル|コール|"
    r"かけ|架電|着信"
)
_NEGATIVE: Final = re.compile(
    r"(?i)請求|注文|伝票|管理|会員|契約|口座|品番|型番|受付|追跡|シリアル|ロット|製造|JAN|No\.|ID|コード|予約|"
    r"発注|案件|チケット|番号"
)
# An ID word inside an organisation unit's name (債権管理課, 契約部, 受付センター) says nothing about
# the number after it: that is a department's phone line, not a 管理番号.
_ORG_UNIT: Final = re.compile(r"(?:課|部|室|係|局|センター|窓口|チーム|グループ|担当)")
_NUMBER_LABEL: Final = re.compile(r"(?i)(?:番号|No\.?|ID|コード)\s*[:：#]?\s*$")


# What may stand between an ID word and its number: 「受付番号：」「注文書No.」「会員ID #」.
_LABEL_FILLER: Final = re.compile(r"番号|No\.?|NO\.?|ID|コード|[書票者先用元]|[\s:：#=()（）\[\]【】「」-]")


_PHONE_LABEL_END: Final = re.compile(r"(?i)(?:電話|携帯|fax|ファックス|連絡先|tel)\s*$")


def _id_context(pre: str) -> bool:
    """An ID/number label precedes the candidate, unless that word names an organisation unit or
    is followed by other prose (「受付メモ（お客様窓口 0120-…」 is a memo, not a 受付番号)."""
    for m in _NEGATIVE.finditer(pre):
        if m.group() == "番号" and _PHONE_LABEL_END.search(pre, 0, m.start()):
            continue  # 電話番号, FAX番号, 連絡先番号: a phone label, not an ID label
        tail = pre[m.end() :]
        unit = _ORG_UNIT.match(tail) or (tail[:1] and _ORG_UNIT.match(tail[1:]))
        if not unit and len(_LABEL_FILLER.sub("", tail)) <= 3:
            return True
    return False


class PhoneRecognizer(DigitRecognizer):
    """Phone numbers; an unseparated 10-digit number needs a phone word nearby.

    Why: 10-digit invoice/order numbers that start with 03 are common in business text, while a
    hyphenated or parenthesised number, or an 11-digit 0X0 mobile, is a phone almost always.
    """

    label: ClassVar[str] = PHONE
    min_run: ClassVar[int] = 10
    min_digits: ClassVar[int] = 9  # +81 and 9 national digits

    def _kanji(self, norm: str) -> list[Span]:
        """Numbers in kanji digits; unseparated ones need a phone word before them."""
        out: list[Span] = []
        for m in _KANJI.finditer(norm):
            groups = re.split(r"[-ーの・ ]", m.group())
            digits = "".join(groups).translate(_KANJI_DIGITS)
            tail = groups[-1]
            if not valid_phone(digits, False) or (m.group(1) and len(tail) != 4 and not digits.startswith(_FREE_DIAL)):
                continue
            pre = context.before(norm, m.start(), 16)
            positive = context.has(_POSITIVE, pre)
            if (positive or m.group(1)) and not (_id_context(pre) and not positive):
                out.append(Span(PHONE, m.start(), m.end(), 0.85))
        return out

    def find_global(self, raw: str, norm: str) -> list[Span]:
        out = self._kanji(norm) if "〇" in norm else []
        out += column_phones(norm) + dialogue_phones(norm)
        if _SPOKEN_GATE.search(norm) is None:
            return out
        for m in _SPOKEN.finditer(norm):
            digits = m.group().replace("の", "")
            pre = context.before(norm, m.start(), 16)
            if valid_phone(digits, False) and (context.has(_POSITIVE, pre) or not _id_context(pre)):
                out.append(Span(PHONE, m.start(), m.end(), 0.8))
        return out

    def _ocr_spaced(self, norm: str, lo: int, hi: int) -> list[Span]:
        """Numbers with OCR spaces between digits; only with a phone word before them."""
        out: list[Span] = []
        for m in _OCR.finditer(norm, lo, hi):
            text = m.group()
            compact = text.replace(" ", "")
            if text.count(" ") < 3 or not _OCR_SHAPE.fullmatch(compact):
                continue
            digits = compact.replace("-", "")
            last = compact.rsplit("-", 1)[1]
            if not valid_phone(digits, False) or (len(last) == 3 and not digits.startswith(("0120", "0570"))):
                continue
            if context.has(_POSITIVE, context.before(norm, m.start(), 16)):
                out.append(Span(PHONE, m.start(), m.end(), 0.8))
        return out

    def find_in(self, raw: str, norm: str, lo: int, hi: int) -> list[Span]:
        # The prescan digit run includes spaces, so an OCR-spaced number arrives as one window.
        out: list[Span] = self._ocr_spaced(norm, lo, hi) if _OCR_GATE.search(norm, lo, hi) else []
        for m in _CAND.finditer(norm, lo, hi):
            s = m.start()
            text = m.group()
            if len(text) - sum(text.count(c) for c in "- ().") < 10:
                continue  # fewer than 10 digits (the "+" of +81 counts as one: +81 + 9 digits)
            chunks = list(_CHUNK.finditer(text))
            intl = text.startswith("+")
            # Try the whole candidate, then drop trailing chunks (a phone followed by "2件").
            for k in range(len(chunks), 0, -1):
                last = chunks[k - 1]
                digits = "".join(c.group() for c in chunks[:k])
                if not valid_phone(digits, intl):
                    continue
                end_in = last.end()
                span_text = text[:end_in]
                s_adj = s
                if span_text.startswith("("):
                    close = span_text.find(")")
                    # "(03)1234-5678" keeps its area-code parens; "（090-…）" is prose punctuation.
                    if close < 0 or close != chunks[0].end():
                        s_adj, span_text = s + 1, span_text[1:]
                separated = k > 1 or intl
                # Subscriber numbers end in 4 digits; only 0120/0570 use 3-3 (0120-123-456).
                if (
                    separated
                    and len(last.group()) != 4
                    and not (len(last.group()) == 3 and digits.startswith(("0120", "0570")))
                ):
                    continue
                pre = context.before(norm, s_adj, 16)
                positive = context.has(_POSITIVE, pre)
                negative = _id_context(pre)
                plain_mobile = not separated and len(digits) == 11
                # A hyphenated free-dial number after a bare desk word is a phone line
                # (「再配達受付：0120-33-4811」); after an explicit 番号/No. label it stays an ID.
                if negative and separated and digits.startswith(_FREE_DIAL) and not _NUMBER_LABEL.search(pre):
                    negative = False
                if separated or intl or plain_mobile:
                    if negative and not positive:
                        break
                    score = 0.95 if positive else 0.8
                elif positive and not negative:
                    score = 0.85
                else:
                    break
                out.append(Span(PHONE, s_adj, s_adj + len(span_text), score))
                break
        return out
