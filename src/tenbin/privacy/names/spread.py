"""Name propagation: a name found once with a cue marks its other mentions in the same text.

Why: people are introduced once with a cue (候補者：真壁さん) and then mentioned bare, glued to a
noun (真壁所見) or in chat (つむぎには言っとく). The gold convention, and the masker, treat every
mention as the same person, so a cue-less mention of a string already found is a name too.
Boundaries keep it honest: the mention must not sit inside a longer word of the same script, and a
kanji name followed by a place/organisation suffix (設楽町, 大島支店) is not propagated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.types import PERSON, Span

_PARTICLES: Final = frozenset("はにがをのともへやで")
_ORG_AFTER: Final = re.compile(
    r"(?:市|区|町|村|郡|県|駅|線|通り?|支店|店|銀行|信用|工業|商事|会社|株式|病院|医院|大学|学校|ビル|"
    r"公園|神社|寺|川|山|橋|港|屋|家|製|産|島|湖|島)"
)


def _script(ch: str) -> str:
    if "\u4e00" <= ch <= "\u9fff" or ch == "々":
        return "kanji"
    if "ぁ" <= ch <= "ゖ":
        return "hira"
    if "ァ" <= ch <= "ヺ" or ch == "ー":
        return "kata"
    if ch.isascii() and ch.isalpha():
        return "latin"
    return "other"


def _glued(last: str, ns: str, norm: str, end: int) -> bool:
    """True when the character after a mention makes it part of a longer word."""
    if last == "hira" and ns == "hira":
        return norm[end] not in _PARTICLES  # つむぎには: a particle ends the name
    if last in ("kata", "latin") and ns == last:
        return True
    if last == "hira" and ns in ("kanji", "kata"):
        return True
    return last == "kanji" and ns == "kanji" and _ORG_AFTER.match(norm, end) is not None


def spread(norm: str, spans: Iterable[Span]) -> list[Span]:
    """Extra PERSON spans for verbatim re-mentions (≥ 2 chars) of names already found."""
    found = [sp for sp in spans if sp.label == PERSON]
    if not found:
        return []
    covered = [(sp.start, sp.end) for sp in found]
    out: list[Span] = []
    for name in _spreadable(norm, found):
        for pos in _free_mentions(norm, name, covered):
            out.append(Span(PERSON, pos, pos + len(name), 0.75))
            covered.append((pos, pos + len(name)))
    return out


def _spreadable(norm: str, found: list[Span]) -> list[str]:
    """The found names of 2+ characters, plus the surname of a spaced full name."""
    texts = {norm[sp.start : sp.end] for sp in found if sp.end - sp.start >= 2}
    # The surname of a full name found as "姓 名" is the same person when mentioned alone later
    # (なまえ：たかぎ ゆうま … おむかえ：たかぎ（はは）); the given name alone is too often a word.
    texts |= {t.split(" ", 1)[0] for t in texts if t.count(" ") == 1 and len(t.split(" ", 1)[0]) >= 2}
    # Longest first; equal lengths in text order, so the outcome never depends on set order
    # (string hashes change from process to process).
    return sorted(texts, key=lambda t: (-len(t), t))


def _free_mentions(norm: str, name: str, covered: list[tuple[int, int]]) -> list[int]:
    """Start offsets of the mentions of ``name`` that stand alone and overlap no span in ``covered``."""
    first, last = _script(name[0]), _script(name[-1])
    out: list[int] = []
    pos = norm.find(name)
    while pos >= 0:
        end = pos + len(name)
        if not any(s < end and pos < e for s, e in covered) and _stands_alone(norm, pos, end, first, last):
            out.append(pos)
        pos = norm.find(name, end)
    return out


def _stands_alone(norm: str, pos: int, end: int, first: str, last: str) -> bool:
    """Not inside a longer word of the same script, and not glued to a place/organisation suffix."""
    if pos and first != "other" and _script(norm[pos - 1]) == first:
        return False
    return end >= len(norm) or not _glued(last, _script(norm[end]), norm, end)


class Spread(NameStep):
    """Other verbatim mentions of the names found so far."""

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        return spread(text.norm, found)
