from tenbin.privacy.recognizers import CorporateNumberRecognizer

from .conftest import surfaces

R = CorporateNumberRecognizer()


def test_invoice_t_prefix_excluded() -> None:
    assert surfaces(R, "登録番号：T8010401732810") == ["8010401732810"]


def test_grouped_official_format() -> None:
    assert surfaces(R, "法人番号 8-0104-01-732810") == ["8-0104-01-732810"]


def test_invalid_and_jan_rejected() -> None:
    assert surfaces(R, "法人番号 9010401732810") == []
    assert surfaces(R, "JANコード 8010401732810") == []
