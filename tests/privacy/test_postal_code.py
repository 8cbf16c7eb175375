from tenbin.privacy.recognizers import PostalCodeRecognizer

from .conftest import surfaces

R = PostalCodeRecognizer()


def test_hyphenated_and_fullwidth() -> None:
    assert surfaces(R, "〒１０１－００５２ 東京都千代田区") == ["１０１－００５２"]


def test_plain_needs_context_or_address() -> None:
    assert surfaces(R, "住所：1830023\n東京都府中市") == ["1830023"]
    assert surfaces(R, "5610884 大阪府豊中市") == ["5610884"]
    assert surfaces(R, "伝票番号：1078650") == []


def test_not_inside_phone() -> None:
    assert surfaces(R, "(0800)764-6827") == []
