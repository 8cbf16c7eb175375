"""Speaker names at the head of transcript and chat lines (「諏訪：はーい」「[10:03] ヘルプデスク 岩瀬: …」).

Why: a place-name surname (諏訪, 岩瀬) alone needs a strong cue, and a colon after a line-initial
word is not one by itself (「札幌：120件」 is a tally). In a transcript, though, the other speakers
are already known people; when at least one other line is spoken by a found PERSON, the remaining
speakers that the dictionary knows as proper nouns are people too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from tenbin.privacy import sudachi
from tenbin.privacy.lexicon import PREFECTURE_RE
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

# Optional [time] stamp, optional role word ("ヘルプデスク"), then a 1–4 kanji speaker and a colon.
_SPEAKER: Final = re.compile(
    r"^(?:\[[0-9:]{3,8}\][ ]?|[0-9]{1,2}:[0-9]{2}[ ]+)?(?:[^\s:\[\]]{1,10}[ ])?"
    r"(?P<name>[一-龥々]{1,4})[ ]?[:：](?![ ]?[0-9])",
    re.MULTILINE,
)


_PREFECTURE: Final = re.compile(PREFECTURE_RE)


def _proper_noun(word: str) -> bool:
    if any(_PREFECTURE.fullmatch(word + s) for s in ("", "都", "府", "県")):
        return False  # 「大阪：晴れ」 is a report by place, whoever else speaks
    toks = sudachi.tokenize(word)
    return toks is not None and len(toks) == 1 and toks[0].pos[1] == "固有名詞"


def speaker_names(norm: str, found: Sequence[Span]) -> list[Span]:
    """PERSON spans for unfound line-initial speakers, when another line's speaker is a found name."""
    if ":" not in norm:
        return []
    known, unknown = _speakers(norm, found)
    if not known or not unknown or not _confirmed(norm, found, known + unknown):
        return []
    known_words = {norm[s:e] for s, e in known}
    return [Span(PERSON, s, e, 0.75) for s, e in unknown if _new_speaker(norm[s:e], known_words)]


def _speakers(norm: str, found: Sequence[Span]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Speaker slots (start, end), split into those a found span overlaps and the others."""
    known: list[tuple[int, int]] = []
    unknown: list[tuple[int, int]] = []
    for m in _SPEAKER.finditer(norm):
        s, e = m.span("name")
        (known if any(f.start < e and s < f.end for f in found) else unknown).append((s, e))
    return known, unknown


def _confirmed(norm: str, found: Sequence[Span], speakers: list[tuple[int, int]]) -> bool:
    """The transcript is confirmed only if some speaker is also named off the speaker column
    (蓮見さん, a full name): 「松本：雨」 in a weather tally is a speaker-shaped place and must not vouch."""
    heads = {s for s, _ in speakers}
    named = [
        norm[f.start : f.end]
        for f in found
        if f.label == PERSON and (f.start not in heads or " " in norm[f.start : f.end])
    ]
    return any(norm[s:e] in text for s, e in speakers for text in named)


def _new_speaker(word: str, known_words: set[str]) -> bool:
    return word not in known_words and len(word) >= 2 and _proper_noun(word)


class SpeakerNames(NameStep):
    """The other speakers of a transcript in which some speaker is a found name."""

    def applies(self, text: NameText) -> bool:
        return text.use_sudachi

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return speaker_names(text.norm, found)
