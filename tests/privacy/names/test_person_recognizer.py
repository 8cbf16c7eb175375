import pytest

from tenbin.privacy import sudachi
from tenbin.privacy.names import PersonRecognizer

from ..conftest import surfaces

needs_sudachi = pytest.mark.skipif(not sudachi.available(), reason="sudachipy not installed")
R = PersonRecognizer()


@needs_sudachi
def test_honorifics_and_titles_excluded() -> None:
    text = "田中さんから連絡。佐々木部長も同席、鈴木くんは欠席。"
    assert surfaces(R, text) == ["田中", "佐々木", "鈴木"]


@needs_sudachi
def test_full_name_with_ideographic_space_and_label() -> None:
    assert surfaces(R, "起票者：菅野　陽菜（総務部）") == ["菅野　陽菜"]


@needs_sudachi
def test_mention_and_place_name_surname_with_title() -> None:
    assert surfaces(R, "@高橋さん 上野課長にも共有") == ["高橋", "上野"]


@needs_sudachi
def test_katakana_reading_and_halfwidth() -> None:
    assert surfaces(R, "顧客名：山内 恵子（ヤマウチ ケイコ）様") == ["山内 恵子", "ヤマウチ ケイコ"]
    assert surfaces(R, "宛名：ｻﾄｳ ﾊﾅｺ 様") == ["ｻﾄｳ ﾊﾅｺ"]


@needs_sudachi
def test_romaji_names() -> None:
    assert surfaces(R, "Dear Mr. Kubo,") == ["Kubo"]
    assert "Hiroshi Yamaguchi" in surfaces(R, "please contact Hiroshi Yamaguchi today")
    assert surfaces(R, "Passport name: WATANABE KENJI") == ["WATANABE KENJI"]


@needs_sudachi
def test_famous_people_and_companies_are_not_persons() -> None:
    assert surfaces(R, "徳川家康と夏目漱石の比較。ことぶき印刷に発注。梅田支店で両替。") == []


def test_rules_only_fallback_still_finds_cued_names() -> None:
    rules = PersonRecognizer(use_sudachi=False)
    assert "佐藤" in surfaces(rules, "担当：佐藤様")
