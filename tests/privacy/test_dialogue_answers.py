"""In a dialogue or transcript, a question on one turn (生年月日を…, お電話番号を…, マイナンバーを…)
marks the value in the next turn, which carries no label of its own. The negative cases show the
same answer without the question is not found, and that a statement is not a question."""

from __future__ import annotations

import pytest

from tenbin.privacy import Detector
from tenbin.privacy.dialogue import answers

ASKED = [
    ("オペレーター：生年月日をお願いします。", "お客様：昭和58年4月1日です。", "BIRTH_DATE", "昭和58年4月1日"),
    ("担当: お誕生日を教えていただけますか", "顧客: 1985/04/12 です", "BIRTH_DATE", "1985/04/12"),
    ("[10:03] 佐藤: 生年月日は？", "[10:04] 田中: S58.4.1", "BIRTH_DATE", "S58.4.1"),
    ("オペ：お電話番号をお願いします", "客：0312345678です", "PHONE", "0312345678"),
    ("A: ご連絡先を伺えますか", "B: はい、(0452223333) です", "PHONE", "0452223333"),
    ("オペ：マイナンバーを読み上げてください", "客：1234 5678 9012", "MY_NUMBER", "1234 5678 9012"),
]


@pytest.mark.parametrize(("question", "answer", "label", "value"), ASKED)
def test_the_answer_turn_after_a_question_cue_is_found(
    structured: Detector, question: str, answer: str, label: str, value: str
) -> None:
    found = {(f.label, f.text) for f in structured.scan_text(f"{question}\n{answer}\n")}
    assert (label, value) in found


@pytest.mark.parametrize(("question", "answer", "label", "value"), ASKED)
def test_the_same_answer_after_another_question_is_not_found(
    structured: Detector, question: str, answer: str, label: str, value: str
) -> None:
    text = f"オペ：ご注文の番号をお願いします。\n{answer}\n"
    assert (label, value) not in {(f.label, f.text) for f in structured.scan_text(text)}


def test_a_blank_line_between_the_turns_is_skipped(structured: Detector) -> None:
    text = "Q：生年月日をお願いします\n\nA：平成2年5月3日です\n"
    assert ("BIRTH_DATE", "平成2年5月3日") in {(f.label, f.text) for f in structured.scan_text(text)}


def test_a_statement_naming_the_item_is_not_a_question() -> None:
    # 「生年月日は書類に記載済み」 asks nothing: the next line is not an answer.
    assert answers("生年月日は書類に記載済みです。\n入社日 2010/04/01\n", "birth") == []


def test_only_the_turn_right_after_the_question_is_an_answer(structured: Detector) -> None:
    text = "オペ：生年月日をお願いします\n客：えっと、少々お待ちください\n客：ご依頼日は 2024/04/01 でした\n"
    assert not any(f.label == "BIRTH_DATE" for f in structured.scan_text(text))


def test_the_speaker_prefix_is_not_part_of_the_answer() -> None:
    text = "オペ：お電話番号をお願いします\n[10:04] 田中: 0312345678\n"
    (a,) = answers(text, "phone")
    assert text[a.start : a.end] == "0312345678"


def test_a_name_answering_a_name_question_is_found(full: Detector) -> None:
    text = "オペ：お名前をお願いします\n客：はい、やまだ はなこです。\n"
    assert ("PERSON", "やまだ はなこ") in {(f.label, f.text) for f in full.scan_text(text)}
    other = "オペ：ご用件をお願いします\n客：はい、やまだ はなこです。\n"
    assert ("PERSON", "やまだ はなこ") not in {(f.label, f.text) for f in full.scan_text(other)}


def test_a_sentence_answering_a_name_question_is_not_a_name(full: Detector) -> None:
    text = "オペ：お名前を伺えますか\n客：えっと、請求書が届かないんですけど\n"
    assert not any(f.label == "PERSON" for f in full.scan_text(text))


def test_an_address_answering_an_address_question_is_taken_whole(full: Detector) -> None:
    value = "港区芝公園4丁目2-8 グランフォレスト芝"
    text = f"オペ：ご住所を教えてください\n客：{value}です\n"
    assert ("ADDRESS", value) in {(f.label, f.text) for f in full.scan_text(text)}


def test_a_request_for_something_else_about_the_item_is_not_a_question_for_it(structured: Detector) -> None:
    # asks for a document (書類を), not for the date: the date in the next turn is a deadline
    text = "担当：生年月日を確認できる書類をお願いします\n客：運転免許証のコピーを2025/01/10までに送ります\n"
    assert not any(f.label == "BIRTH_DATE" for f in structured.scan_text(text))
