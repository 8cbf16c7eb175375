from tenbin.privacy.recognizers import BankAccountRecognizer

from .conftest import surfaces

R = BankAccountRecognizer()


def test_type_and_number_together() -> None:
    assert surfaces(R, "みずほ銀行 渋谷支店 普通預金 1234567") == ["普通預金 1234567"]
    assert surfaces(R, "振込先：（普）7654321") == ["（普）7654321"]
    assert surfaces(R, "当座　２６２０７６０") == ["当座　２６２０７６０"]


def test_separate_lines_only_digits() -> None:
    assert surfaces(R, "口座種別：普通\n口座番号：1234567") == ["1234567"]


def test_slip_number_is_not_an_account() -> None:
    assert surfaces(R, "伝票番号：1078650") == []
