"""PERSON detection: a pipeline of small name steps, then a common-word filter.

Why a hybrid of dictionary and cues: SudachiPy knows tens of thousands of surnames and given names
(and their katakana readings), which no hand list matches; but it also tags place names (上野) and
company words, and it cannot tell a famous figure from a customer. Cues decide those cases:
honorifics and titles after a name (様, さん, 部長 — excluded from the span), form labels before it
(担当：, 起票者：, フリガナ), and the shape of romaji/katakana names.

The steps, in order (each sees what the ones before it found):

1. :class:`~kanji.TokenNames` — kanji names from the Sudachi tokens (seed → given name → vetoes →
   score), or :class:`~fallback.RuleNames` without the dictionary;
2. :class:`~katakana.KatakanaNames`, :class:`~katakana.DottedNames`, :class:`~hiragana.HiraganaNames`,
   :class:`~romaji.RomajiNames` — names in the other scripts;
3. :class:`~table.TableNames`, :class:`~table.AnswerNames` — names whose layout is the cue (a name
   column, the answer to お名前を…);
4. :class:`~layout.LayoutNames`, :class:`~speakers.SpeakerNames`, :class:`~spread.Spread` — names
   next to, or equal to, names already found (readings, fellow speakers, re-mentions);

and finally :func:`~stop.drop_common_words` removes any span that is (a piece of) a common word.
"""

from __future__ import annotations

from typing import ClassVar, Final

from tenbin.privacy.names.fallback import RuleNames
from tenbin.privacy.names.hiragana import HiraganaNames
from tenbin.privacy.names.kanji import TokenNames
from tenbin.privacy.names.katakana import DottedNames, KatakanaNames
from tenbin.privacy.names.layout import LayoutNames
from tenbin.privacy.names.romaji import RomajiNames
from tenbin.privacy.names.speakers import SpeakerNames
from tenbin.privacy.names.spread import Spread
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.stop import drop_common_words
from tenbin.privacy.names.table import AnswerNames, TableNames
from tenbin.privacy.names.text import NameText
from tenbin.privacy.recognizers.base import Recognizer
from tenbin.privacy.types import PERSON, Span

STEPS: Final[tuple[NameStep, ...]] = (
    TokenNames(),
    RuleNames(),
    KatakanaNames(),
    DottedNames(),
    HiraganaNames(),
    RomajiNames(),
    TableNames(),
    AnswerNames(),
    LayoutNames(),
    SpeakerNames(),
    Spread(),
)


class PersonRecognizer(Recognizer):
    """Personal names in kanji, kana and romaji; honorifics and titles stay outside the span."""

    label: ClassVar[str] = PERSON
    structured: ClassVar[bool] = False

    def __init__(self, use_sudachi: bool = True, steps: tuple[NameStep, ...] = STEPS) -> None:
        self._use_sudachi = use_sudachi
        self._steps = steps

    def find(self, raw: str, norm: str) -> list[Span]:
        text = NameText.of(norm, self._use_sudachi)
        out: list[Span] = []
        for step in self._steps:
            if step.applies(text):
                out.extend(step.find(text, out))
        return drop_common_words(norm, text.toks, out)
