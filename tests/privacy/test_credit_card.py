from tenbin.privacy.recognizers import CreditCardRecognizer

from .conftest import surfaces

R = CreditCardRecognizer()


def test_grouped_and_plain_cards() -> None:
    assert surfaces(R, "カード番号：4111 1111 1111 1111") == ["4111 1111 1111 1111"]
    assert surfaces(R, "Amex 3782-822463-10005") == ["3782-822463-10005"]
    assert surfaces(R, "新しいカードは 5555555555554444 です") == ["5555555555554444"]


def test_luhn_failures_and_ids_rejected() -> None:
    assert surfaces(R, "カード番号 4111-1111-1111-1112") == []
    assert surfaces(R, "管理コード 4111-1111-1111-1111") == []


def test_thirteen_digits_need_card_context() -> None:
    assert surfaces(R, "4222222222222") == []
