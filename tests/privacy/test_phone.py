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


def test_department_name_with_id_word_does_not_veto_its_phone() -> None:
    from tenbin.privacy import Detector, PrivacyConfig

    det = Detector(PrivacyConfig(ner=False))
    for text in ("お問い合わせは債権管理課 052-735-6612 まで", "契約部（03-5555-1234）へご連絡ください",
                 "受付センター 0120-123-456"):
        assert len([f for f in det.scan_text(text) if f.label == "PHONE"]) == 1, text


def test_id_label_still_vetoes() -> None:
    from tenbin.privacy import Detector, PrivacyConfig

    det = Detector(PrivacyConfig(ner=False))
    for text in ("管理番号 03-1234-5678", "注文No. 0312345678"):
        assert not [f for f in det.scan_text(text) if f.label == "PHONE"], text


def test_spoken_phone_in_a_call_transcript() -> None:
    from tenbin.privacy import Detector, PrivacyConfig

    det = Detector(PrivacyConfig(ner=False))
    text = "えー、携帯の番号はですね、090の5091の2083です。"
    found = [f for f in det.scan_text(text) if f.label == "PHONE"]
    assert [text[f.start:f.end] for f in found] == ["090の5091の2083"]
    assert not [f for f in det.scan_text("住所は1の2の3です") if f.label == "PHONE"]
