"""Address forms added after the blind2 set: 1の2の3, the Hokkaido 線/号 grid, bare lot numbers after
字 or a Kyoto 上る/下る, vertical addresses written one part per line, English building names and a
designated city after its ward in romaji. Text here is written for these tests; each rule has a
negative case next to it."""

from tenbin.privacy.address import AddressRecognizer

from .conftest import surfaces

R = AddressRecognizer()


def test_no_separated_block() -> None:
    assert surfaces(R, "お届け先は岐阜県大垣市郭町3の14の7でお間違いないですか") == ["岐阜県大垣市郭町3の14の7"]
    assert surfaces(R, "答えは3の倍数です") == []


def test_hokkaido_grid() -> None:
    assert surfaces(R, "北海道上川郡東神楽町南二線西15号\n") == ["北海道上川郡東神楽町南二線西15号"]
    assert surfaces(R, "国道12号を北上") == []


def test_bare_lot_after_aza_or_kyoto_direction() -> None:
    assert surfaces(R, "所在地：宮崎県西臼杵郡高千穂町大字押方字上野876\n") == [
        "宮崎県西臼杵郡高千穂町大字押方字上野876"
    ]
    assert surfaces(R, "京都市下京区堺町通綾小路下る絹屋町112 です") == ["京都市下京区堺町通綾小路下る絹屋町112"]
    # no 字/通 direction: a bare number after a town is a count, not a lot
    assert surfaces(R, "京都市下京区の店舗112") == []
    assert surfaces(R, "京都市の字幕1080本") == []


def test_vertical_address() -> None:
    text = "〒９９０－００４７\n山形県\n山形市旅篭町\n二丁目\n四番\n十一号\n\n東雲 葵 様"
    assert surfaces(R, text) == ["山形県\n山形市旅篭町\n二丁目\n四番\n十一号"]
    text = "福井県\n福井市大手\n三丁目\n七番地\nメゾン大手\n二〇五号\n"
    assert surfaces(R, text) == ["福井県\n福井市大手\n三丁目\n七番地\nメゾン大手\n二〇五号"]
    # a date on the next line is not part of the address
    assert surfaces(R, "東京都\n2025年4月1日 施行") == []


def test_english_building_name() -> None:
    assert surfaces(R, "住所：大分県別府市北浜2丁目5-8 Kitahama Garden 302\n") == [
        "大分県別府市北浜2丁目5-8 Kitahama Garden 302"
    ]
    assert surfaces(R, "大分県別府市北浜2丁目5-8 Beppu Foods 御中") == ["大分県別府市北浜2丁目5-8"]


def test_romaji_designated_city_after_ward() -> None:
    assert surfaces(R, "ship to 4-2-10 Hiranocho, Chuo-ku, Osaka\n") == ["4-2-10 Hiranocho, Chuo-ku, Osaka"]
    assert surfaces(R, "ship to 2-8-1 Kamiooka, Konan-ku, Yokohama by Friday") == ["2-8-1 Kamiooka, Konan-ku, Yokohama"]
