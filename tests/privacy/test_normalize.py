from tenbin.privacy.normalize import normalize


def test_length_preserved_and_fullwidth_folded() -> None:
    raw = "電話：０９０－１２３４－５６７８　ＴＥＬ（03）ｱｲｳ"
    out = normalize(raw)
    assert len(out) == len(raw)
    assert "090-1234-5678 TEL(03)アイウ" in out


def test_long_vowel_only_between_digits() -> None:
    assert normalize("０９０ー１２３４") == "090-1234"
    assert normalize("サーバー") == "サーバー"


def test_dash_variants() -> None:
    for dash in "‐‑‒–—―−－":
        assert normalize(f"03{dash}1234") == "03-1234"
