"""The fast path must not change results: windowed digit dispatch, the '@'-token e-mail scan, the
IPv6 seeds and the replace-based normalisation are checked against plain whole-text scans."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from tenbin.privacy.normalize import _LONG_VOWEL_AS_DASH, _TABLE, normalize
from tenbin.privacy.prescan import Dispatcher, digit_runs
from tenbin.privacy.recognizers import ConfidentialMarkerRecognizer, EmailRecognizer, IpAddressRecognizer
from tenbin.privacy.recognizers.base import DigitRecognizer
from tenbin.privacy.recognizers.email import _EMAIL
from tenbin.privacy.registry import default_structured
from tests.datasets import PII_DEV_DEFAULT, PII_DEV_ENV, pii_dev_set

ROOT = Path(__file__).resolve().parents[2]
IN_REPO = ROOT / "bench" / "data" / "pii_ja_holdout_synth.jsonl"
DEV = Path(os.environ.get(PII_DEV_ENV) or PII_DEV_DEFAULT)  # outside the repo: see test_dev_set_is_in_the_corpus


def _read(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]


def _texts() -> list[str]:
    return _read(IN_REPO) + (_read(DEV) if DEV.is_file() else [])


_TOKENS = [
    *"0123456789０１２３-－ー .()（）+:/,@abcdefT：\n",
    *("電話", "普通", "口座", "旅券", "パスポート", "運転免許", "License", "account", "(普)", "番号", "社外秘", "社内"),
    *("関係者外秘", "持ち出し禁止", "秘", "生年月日", "生まれ", "DOB", "::", "fe80", "Account No.", "免許証"),
]


def _noise(seed: int, n: int = 300) -> str:
    """Random strings dense in digits, separators and label words: the worst case for window edges."""
    rnd = random.Random(seed)
    return "".join(rnd.choice(_TOKENS) for _ in range(n))


TEXTS = _texts() + [_noise(s) for s in range(40)]
DIGIT_RECS = [r for r in default_structured() if isinstance(r, DigitRecognizer)]


def test_corpora_present() -> None:
    assert len(_read(IN_REPO)) == 81 and len(TEXTS) > 100


def test_dev_set_is_in_the_corpus() -> None:
    """The equivalence checks below also run over the dev set when it is there; say so when not."""
    dev = _read(pii_dev_set())
    assert len(dev) >= 100 and set(dev) <= set(TEXTS)


@pytest.mark.parametrize("rec", DIGIT_RECS, ids=lambda r: type(r).__name__)
def test_windowed_dispatch_equals_whole_text_scan(rec: DigitRecognizer) -> None:
    for text in TEXTS:
        norm = normalize(text)
        whole = sorted(rec.find(text, norm)) if rec.applies(norm) else []
        assert sorted(Dispatcher(text, norm).run(rec)) == whole, text[:80]


def test_windowed_markers_equal_whole_text_regexes() -> None:
    from tenbin.privacy.recognizers.markers import _CONFIDENTIAL_EN, _CONFIDENTIAL_JA, _INTERNAL_EN, _INTERNAL_JA

    texts = [*TEXTS, "Strictly Private / do not distribute. INTERNAL USE ONLY; for internal use; NDA signed Monday"]

    rec = ConfidentialMarkerRecognizer()
    for text in texts:
        norm = normalize(text)
        got = sorted((s.start, s.end) for s in rec.find(text, norm))
        pats = (_CONFIDENTIAL_JA, _INTERNAL_JA, _CONFIDENTIAL_EN, _INTERNAL_EN)
        want = sorted(m.span() for p in pats for m in p.finditer(norm))
        assert got == want


def test_email_token_scan_equals_regex_scan() -> None:
    rec = EmailRecognizer()
    for text in TEXTS:
        norm = normalize(text)
        got = [(s.start, s.end) for s in rec.find(text, norm)]
        assert got == [m.span() for m in _EMAIL.finditer(norm)]


def test_fast_paths_on_fixed_texts() -> None:
    """Literal expectations, independent of the reference regexes the equivalence tests use."""
    text = "携帯 090-1234-5678、口座 普通 1234567、2024/11/18 14:00 に 1,234,567円"
    norm = normalize(text)
    found = {(type(r).__name__, text[s.start : s.end]) for r in DIGIT_RECS for s in Dispatcher(text, norm).run(r)}
    assert found == {("PhoneRecognizer", "090-1234-5678"), ("BankAccountRecognizer", "普通 1234567")}
    text = "【社外秘】見積書。関係者外秘の資料です。INTERNAL USE ONLY / Strictly Confidential."
    got = [text[s.start : s.end] for s in ConfidentialMarkerRecognizer().find(text, normalize(text))]
    assert sorted(got) == sorted(["社外秘", "関係者外秘", "INTERNAL USE ONLY", "Confidential"])
    text = "連絡先: taro.yamada@example.co.jp、ＨＡＮＡ＠ＥＸＡＭＰＬＥ．ＪＰ まで。@だけ、a@b、x@localhost"
    got = [text[s.start : s.end] for s in EmailRecognizer().find(text, normalize(text))]
    assert got == ["taro.yamada@example.co.jp", "ＨＡＮＡ＠ＥＸＡＭＰＬＥ．ＪＰ"]  # full-width found, offsets original
    assert normalize("ＴＥＬ：０３－１２３４－５６７８　ｶﾀｶﾅ") == "TEL:03-1234-5678 カタカナ"
    assert normalize("０３ー１２３４ー５６７８") == "03-1234-5678"  # a long-vowel mark between digits is a dash


def test_ipv6_seeds_find_compressed_and_full_forms() -> None:
    rec = IpAddressRecognizer()
    text = "接続元 ::1 と fe80::1:2、2001:0db8:85a3:0000:0000:8a2e:0370:7334 から。時刻 09:12 と 10:30"
    got = [text[s.start : s.end] for s in rec.find(text, normalize(text))]
    assert got == ["::1", "fe80::1:2", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"]


def test_normalize_equals_translate() -> None:
    for text in TEXTS:
        expected = _LONG_VOWEL_AS_DASH.sub("-", text.translate(_TABLE))
        assert normalize(text) == expected


def test_runs_skip_dates_and_amounts() -> None:
    text = "2024/11/18 14:00 に 1,234,567円、電話 03-1234-5678"
    assert [text[s:e] for s, e in digit_runs(text)] == ["03-1234-5678"]


def test_digit_counts_keep_short_runs_from_long_shapes() -> None:
    from tenbin.privacy.prescan import counted_runs, select_windows
    from tenbin.privacy.recognizers import MyNumberRecognizer, PhoneRecognizer

    text = "電話 03-1234-5678、個人番号 1234 5678 9018"
    runs = counted_runs(normalize(text))
    assert [(text[s:e], n) for s, e, n in runs] == [("03-1234-5678", 10), ("1234 5678 9018", 12)]
    my = [text[lo:hi] for lo, hi in select_windows(runs, MyNumberRecognizer(), text)]
    assert my == ["号 1234 5678 9018"]
    assert len(select_windows(runs, PhoneRecognizer(), text)) == 1  # both runs, merged (gap < 24)
