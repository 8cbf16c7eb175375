from typing import Any

from tenbin.privacy import Detector, Masker

MESSAGES: list[dict[str, Any]] = [
    {"role": "system", "content": "あなたは丁寧なアシスタントです。"},
    {
        "role": "user",
        "content": [
            {"type": "text", "text": "担当の山田太郎様（090-1111-2222）へ返信文を。"},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        ],
    },
    {"role": "assistant", "content": "承知しました。"},
    {"role": "user", "content": "山田太郎様のメールは taro@example.jp です。"},
]


def test_pseudonymize_consistent_across_messages(full: Detector) -> None:
    scan = full.scan_messages(MESSAGES)
    session = Masker("pseudonymize").mask_messages(MESSAGES, scan)
    masked = session.messages
    assert masked[1]["content"][0]["text"] == "担当の〔氏名1〕様（〔電話1〕）へ返信文を。"
    assert masked[3]["content"] == "〔氏名1〕様のメールは 〔メール1〕 です。"
    assert masked[1]["content"][1] == MESSAGES[1]["content"][1]
    # The input is untouched (deep copy).
    assert "山田太郎" in MESSAGES[3]["content"]
    assert (
        session.restore("〔氏名1〕様、〔電話1〕にお電話します。")
        == "山田太郎様、090-1111-2222にお電話します。"
    )


def test_undetected_repeat_is_still_masked(full: Detector) -> None:
    msgs = [{"role": "user", "content": "担当：坂口様。坂口の件は以上。"}]
    session = Masker().mask_messages(msgs, full.scan_messages(msgs))
    assert "坂口" not in session.messages[0]["content"]


def test_redact_mode_keeps_no_mapping(full: Detector) -> None:
    msgs = [{"role": "user", "content": "連絡先 090-1111-2222 山田太郎様"}]
    session = Masker("redact").mask_messages(msgs, full.scan_messages(msgs))
    assert session.messages[0]["content"] == "連絡先 〔電話〕 〔氏名〕様"
    assert session.restore("〔電話〕") == "〔電話〕"
    assert session.placeholder_count == 0


def test_unknown_placeholder_left_alone(full: Detector) -> None:
    msgs = [{"role": "user", "content": "090-1111-2222"}]
    session = Masker().mask_messages(msgs, full.scan_messages(msgs))
    assert session.restore("〔電話9〕 と 〔注意〕") == "〔電話9〕 と 〔注意〕"
