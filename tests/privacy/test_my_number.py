from tenbin.privacy.recognizers import DriverLicenseRecognizer, MyNumberRecognizer

from .conftest import surfaces

R = MyNumberRecognizer()


def test_valid_plain_and_grouped() -> None:
    assert surfaces(R, "個人番号：123456789018") == ["123456789018"]
    assert surfaces(R, "マイナンバー 1234-5678-9018") == ["1234-5678-9018"]
    assert surfaces(R, "マイナンバー １２３４　５６７８　９０１８") == ["１２３４　５６７８　９０１８"]


def test_invalid_check_digit_is_never_my_number() -> None:
    assert surfaces(R, "個人番号：123456789012") == []


def test_order_numbers_and_licences_are_not_my_number() -> None:
    assert surfaces(R, "注文番号 1234-5678-9018") == []
    text = "運転免許証番号：123456789018"
    assert surfaces(R, text) == []
    assert surfaces(DriverLicenseRecognizer(), text) == ["123456789018"]


def test_mixed_separators_rejected() -> None:
    assert surfaces(R, "個人番号 1234-5678 9018") == []
