from tenbin.privacy.address import AddressRecognizer

from .conftest import surfaces

R = AddressRecognizer()


def test_prefecture_to_room() -> None:
    text = "〒060-0042 北海道札幌市中央区大通西5丁目8番地 ライオンズマンション大通302号室\n"
    assert surfaces(R, text) == ["北海道札幌市中央区大通西5丁目8番地 ライオンズマンション大通302号室"]


def test_without_prefecture_and_floor() -> None:
    assert surfaces(R, "ご住所　横浜市港北区新横浜3-7-18 日総第18ビル5階\n") == [
        "横浜市港北区新横浜3-7-18 日総第18ビル5階"
    ]


def test_company_or_prose_after_address_excluded() -> None:
    assert surfaces(R, "送付先：大阪府大阪市北区梅田3-5-6 丸栄フーズ") == ["大阪府大阪市北区梅田3-5-6"]
    assert surfaces(R, "千葉県柏市柏4-22-6 です") == ["千葉県柏市柏4-22-6"]
    assert surfaces(R, "大阪市北区梅田1-1-3 大阪駅前第3ビル 17階に移転") == [
        "大阪市北区梅田1-1-3 大阪駅前第3ビル 17階"
    ]


def test_kanji_numerals() -> None:
    assert surfaces(R, "埼玉県川越市新富町二丁目21番12号") == ["埼玉県川越市新富町二丁目21番12号"]


def test_romaji_address() -> None:
    text = "Sunrise Tower 13F, 1-17-13 Sakae, Naka-ku, Nagoya-shi, Aichi 460-0008"
    assert surfaces(R, text) == ["Sunrise Tower 13F, 1-17-13 Sakae, Naka-ku, Nagoya-shi, Aichi"]


def test_bare_place_name_is_not_an_address() -> None:
    assert surfaces(R, "来週は東京都港区で打ち合わせ") == []


def test_asahikawa_jo_dori_block() -> None:
    from tenbin.privacy.address import AddressRecognizer
    from tenbin.privacy.normalize import normalize

    text = "送付先：北海道旭川市7条通10丁目2205 です"
    got = [text[s.start : s.end] for s in AddressRecognizer().find(text, normalize(text))]
    assert got == ["北海道旭川市7条通10丁目2205"]
