"""normalize.clean / digit breaks (issue 11): invisible and look-alike characters are removed or
mapped before detection, and spans map back to the user's own characters."""

from __future__ import annotations

import json

import pytest

from tenbin.privacy import Detector, Masker
from tenbin.privacy.fields import walk
from tenbin.privacy.normalize import clean, digit_breaks, fold, join_breaks


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


def test_clean_keeps_an_offset_map() -> None:
    text = "a\u200bb\r\nc\u00a0d\u0663\ufeff"
    out, omap = clean(text)
    assert out == "ab\nc d3"
    assert omap is not None and len(omap) == len(out) + 1 and omap[-1] == len(text)
    assert [text[i] for i in omap[:-1]] == ["a", "b", "\n", "c", "\u00a0", "d", "\u0663"]


def test_clean_is_the_identity_on_ordinary_text() -> None:
    for text in ("plain ascii 090-1234-5678", "東京都千代田区丸の内１－２－３", "絵文字😀と…※“引用”"):
        assert clean(text) == (text, None)


def test_digits_of_every_script_map_to_ascii() -> None:
    assert clean("٠٩٠ ०९० ๐๙๐ 𝟎𝟗𝟎")[0] == "090 090 090 090"
    assert fold("０９０\u200b-1234") == "090-1234"


@pytest.mark.parametrize("written", [
    "090\u200b-1234-5678", "\u200d".join("090-1234-5678"), "090\u00ad-1234-5678", "\ufeff090-1234-5678",
    "090\u00a01234\u00a05678", "٠٩٠-١٢٣٤-٥٦٧٨", "090-1234-\n5678", "090-\r\n1234-\r\n5678", "090-1234\n-5678",
])
def test_evasion_forms_are_found_and_masked_in_place(det: Detector, written: str) -> None:
    text = f"電話は{written}です"
    [f] = det.scan_text(text)
    value = written.lstrip("\ufeff")  # an invisible character before the value stays outside the span
    assert f.label == "PHONE" and f.text == value and text[f.start:f.end] == value
    masked = Masker().mask_messages([{"role": "user", "content": text}], det.scan_messages(
        [{"role": "user", "content": text}])).messages[0]["content"]
    assert masked.replace("\ufeff", "") == "電話は〔電話1〕です"


def test_rows_ending_and_starting_with_digits_keep_their_own_findings(det: Detector) -> None:
    text = "氏名,電話\n山田太郎,03-1234-5678\n2,佐藤花子,090-8765-4321\n"
    labels = [(f.label, f.text) for f in det.scan_text(text)]
    assert ("PHONE", "03-1234-5678") in labels and ("PHONE", "090-8765-4321") in labels


def test_digit_breaks_and_join() -> None:
    text = "1234 \n 5678\n9018 と x\nここ"
    cuts = digit_breaks(text)
    assert [text[a:b] for a, b in cuts] == [" \n ", "\n"]
    joined, jmap, joins = join_breaks(text, cuts)
    assert joined.startswith("123456789018") and jmap[joins[0]] == text.index("5678")


def test_walker_reaches_every_field_and_masks_json_arguments(det: Detector) -> None:
    body = {"model": "m", "messages": [
        {"role": "user", "name": "山田太郎", "content": "こんにちは"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "send", "arguments": json.dumps({"to": "taro.yamada@example.com"}, ensure_ascii=True)}}]},
    ], "user": "090-1234-5678", "stop": ["123456789018"], "temperature": 0.2}
    fields = {s.key[2] for s in walk(body).slots}
    assert {"messages/0/name", "messages/1/tool_calls/0/function/arguments/to", "user", "stop/0"} <= fields
    assert "model" not in fields
    scan = det.scan_request(body)
    assert {f.field for f in scan.findings} == {"messages/0/name", "messages/1/tool_calls/0/function/arguments/to",
                                               "user", "stop/0"}
    out = Masker().mask_request(body, scan).body
    assert out["messages"][0]["name"] == "〔氏名1〕" and out["user"] == "〔電話1〕" and out["stop"] == ["〔個人番号1〕"]
    assert json.loads(out["messages"][1]["tool_calls"][0]["function"]["arguments"]) == {"to": "〔メール1〕"}
    assert body["user"] == "090-1234-5678"  # the caller's body is not touched
