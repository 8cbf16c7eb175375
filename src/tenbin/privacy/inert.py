"""Strings too plain to hold anything the detector finds, told apart without running it.

Why: ``fields.walk`` hands the detector every string of a body, and a full analysis has a fixed
cost per string (the Sudachi call, every recognizer's set-up) of tens of microseconds whatever
its length. A body of 50,000 tiny metadata keys (``{"k1": "v1", …}``) cost seven times the CPU of
300 kB of Japanese prose. Such identifiers are skipped here in about a microsecond each, so the
scan costs what the body's text is worth, not what its number of strings is.

The test is a proof by shape, recognizer by recognizer, and is deliberately narrow: a string of at
most 64 ASCII letters, digits, ``_``, ``.`` and ``-`` (no space, line break, ``@``, ``:``, ``/``
or ``,``, so no e-mail, IPv6, URL, table column, dialogue, address or second-look line join) and

* no digit run a digit recognizer looks at (``prescan.digit_runs``: every phone, postal code,
  My Number, card, account, passport, licence and IPv4 match lies in one);
* no romaji word (``RomajiNames`` only names words of that shape) and no two capitals in a row
  (the ASCII special-care terms HIV and LGBT, upper-case marker stamps);
* no English marker gate and no birth-date cue (their recognizers only look around those);
* the Japanese scripts (names, addresses, markers, special care) need non-ASCII characters.

Custom terms are the organisation's own words, so the detector checks them separately.
``tests/privacy/test_inert.py`` checks the claim against the full analysis.
"""

from __future__ import annotations

import re
from typing import Final

from tenbin.privacy.names.romaji import _ROMAJI_WORD_RE
from tenbin.privacy.prescan import _RUN
from tenbin.privacy.recognizers.birth_date import _CUES as _BIRTH_CUES
from tenbin.privacy.recognizers.markers import _EN_GATE

#: Longest string judged by shape; longer ones are worth a full analysis (cost ∝ length anyway).
MAX_LEN: Final = 64

_SHAPE: Final = re.compile(r"[A-Za-z0-9_.\-]{1," + str(MAX_LEN) + "}")
_CAPITALS: Final = re.compile(r"[A-Z]{2}")
# Lower-cased, so a check on ``text.lower()`` is a superset of the recognizers' own
# case-sensitive gates.
_WORDS: Final = re.compile("|".join(
    re.escape(w) for w in sorted({w.lower() for w in (*_EN_GATE, *_BIRTH_CUES) if w.isascii()})))


def inert(text: str) -> bool:
    """True when no recognizer can find anything in ``text`` (custom terms aside)."""
    if _SHAPE.fullmatch(text) is None or _RUN.search(text) is not None:
        return False
    low = text.lower()
    if low != text and (_CAPITALS.search(text) is not None or _ROMAJI_WORD_RE.search(text) is not None):
        return False
    return _WORDS.search(low) is None
