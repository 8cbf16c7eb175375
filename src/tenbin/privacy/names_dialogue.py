"""A name given as the answer to 「お名前をお願いします」 in a dialogue or transcript.

Why: the answer turn (「はい、やまだ はなこです」) has no label and often no honorific; the question
on the turn before is its cue (:mod:`tenbin.privacy.dialogue`). Fillers before the name and a
closing です/と申します after it are cut off; the rest must be name-shaped as a whole, exactly as a
cell of a name column.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.dialogue import answers
from tenbin.privacy.names_table import name_shaped
from tenbin.privacy.types import PERSON, Span

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
