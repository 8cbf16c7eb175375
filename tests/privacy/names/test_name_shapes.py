"""Name shapes through PersonRecognizer: place-name surnames with role labels, given names the dictionary
calls adverbs, hiragana children's names, dotted foreign names, half-width voiced kana, English
sign-offs, and re-mentions of a name introduced once. Text here is written for these tests."""

import pytest

from tenbin.privacy import sudachi
from tenbin.privacy.names import PersonRecognizer
from tenbin.privacy.names.hiragana import hiragana_names
from tenbin.privacy.names.spread import spread
from tenbin.privacy.normalize import normalize
from tenbin.privacy.types import PERSON, Span

from ..conftest import surfaces

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")
R = PersonRecognizer()


@needs_sudachi
def test_surname_then_given_name_the_dictionary_does_not_know_as_a_name() -> None:
    assert surfaces(R, "担当：東海林 颯\n内線なし") == ["東海林 颯"]
    # a title or a verbal noun after the space is not a given name
    assert surfaces(R, "担当：東海林 部長") == ["東海林"]
    assert surfaces(R, "[10:02] 我妻 了解です") == ["我妻"]


@needs_sudachi
def test_place_name_surname_needs_a_strong_cue() -> None:
    assert surfaces(R, "承認者：宮下\n") == ["宮下"]
    assert surfaces(R, "@大島 確認お願いします") == ["大島"]
    assert surfaces(R, "宮下から大島まで車で行く。") == []


@needs_sudachi
def test_surname_before_an_amount_is_a_line_item() -> None:
    assert surfaces(R, "日当 2,000円、宿泊 9,800円") == []


def test_hiragana_children_and_readings() -> None:
    def got(text: str) -> list[str]:
        n = normalize(text)
        return [n[s.start : s.end] for s in hiragana_names(n)]

    assert got("明日はこはるちゃんとゆうとくんが来ます") == ["こはる", "ゆうと"]
    assert got("おばあちゃんとおにいちゃん、赤ちゃん") == []
    assert got("よみがな：かじわら ともえ\n") == ["かじわら ともえ"]
    assert got("長女：こはる（3歳）") == ["こはる"]


@needs_sudachi
def test_dotted_foreign_names_and_halfwidth_voiced_kana() -> None:
    assert surfaces(R, "申請人：ソフィア・ロドリゲス（ブラジル）") == ["ソフィア・ロドリゲス"]
    assert surfaces(R, "ジョンソン・エンド・ジョンソンの製品") == []
    assert surfaces(R, "口座名義：ﾊｾｶﾞﾜ ﾕﾐｺ\n") == ["ﾊｾｶﾞﾜ ﾕﾐｺ"]


@needs_sudachi
def test_english_sign_off_and_title() -> None:
    assert "Olivia Bennett" in surfaces(R, "Kind regards,\nOlivia Bennett\nSales Team")
    assert surfaces(R, "Dear Ms. Wakabayashi,") == ["Wakabayashi"]
    assert surfaces(R, "Contact: Haruka MORIGUCHI") == ["Haruka MORIGUCHI"]


def test_spread_marks_re_mentions_with_boundaries() -> None:
    text = "候補者：真壁さん。真壁所見は良好。真壁町の支店。\nさくらちゃん、さくらの件。さくら信用金庫"
    first_kanji, first_kana = text.index("真壁"), text.index("さくら")
    found = [Span(PERSON, first_kanji, first_kanji + 2, 0.8), Span(PERSON, first_kana, first_kana + 3, 0.75)]
    got = [(s.start, text[s.start : s.end]) for s in spread(text, found)]
    assert sorted(got) == [(text.index("真壁所見"), "真壁"), (text.index("さくらの件"), "さくら")]


@needs_sudachi
def test_famous_figures_are_not_people() -> None:
    assert surfaces(R, "大隈重信と伊能忠敬の功績を学ぶ") == []


@needs_sudachi
def test_given_name_split_by_the_dictionary_is_glued_back() -> None:
    # 乃愛 is split into the particle 乃 + 愛; after "姓 " and ending the field it is the given name.
    assert surfaces(R, "受講者：長嶺 乃愛\n") == ["長嶺 乃愛"]
    assert surfaces(R, "担当：長嶺 宛\n") == ["長嶺"]


@needs_sudachi
def test_katakana_surname_with_honorific_after_a_field_label() -> None:
    assert surfaces(R, "ご契約者：ヨナミネ様（ご本人）") == ["ヨナミネ"]
    # the same shape without a label is a product or a company, not a person
    assert surfaces(R, "新製品ヨナミネ様式の説明") == []


@needs_sudachi
def test_kana_label_does_not_reach_across_columns() -> None:
    assert surfaces(R, "氏名,部署,メール\n") == []


@needs_sudachi
def test_katakana_brand_with_honorific_is_a_customer_not_a_person() -> None:
    assert surfaces(R, "宛先：ユニクロ様、トヨタさんにも共有") == []
    assert surfaces(R, "来日中のエミリーさんに連絡") == ["エミリー"]


def test_hiragana_label_needs_a_label_at_field_start() -> None:
    n = normalize("調子：よい\n体調：ふつう\n次女：ゆきの")
    assert [n[s.start : s.end] for s in hiragana_names(n)] == ["ゆきの"]
