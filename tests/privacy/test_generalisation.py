"""Hand-written documents in wording unlike the dev set: checks the rules generalise."""

from tenbin.privacy import Detector, Masker

DOC = """【配送トラブル報告】
お届け先：〒060-0042 札幌市中央区大通西5丁目8番地 ライオンズマンション大通302号室
受取人：菅野 陽菜 様（カンノ ヒナ）
携帯：090ー1111ー2222　FAX：(011)222-3333
ご依頼主の連絡先：hina.kanno@example.ne.jp
Mr. Kenji Watanabe (passport TK1234567, DOB 12/03/1985) will pick it up.
社内メモ：注文番号 4000-1234-5678、問い合わせ番号 123456789012 は再発行済み。"""


def test_labels_found(full: Detector) -> None:
    got = {(f.label, f.text) for f in full.scan_text(DOC)}
    expected = {
        ("POSTAL_CODE", "060-0042"),
        ("ADDRESS", "札幌市中央区大通西5丁目8番地 ライオンズマンション大通302号室"),
        ("PERSON", "菅野 陽菜"),
        ("PERSON", "カンノ ヒナ"),
        ("PHONE", "090ー1111ー2222"),
        ("PHONE", "(011)222-3333"),
        ("EMAIL", "hina.kanno@example.ne.jp"),
        ("PERSON", "Kenji Watanabe"),
        ("PASSPORT", "TK1234567"),
        ("BIRTH_DATE", "12/03/1985"),
    }
    assert expected <= got
    assert not any(label in ("MY_NUMBER", "CREDIT_CARD") for label, _ in got)


def test_nothing_structured_leaks(full: Detector) -> None:
    msgs = [{"role": "user", "content": DOC}]
    masked = Masker().mask_messages(msgs, full.scan_messages(msgs)).messages[0]["content"]
    for value in ("090ー1111ー2222", "hina.kanno@example.ne.jp", "TK1234567", "菅野", "Watanabe"):
        assert value not in masked
