from tenbin.privacy.checksums import corporate_number_valid, luhn_valid, my_number_valid


def test_my_number_check_digit() -> None:
    assert my_number_valid("123456789018")
    assert not my_number_valid("123456789012")
    assert not my_number_valid("12345678901")


def test_corporate_number_leading_check_digit() -> None:
    assert corporate_number_valid("8010401732810")
    assert not corporate_number_valid("9010401732810")


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
