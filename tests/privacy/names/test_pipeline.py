"""PersonRecognizer as a pipeline: steps in order, each seeing the earlier finds, then the filter."""

from __future__ import annotations

from collections.abc import Sequence

from tenbin.privacy.names import PersonRecognizer
from tenbin.privacy.names.kanji import TokenNames
from tenbin.privacy.names.recognizer import STEPS
from tenbin.privacy.names.romaji import RomajiNames
from tenbin.privacy.names.spread import Spread
from tenbin.privacy.names.step import NameStep
from tenbin.privacy.names.text import NameText
from tenbin.privacy.normalize import normalize
from tenbin.privacy.types import PERSON, Span

from .helpers import needs_sudachi


class _Fixed(NameStep):
    """A step that finds one given word wherever it occurs, and records what it was shown."""

    def __init__(self, word: str) -> None:
        self.word = word
        self.seen: list[list[str]] = []

    def find(self, text: NameText, found: Sequence[Span]) -> list[Span]:
        self.seen.append([text.norm[sp.start : sp.end] for sp in found])
        k = text.norm.find(self.word)
        return [] if k < 0 else [Span(PERSON, k, k + len(self.word), 0.9)]


def _find(rec: PersonRecognizer, text: str) -> list[str]:
    """What the recognizer found, in text order."""
    norm = normalize(text)
    return [norm[sp.start : sp.end] for sp in sorted(rec.find(text, norm), key=lambda sp: sp.start)]


def test_each_step_sees_the_names_found_before_it() -> None:
    first, second = _Fixed("真壁"), _Fixed("蓮見")
    rec = PersonRecognizer(use_sudachi=False, steps=(first, second, Spread()))
    assert _find(rec, "真壁と蓮見、真壁") == ["真壁", "蓮見", "真壁"]
    assert first.seen == [[]] and second.seen == [["真壁"]]


def test_common_words_are_dropped_whatever_step_found_them() -> None:
    rec = PersonRecognizer(use_sudachi=False, steps=(_Fixed("届か"),))
    assert _find(rec, "請求書が届かないとの連絡") == []


@needs_sudachi
def test_a_span_cutting_a_conjugated_word_is_dropped_whatever_step_found_it() -> None:
    rec = PersonRecognizer(use_sudachi=True, steps=(_Fixed("いとの"),))
    assert _find(rec, "請求書が届かないとの連絡") == []


def test_romaji_step_runs_only_on_text_with_capital_letters() -> None:
    assert not RomajiNames().applies(NameText("山田さん", None, False))
    assert RomajiNames().applies(NameText("Mr. Yamada", None, False))


def test_degraded_mode_has_no_tokens_and_skips_the_token_scan() -> None:
    text = NameText.of("担当：佐藤様", use_sudachi=False)
    assert text.toks is None and not TokenNames().applies(text)
    assert _find(PersonRecognizer(use_sudachi=False), "担当：佐藤様") == ["佐藤"]


def test_layout_steps_run_after_every_script_step() -> None:
    names = [type(s).__name__ for s in STEPS]
    for later in ("TableNames", "LayoutNames", "SpeakerNames", "Spread"):
        for script in ("TokenNames", "RuleNames", "KatakanaNames", "HiraganaNames", "RomajiNames"):
            assert names.index(script) < names.index(later)
    assert names[-1] == "Spread"


@needs_sudachi
def test_full_pipeline_finds_a_name_in_every_script() -> None:
    text = "担当：山田 太郎（ヤマダ タロウ）、ひなたちゃん、Mr. Smith。山田より"
    assert _find(PersonRecognizer(), text) == ["山田 太郎", "ヤマダ タロウ", "ひなた", "Smith", "山田"]
