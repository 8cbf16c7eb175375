from tenbin.privacy.recognizers import DriverLicenseRecognizer, IpAddressRecognizer, PassportRecognizer

from .conftest import surfaces


def test_passport_needs_context() -> None:
    assert surfaces(PassportRecognizer(), "旅券番号：ＴＫ１２３４５６７") == ["ＴＫ１２３４５６７"]
    assert surfaces(PassportRecognizer(), "Passport No. MZ6474200, valid") == ["MZ6474200"]
    assert surfaces(PassportRecognizer(), "品番 MB8093614") == []


def test_driver_license_grouped() -> None:
    assert surfaces(DriverLicenseRecognizer(), "運転免許証番号：3067 9432 6070") == ["3067 9432 6070"]
    assert surfaces(DriverLicenseRecognizer(), "問い合わせ番号 306794326070") == []


def test_ip_v4_v6_and_versions() -> None:
    r = IpAddressRecognizer()
    assert surfaces(r, "接続元IP：203.0.113.7 から") == ["203.0.113.7"]
    assert surfaces(r, "gateway fe80::1ff:fe23:4567:890a") == ["fe80::1ff:fe23:4567:890a"]
    assert surfaces(r, "クライアントモジュール 9.4.98.139 を同梱") == []
    assert surfaces(r, "ビルド 192.168 で解消") == []
    assert surfaces(r, "会議は10:00:00開始") == []
    assert surfaces(r, "256.1.1.1") == []
