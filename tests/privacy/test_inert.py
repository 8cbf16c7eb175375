"""The inert pre-filter skips only strings the full analysis finds nothing in, and it makes a body
of many tiny strings cost what its bytes are worth (issue 11: 50,000 metadata keys)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenbin.gateway.privacy_stage import PrivacyStage
from tenbin.privacy import Detector
from tenbin.privacy.inert import MAX_LEN, inert

# Pieces that make recognizers fire when they stand in the right place, mixed with filler, so the
# generated identifiers come close to every rule the pre-filter relies on.
PIECES = [
    "Yamada", "Taro", "SATO", "Kenta", "Ito", "Ozawa-san", "Mr", "Dear", "HIV", "LGBT", "confidential",
    "Confidential", "CONFIDENTIAL", "internal", "only", "private", "distribute", "dob", "DOB", "born",
    "Birth", "d.o.b", "H2.1.1", "1990-01-01", "19900101", "090-1234-5678", "0312345678", "1.2.3.4",
    "192.168.0.1", "1000001", "100-0001", "T1234567890123", "TK1234567", "4111111111111111",
    "123456789012", "minato-ku", "Tokyo", "1-2-3", "mail", "tel", "fe80", "x", "k", "v", "_", ".", "-",
    "0", "12", "345", "id", "userId", "Key", "K1", "acme", "falcon",
]
identifiers = st.lists(st.sampled_from(PIECES) | st.text("abcXYZ019_.-", min_size=1, max_size=4),
                       min_size=1, max_size=8).map("".join)


def analysed(det: Detector, text: str) -> list[Any]:
    """What the full analysis finds, bypassing the pre-filter and the clean-text memo."""
    return [sp for sp in det._registry.analyze(text) if sp.score >= det.config.min_score]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(identifiers)
def test_an_inert_string_is_one_the_full_analysis_finds_nothing_in(full: Detector, text: str) -> None:
    if inert(text):
        assert analysed(full, text) == [], text
        assert full.scan_text(text) == []


@pytest.mark.parametrize("text", [
    "Yamada", "Taro", "HIV", "confidential", "Confidential", "dob1990", "0312345678", "1.2.3.4", "a@b.co",
    "k1 v1", "k:v", "山田", "x" * (MAX_LEN + 1),
])
def test_strings_a_recognizer_could_use_are_analysed(text: str) -> None:
    assert not inert(text)


@pytest.mark.parametrize("text", ["k1", "v49999", "user_id", "userId", "en-us", "trace.id", "K1", "a-b_c.d"])
def test_metadata_like_identifiers_are_inert(text: str) -> None:
    assert inert(text)


def test_a_custom_term_that_looks_like_an_identifier_is_still_found(full: Detector) -> None:
    det = Detector(full.config.__class__(custom_terms=["acme"]))
    assert inert("acme_corp")
    assert [f.label for f in det.scan_text("acme_corp")] == ["CUSTOM_TERM"]


def _keys_body(salt: int) -> dict[str, Any]:
    return {"model": "m", "messages": [{"role": "user", "content": "hi"}],
            "metadata": {f"k{salt}_{i}": f"v{i}" for i in range(50_000)}}


def test_fifty_thousand_metadata_keys_get_no_full_analysis_each() -> None:
    """Before the pre-filter each of the 100,000 tiny strings got one full analysis (Sudachi and
    every recognizer: seconds for the body, 5-8 times 300 kB of prose). Counted, not timed, so the
    test holds on any CPU: the keys and values reach the analyser not at all, only the message does.
    (The CPU comparison itself is a benchmark's business, not a unit test's.)"""
    stage = PrivacyStage.from_config({})
    assert stage is not None
    analysed_texts: list[str] = []
    registry = stage.detector._registry
    real = registry.analyze

    def counting(text: str) -> Any:
        analysed_texts.append(text)
        return real(text)

    registry.analyze = counting  # type: ignore[method-assign]
    found = stage.scan(_keys_body(1))
    assert found is not None
    assert len(analysed_texts) <= 2, analysed_texts[:5]  # the prompt "hi" (and nothing of the metadata)
    assert not any(t.startswith(("k1_", "v")) for t in analysed_texts)
    # The same body with one real value among the keys: that one string is analysed and found.
    body = _keys_body(2)
    body["metadata"]["k2_7"] = "山田太郎 090-1234-5678"
    analysed_texts.clear()
    stage.scan(body)
    assert "山田太郎 090-1234-5678" in analysed_texts and len(analysed_texts) <= 3
