from tenbin.privacy.recognizers import BirthDateRecognizer

from .conftest import surfaces

R = BirthDateRecognizer()


def test_forms_with_label() -> None:
    assert surfaces(R, "生年月日：昭和58年4月1日") == ["昭和58年4月1日"]
    assert surfaces(R, "生年月日 S58.4.1") == ["S58.4.1"]
    assert surfaces(R, "生年月日：１９８３／０４／０１") == ["１９８３／０４／０１"]
    assert surfaces(R, "He was born on 16 Dec 1963 in Kobe") == ["16 Dec 1963"]
    assert surfaces(R, "Date of birth: September 6, 1969") == ["September 6, 1969"]


def test_cue_after_the_date() -> None:
    assert surfaces(R, "長男（2019/05/14生）") == ["2019/05/14"]
    assert surfaces(R, "平成元年５月３日生まれです") == ["平成元年５月３日"]
    assert surfaces(R, "昭和六十年三月三日（満40歳）") == ["昭和六十年三月三日"]


def test_other_dates_ignored() -> None:
    assert surfaces(R, "起案日：令和6年7月18日　施行日：2024/10/01") == []
    assert surfaces(R, "生年月日：1980/1/1　入社日：2005/4/1") == ["1980/1/1"]
