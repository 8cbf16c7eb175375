"""Answers in dialogues and transcripts: a question cue on one turn marks the value on the next.

Why: an operator asks 「生年月日をお願いします」 and the customer answers 「昭和58年4月1日です」 on
the next line; the answer carries no 生年月日 label of its own. A line holding a question cue
(生年月日を…, お電話番号を…, マイナンバーを…) marks the next non-empty line, the next speaker
turn, with its speaker prefix (`客：`, `[10:03] 佐藤:`, `A:`) skipped. Each recognizer then looks
for its own shape inside that answer only.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

# The asked-for item, then a request/question particle right after it.
_ASK_TAIL: Final = r"\s*(?:を|は|も|の方|について|と|、)"
_KINDS: Final = {
    "birth": re.compile(rf"(?:生年月日|お?誕生日|生まれ(?:た日)?){_ASK_TAIL}"),
    "phone": re.compile(rf"(?:お?電話番号|お?電話|ご?連絡先|携帯(?:番号)?|TEL|tel){_ASK_TAIL}"),
    "my_number": re.compile(rf"(?:個人番号|マイナンバー){_ASK_TAIL}"),
    "address": re.compile(rf"(?:ご?住所|お住まい){_ASK_TAIL}"),
    "name": re.compile(rf"(?:お名前|ご?氏名){_ASK_TAIL}"),
}
# Literal gates per kind: a text without them never runs the regexes.
_GATES: Final = {
    "birth": ("生年月日", "誕生日", "生まれ"),
    "phone": ("電話", "連絡先", "携帯", "TEL", "tel"),
    "my_number": ("個人番号", "マイナンバー"),
    "address": ("住所", "お住まい"),
    "name": ("名前", "氏名"),
}
# The cue line must ask: 「…をお願いします」「…を教えていただけますか」「…は？」.
_REQUEST: Final = re.compile(
    r"[?？]|ください|下さい|お願い|願えます|いただけ|頂け|伺|教えて|ですか|ますか|でしょうか|お聞かせ|どうぞ"
)
_SPEAKER: Final = re.compile(r"\s*(?:\[[^\]\n]{1,12}\]\s*)?(?:[^\s:：「」]{1,12}\s*[:：]|[「『])?\s*")


class Answer(NamedTuple):
    """The answer turn after a question: offsets of the text after the speaker prefix."""

    start: int
    end: int


def _asks(ask: re.Pattern[str], norm: str, head: int, stop: int) -> bool:
    """The line asks for the item itself: a cue, then a request with no other object between
    (「生年月日を確認できる書類をお願いします」 asks for a document, not for the date)."""
    for m in ask.finditer(norm, head, stop):
        req = _REQUEST.search(norm, m.end() - 1, stop)
        if req is not None and "を" not in norm[m.end() : req.start()]:
            return True
    return False


def answers(norm: str, kind: str) -> list[Answer]:
    """Answer turns that follow a line asking for ``kind`` (birth, phone, my_number, address, name)."""
    out: list[Answer] = []
    if "\n" not in norm:
        return out  # one line: no next turn
    ask = _KINDS[kind]
    seen: set[int] = set()
    for word in _GATES[kind]:
        pos = norm.find(word)
        while pos >= 0:
            head = norm.rfind("\n", 0, pos) + 1
            stop = norm.find("\n", pos)
            if head not in seen and stop >= 0 and _asks(ask, norm, head, stop):
                seen.add(head)
                nxt = stop + 1
                while nxt < len(norm) and norm[nxt] == "\n":
                    nxt += 1
                end = norm.find("\n", nxt)
                end = end if end >= 0 else len(norm)
                m = _SPEAKER.match(norm, nxt, end)
                start = m.end() if m else nxt
                if start < end:
                    out.append(Answer(start, end))
            pos = norm.find(word, pos + 1)
    return out
