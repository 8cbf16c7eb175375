"""The native codecs alone: which strings of a face's own request masking may rewrite, and how a
relayed stream releases a placeholder split across deltas before its block ends."""

from __future__ import annotations

from typing import Any

from tenbin.faces import messages_native, responses_native


def _mask(text: str) -> str:
    return text.replace("山田", "〔氏名1〕").replace("〔氏名9〕", "〔原文:氏名9〕")


def _values(text: str) -> str:
    return text.replace("山田", "〔氏名1〕")


def test_messages_masking_rewrites_text_parts_only() -> None:
    thinking = {"type": "thinking", "thinking": "〔氏名9〕の件を考える", "signature": "sig山田"}
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBOR山田"}}
    body: dict[str, Any] = {
        "model": "claude", "max_tokens": 64, "system": [{"type": "text", "text": "山田様へ", "cache_control":
                                                          {"type": "ephemeral"}}],
        "tools": [{"type": "web_search_20250305", "name": "web_search"}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "山田です 〔氏名9〕"}, image]},
                     {"role": "assistant", "content": [thinking, {"type": "tool_use", "id": "toolu_山田",
                                                                   "name": "crm", "input": {"who": "山田"}}]},
                     {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_山田",
                                                   "content": "山田: 090"}]}],
    }
    kept = messages_native.CODEC.mask(body, _mask, _values, drop_binary=False)
    assert kept["system"][0] == {"type": "text", "text": "〔氏名1〕様へ", "cache_control": {"type": "ephemeral"}}
    user, assistant, result = kept["messages"]
    assert user["content"] == [{"type": "text", "text": "〔氏名1〕です 〔原文:氏名9〕"}, image]  # image bytes untouched
    # signed thinking: byte for byte (no escaping of a placeholder a masked answer left), ids too
    assert assistant["content"][0] == thinking
    assert assistant["content"][1] == {"type": "tool_use", "id": "toolu_山田", "name": "crm",
                                       "input": {"who": "〔氏名1〕"}}
    assert result["content"][0]["tool_use_id"] == "toolu_山田" and result["content"][0]["content"] == "〔氏名1〕: 090"
    assert kept["tools"] == body["tools"] and body["messages"][0]["content"][0]["text"] == "山田です 〔氏名9〕"

    dropped = messages_native.CODEC.mask(body, _mask, _values, drop_binary=True)
    assert dropped["messages"][0]["content"][1] == {"type": "text", "text": "〔画像〕"}


def test_responses_masking_keeps_ids_and_drops_images_when_asked() -> None:
    body: dict[str, Any] = {"model": "gpt", "store": True, "instructions": "山田様の担当",
                            "tools": [{"type": "web_search"}],
                            "input": [{"role": "user", "content": [
                                {"type": "input_text", "text": "山田です"},
                                {"type": "input_image", "image_url": "data:image/png;base64,iVBOR"}]},
                                {"type": "function_call", "call_id": "call_山田", "name": "crm",
                                 "arguments": '{"who": "山田"}'},
                                {"type": "reasoning", "id": "rs_1", "encrypted_content": "gAAA山田",
                                 "summary": [{"type": "summary_text", "text": "〔氏名9〕について"}]}]}
    out = responses_native.CODEC.mask(body, _mask, _values, drop_binary=True)
    assert out["instructions"] == "〔氏名1〕様の担当" and out["store"] is True and out["tools"] == body["tools"]
    msg, call, reasoning = out["input"]
    assert msg["content"] == [{"type": "input_text", "text": "〔氏名1〕です"},
                              {"type": "input_text", "text": "〔画像〕"}]
    assert call["call_id"] == "call_山田" and call["arguments"] == '{"who": "〔氏名1〕"}'
    assert reasoning == body["input"][2]  # encrypted and signed-alike reasoning stays as it was


class _Session:
    def restore(self, text: str) -> str:
        return text.replace("〔氏名1〕", "山田太郎")

    def unescape(self, text: str) -> str:
        return text

    def stream_restorer(self, restore: Any = None) -> Any:
        from tenbin.privacy.stream import StreamRestorer

        return StreamRestorer(restore or self.restore)


class _Restorer:
    session = _Session()

    def arguments(self, name: str | None) -> Any:
        return self.session.unescape

    def tool_name(self, name: str) -> str:
        return name


def test_messages_relay_releases_a_split_placeholder_before_the_block_stops() -> None:
    relay = messages_native.CODEC.relay(_Restorer(), "req_abc", "claude")
    out: list[tuple[str, dict[str, Any]]] = []
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {"id": "msg_vendor", "model": "claude-x", "content": []}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "担当は〔氏"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "名1〕で"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "す〔氏名"}},
        {"type": "content_block_stop", "index": 0},
    ]
    for ev in events:
        out += relay.feed(str(ev["type"]), ev)
    assert out[0][1]["message"]["id"] == "msg_abc" and out[0][1]["message"]["model"] == "claude"
    texts = [d["delta"]["text"] for e, d in out if e == "content_block_delta"]
    assert texts == ["担当は", "山田太郎で", "す", "〔氏名"]  # held back; a tail released before the stop
    assert [e for e, _ in out][-2:] == ["content_block_delta", "content_block_stop"]


def test_responses_relay_renumbers_events_around_a_released_tail() -> None:
    relay = responses_native.CODEC.relay(_Restorer(), "req_abc", "gpt")
    base = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "sequence_number": 0,
         "response": {"id": "resp_v", "model": "gpt-x", "output": []}},
        {"type": "response.output_text.delta", "sequence_number": 1, **base, "delta": "担当は〔氏名"},
        {"type": "response.output_text.done", "sequence_number": 2, **base, "text": "担当は〔氏名1〕"},
    ]
    out: list[tuple[str, dict[str, Any]]] = []
    for ev in events:
        out += relay.feed(str(ev["type"]), ev)
    assert [d["sequence_number"] for _, d in out] == [0, 1, 2, 3]
    assert out[0][1]["response"]["id"] == "resp_abc"
    assert [(e, d.get("delta"), d.get("text")) for e, d in out[1:]] == [
        ("response.output_text.delta", "担当は", None), ("response.output_text.delta", "〔氏名", None),
        ("response.output_text.done", None, "担当は山田太郎")]
