from tenbin.privacy.recognizers import EmailRecognizer

from .conftest import surfaces

R = EmailRecognizer()


def test_email_in_japanese_sentence() -> None:
    assert surfaces(R, "先方のアドレスはtaro.y@example.co.jpです。") == ["taro.y@example.co.jp"]


def test_fullwidth_at_and_role_address() -> None:
    assert surfaces(R, "窓口：ｓｕｐｐｏｒｔ＠ｅｘａｍｐｌｅ．ｊｐ") == [
        "ｓｕｐｐｏｒｔ＠ｅｘａｍｐｌｅ．ｊｐ"
    ]


def test_sentence_final_period_excluded() -> None:
    assert surfaces(R, "Write to info@example.com.") == ["info@example.com"]
