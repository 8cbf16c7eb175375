from tenbin.privacy.recognizers import PhoneRecognizer

from .conftest import surfaces

R = PhoneRecognizer()


def test_common_shapes() -> None:
    text = "携帯 080-1234-5678／代表 (03)5555-1234／FAX 06 6123 4567／フリーコール 0120-123-456"
    assert surfaces(R, text) == ["080-1234-5678", "(03)5555-1234", "06 6123 4567", "0120-123-456"]


def test_international_and_fullwidth() -> None:
    assert surfaces(R, "Mobile: +81 90 1111 2222") == ["+81 90 1111 2222"]
    assert surfaces(R, "TEL：０４５－６７８－９０１２") == ["０４５－６７８－９０１２"]


def test_prose_parentheses_not_in_span() -> None:
    assert surfaces(R, "折り返しは（090-2222-3333）まで") == ["090-2222-3333"]


def test_plain_ten_digits_need_phone_context() -> None:
    assert surfaces(R, "請求書番号：0312345678") == []
    assert surfaces(R, "TEL 0312345678") == ["0312345678"]
    assert surfaces(R, "お客様：09012345678 に変更") == ["09012345678"]


def test_extension_and_short_numbers_ignored() -> None:
    assert surfaces(R, "内線 2743、会員番号 4421") == []
