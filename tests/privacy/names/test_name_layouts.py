"""Name layouts through PersonRecognizer: old-form kanji, titles glued to a surname, one-kanji given
names, hiragana given names after "姓 ", self-introductions in katakana, furigana written between the
name parts, kinship notes and joint names. Text here is written for these tests (not from any set),
and every rule has a negative case next to it."""

import pytest

from tenbin.privacy import sudachi
from tenbin.privacy.itaiji import fold
from tenbin.privacy.names import PersonRecognizer

from ..conftest import surfaces

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")
R = PersonRecognizer()


def test_fold_keeps_length_and_offsets() -> None:
    text = "髙橋・﨑山・濵田・渡邉 様"
    assert len(fold(text)) == len(text)
    assert fold(text) == "高橋・崎山・浜田・渡辺 様"


@needs_sudachi
def test_old_form_kanji_surnames() -> None:
    assert surfaces(R, "確認は髙橋部長にお願いします") == ["髙橋"]
    assert surfaces(R, "宛先：﨑山 みのり様") == ["﨑山 みのり"]
    assert surfaces(R, "濵田さんから電話") == ["濵田"]


@needs_sudachi
def test_title_glued_by_the_tokenizer_stays_outside() -> None:
    # the dictionary reads 岡主任 as 岡主 + 任; the span must still be the surname only
    assert surfaces(R, "出席：岡主任、総務") == ["岡"]
    assert surfaces(R, "本件は須藤弁護士が担当") == ["須藤"]
    # a place name before a title is a branch, not a person (宇和島支店長)
    assert surfaces(R, "宇和島支店長より") == []


@needs_sudachi
def test_one_kanji_given_name_needs_an_honorific_or_a_name_field() -> None:
    assert surfaces(R, "奥さんの薫さんが来ます") == ["薫"]
    assert surfaces(R, "娘の春さんも同席") == ["春"]
    assert surfaces(R, "お名前（任意）：薫　年代：30代") == ["薫"]
    assert surfaces(R, "春の新作と青春さんぽ") == []
    assert surfaces(R, "お姉さんと奥さん") == []


@needs_sudachi
def test_hiragana_given_name_after_surname_and_space() -> None:
    assert surfaces(R, "1. 真柴 みお（2組）") == ["真柴 みお"]
    assert surfaces(R, "担当：真柴 より\n") == ["真柴"]


@needs_sudachi
def test_katakana_self_introduction() -> None:
    assert "ウスイ" in surfaces(R, "客：えー、ウスイと申しますけど")
    assert surfaces(R, "こちらサポートセンターでございます") == []


@needs_sudachi
def test_furigana_between_name_parts() -> None:
    got = surfaces(R, "申込者：真柴（マシバ）みのり（ミノリ）\n")
    assert sorted(got) == sorted(["真柴", "マシバ", "みのり", "ミノリ"])
    got = surfaces(R, "相談者：宇和島（ウワジマ）健吾（ケンゴ）\n")
    assert sorted(got) == sorted(["宇和島", "ウワジマ", "健吾", "ケンゴ"])
    # a nationality after a katakana name is not a reading
    assert surfaces(R, "申請人：ソフィア・ロドリゲス（ブラジル）") == ["ソフィア・ロドリゲス"]


@needs_sudachi
def test_kinship_note_after_a_label() -> None:
    assert surfaces(R, "被扶養者２：凪（長女）") == ["凪"]
    assert surfaces(R, "扶養家族：春（長男）") == ["春"]
    assert surfaces(R, "区分：一般（本人）") == []
    assert surfaces(R, "結果：良好（父）") == []


@needs_sudachi
def test_joint_names_share_the_cue() -> None:
    assert sorted(surfaces(R, "調査は林・須藤両名で行う")) == ["林", "須藤"]
    assert surfaces(R, "森林・河川の調査") == []
