"""Romaji names: dictionary-checked pairs, titles and sign-offs, airline SURNAME/GIVEN."""

from __future__ import annotations

from tenbin.privacy.names.romaji import romaji_names

from .helpers import needs_sudachi


def _romaji(text: str) -> list[str]:
    return [text[sp.start : sp.end] for sp in romaji_names(text)]


@needs_sudachi
def test_given_name_and_surname_in_romaji_are_a_name() -> None:
    assert _romaji("please contact Hiroshi Yamaguchi today") == ["Hiroshi Yamaguchi"]
    assert _romaji("Passport name: WATANABE KENJI") == ["WATANABE KENJI"]


@needs_sudachi
def test_any_word_after_a_title_is_a_name() -> None:
    assert _romaji("Dear Mr. Kubo,") == ["Kubo"]


@needs_sudachi
def test_words_after_a_sign_off_line_are_a_name() -> None:
    assert _romaji("Best regards,\nAnna Schmidt") == ["Anna Schmidt"]


@needs_sudachi
def test_surname_comma_given_after_a_field_label() -> None:
    assert _romaji("Traveler: Usami, Tomoya") == ["Usami, Tomoya"]
    assert _romaji("Venue: Sapporo, Japan") == []


@needs_sudachi
def test_known_name_with_a_cue_is_a_name_but_a_short_capitalised_word_is_an_acronym() -> None:
    assert _romaji("Dear Ken,") == ["Ken"]
    assert _romaji("Ken-san") == ["Ken"]
    assert _romaji("Dear KEN,") == []
    assert _romaji("KEN san") == []


@needs_sudachi
def test_airline_slashed_name_needs_a_title_or_surname_then_given() -> None:
    assert "MARUYAMA/KOJI" in _romaji("Passenger: MARUYAMA/KOJI MR")
    assert _romaji("NARITA/HANEDA 発着") == []
