"""Transcript speakers: the other speakers are people once the transcript is confirmed."""

from __future__ import annotations

from tenbin.privacy.names.speakers import speaker_names
from tenbin.privacy.types import PERSON, Span

from .helpers import needs_sudachi


def _at(text: str, word: str, nth: int = 0) -> Span:
    k = -1
    for _ in range(nth + 1):
        k = text.index(word, k + 1)
    return Span(PERSON, k, k + len(word), 0.8)


@needs_sudachi
def test_other_speakers_of_a_confirmed_transcript_are_people() -> None:
    text = "丸山：では始めます。\n[10:03] 窓口 諏訪: 承知しました\n丸山さん：次の議題へ"
    found = [_at(text, "丸山"), _at(text, "丸山", 1)]
    assert [text[sp.start : sp.end] for sp in speaker_names(text, found)] == ["諏訪"]


@needs_sudachi
def test_speaker_column_alone_does_not_confirm_a_transcript() -> None:
    # 松本 found only as a line-initial "speaker" of a weather tally vouches for nobody
    text = "札幌：晴れ\n諏訪：曇り\n松本：雨"
    assert speaker_names(text, [_at(text, "松本")]) == []


@needs_sudachi
def test_a_prefecture_speaker_is_a_place_report() -> None:
    text = "丸山：報告します\n大阪：晴れ\n丸山さん：以上"
    found = [_at(text, "丸山"), _at(text, "丸山", 1)]
    assert speaker_names(text, found) == []


def test_no_colon_no_transcript() -> None:
    assert speaker_names("丸山さんと諏訪さん", []) == []
