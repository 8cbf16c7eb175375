"""What every store can hold (tenbin.storable) and the quarantine's payload encoding."""

from __future__ import annotations

import json

import pytest

from tenbin.quarantine import PAYLOAD_STR_MAX, payload, reason
from tenbin.storable import flaw, scrub, scrub_value


def test_flaw_names_nul_and_surrogates_and_passes_everything_else() -> None:
    for ok in ("", "invoice-triage", "経理・請求書", "emoji 😀", "tab\tnewline\n", "\ufffd"):
        assert flaw(ok) is None, ok
    assert flaw("a\x00b") == flaw("経\x00") == "contains a NUL character"
    for bad in ("\udcff", "経理\udc80", "\ud83d\ude00"):  # a surrogate pair as two code points is not UTF-8 either
        assert "UTF-8" in str(flaw(bad))
        with pytest.raises(UnicodeEncodeError):  # what SQLite's driver and the chain hash would hit
            bad.encode("utf-8")


def test_scrub_makes_every_string_storable_and_keeps_lengths() -> None:
    assert scrub("a\x00b\udcffc") == "a\ufffdb\ufffdc"
    assert scrub("経理") == "経理"
    nested = {"k\x00": ["v\udcff", ("x" * 10, 3)], "n": None}
    assert scrub_value(nested, limit=4) == {"k\ufffd": ["v\ufffd", ("xxxx", 3)], "n": None}
    assert all(flaw(s) is None for s in ("a\ufffdb", scrub("\x00\ud800\udfff")))


def test_the_quarantine_payload_is_ascii_and_loses_no_code_point() -> None:
    row = {"use_case": "a\x00経\udcff", "route": {"rule": "r\ud800"}, "n": 1}
    text = payload(row)
    assert text.isascii() and flaw(text) is None
    assert json.loads(text) == row
    big = payload({"s": "y" * (PAYLOAD_STR_MAX + 10)})
    assert len(big) < PAYLOAD_STR_MAX + 100 and "10 more characters" in big
    assert reason(UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed")).isascii()
