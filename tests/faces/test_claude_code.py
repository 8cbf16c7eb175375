"""Claude Code against tenbin, set up as docs/faces.md "Claude Code" says: the real ``anthropic``
SDK configured from the environment (``ANTHROPIC_BASE_URL`` the gateway, ``ANTHROPIC_API_KEY`` or
``ANTHROPIC_AUTH_TOKEN`` a tenbin key), calling the beta Messages API (``/v1/messages?beta=true``)
with Claude Code's ``anthropic-beta`` list, dated Claude model ids (a Sonnet for the session, a
Haiku for the small/fast model) mapped by ``routing.aliases`` and by catalog ``aliases``, a
streamed tool_use turn then its tool_result turn, and ``count_tokens``. Served natively by
Anthropic, and the same session rerouted to a domestic OpenAI-compatible model when the prompt
holds personal data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic
import httpx
import pytest

from tests.conftest import fake_model, openai_provider
from tests.fakes.base import Reply
from tests.fakes.fake_anthropic import FakeAnthropic, message_events
from tests.fakes.scripted_openai import ScriptedOpenAI, chunk, delta, stream, text_deltas, tool_deltas
from tests.harness import GatewayHandle, LoopThread, start_gateway

SONNET = "claude-sonnet-4-5-20250929"  # what Claude Code asks for: ANTHROPIC_MODEL's default
HAIKU = "claude-haiku-4-5-20251001"  # ANTHROPIC_SMALL_FAST_MODEL's default
BETAS = ["claude-code-20250219", "interleaved-thinking-2025-05-14", "fine-grained-tool-streaming-2025-05-14"]
SYSTEM: Any = [{"type": "text", "text": "You are Claude Code, Anthropic's official CLI for Claude.",
                "cache_control": {"type": "ephemeral"}}]
TOOLS: Any = [{"name": "Read", "description": "Reads a file from the local filesystem.",
               "input_schema": {"type": "object", "properties": {"file_path": {"type": "string"}},
                                "required": ["file_path"]}}]
USER_ID = "user_0123abcd_account__session_6f1c2a5e-1b2c-4d3e-8f90-123456789abc"
PII = "山田太郎さん(電話 090-1234-5678)宛てのお詫びメールを docs/mail.md に下書きして。"


@pytest.fixture
def setup(lt: LoopThread, tmp_path: Path) -> Iterator[tuple[GatewayHandle, FakeAnthropic, ScriptedOpenAI, str]]:
    """The documented setup: Anthropic models whose upstream ids are Claude Code's, reached by
    ``routing.aliases`` (Sonnet) and catalog ``aliases`` (Haiku); a domestic model; on_sensitive
    reroute under a personal-in-Japan constraint. Yields the gateway, both fakes and a tenbin key."""
    abroad = lt.run(FakeAnthropic(api_key="k").start())
    home = lt.run(ScriptedOpenAI().start())
    tools = {"tools": True}
    cfg = {
        "providers": {"anthropic": {"kind": "anthropic", "base_url": abroad.url, "api_key": "${FAKE_KEY}"},
                      "jp": openai_provider(home.url + "/v1")},
        "models": [fake_model("sonnet-4.5", "anthropic", upstream=SONNET, capabilities=tools),
                   fake_model("haiku-4.5", "anthropic", upstream=HAIKU, aliases=[HAIKU], capabilities=tools),
                   fake_model("jp-small", "jp", region="JP", capabilities=tools)],
        "default_model": "sonnet-4.5",
        "routing": {"aliases": {SONNET: {"model": "sonnet-4.5"}},
                    "on_sensitive": "reroute",
                    "constraints": [{"name": "personal-in-japan",
                                     "when": {"data_class": ["PERSONAL", "SPECIAL_CARE"]},
                                     "require": {"region": ["JP", "on-prem"]}}]},
    }
    gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
    key, _ = lt.run(gw.runtime.keyring.create("eng", "claude-code", "app"))
    yield gw, abroad, home, key
    gw.stop()
    lt.run(abroad.stop())
    lt.run(home.stop())


def _claude_code(monkeypatch: pytest.MonkeyPatch, gw: GatewayHandle, key: str, var: str,
                 tmp_path: Path) -> anthropic.Anthropic:
    """The client as Claude Code builds it from the user's environment: no base URL or key given
    to the constructor, only the variables the docs tell the user to set."""
    monkeypatch.setenv("ANTHROPIC_BASE_URL", gw.url)
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(var, key)
    monkeypatch.setenv("ANTHROPIC_CONFIG_DIR", str(tmp_path / "no-profile"))  # no profile on disk
    return anthropic.Anthropic(max_retries=0, timeout=30,
                               default_headers={"x-app": "cli", "user-agent": "claude-cli/2.0.14 (external, cli)"})


def _history(first: Any, assistant: Any, use_id: str, result: str) -> Any:
    return [first, {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in assistant.content]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use_id, "content": result}]}]


def test_claude_code_session_served_natively_by_anthropic(
        setup: tuple[GatewayHandle, FakeAnthropic, ScriptedOpenAI, str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    gw, abroad, home, key = setup
    c = _claude_code(monkeypatch, gw, key, "ANTHROPIC_API_KEY", tmp_path)
    first: Any = {"role": "user", "content": "README.md を読んで要点を教えて"}

    counted = c.beta.messages.count_tokens(model=SONNET, system=SYSTEM, tools=TOOLS, messages=[first],
                                           betas=BETAS)
    assert counted.input_tokens > 0 and abroad.requests == []  # tenbin's estimate, no vendor call

    title = c.beta.messages.create(model=HAIKU, max_tokens=512, messages=[first], betas=["claude-code-20250219"],
                                   metadata={"user_id": USER_ID})
    assert title.model == "haiku-4.5" and title.content[0].type == "text"
    assert title.content[0].text == abroad.default_text
    assert abroad.requests[-1].json()["model"] == HAIKU

    abroad.enqueue(Reply(events=message_events(["読み", "ます"], tool_uses=[
        ("toolu_01", "Read", {"file_path": "/repo/README.md"})])))
    with c.beta.messages.stream(model=SONNET, max_tokens=32000, system=SYSTEM, tools=TOOLS, messages=[first],
                                metadata={"user_id": USER_ID}, betas=BETAS) as s:
        assert "".join(s.text_stream) == "読みます"
        turn = s.get_final_message()
    assert turn.stop_reason == "tool_use" and turn.model == "sonnet-4.5"
    use = turn.content[-1]
    assert use.type == "tool_use" and use.id == "toolu_01" and use.name == "Read"
    assert use.input == {"file_path": "/repo/README.md"}
    sent = abroad.requests[-1]
    assert sent.path == "/v1/messages" and sent.headers["x-api-key"] == "k"  # the vendor's key, not tenbin's
    assert sent.headers["anthropic-beta"] == ",".join(BETAS)
    body = sent.json()
    assert body["model"] == SONNET and body["stream"] is True and body["max_tokens"] == 32000
    assert body["system"] == SYSTEM and body["tools"] == TOOLS  # cache_control as Claude Code wrote it
    assert body["metadata"] == {"user_id": USER_ID}

    abroad.enqueue(Reply(events=message_events(["要点は", "三つです"])))
    history = _history(first, turn, "toolu_01", "# tenbin\nA self-hosted AI gateway.")
    with c.beta.messages.stream(model=SONNET, max_tokens=32000, system=SYSTEM, tools=TOOLS, messages=history,
                                metadata={"user_id": USER_ID}, betas=BETAS) as s:
        assert "".join(s.text_stream) == "要点は三つです"
        assert s.get_final_message().stop_reason == "end_turn"
    body = abroad.requests[-1].json()
    assert body["model"] == SONNET and body["messages"][1]["content"] == history[1]["content"]
    assert body["messages"][2]["content"] == history[2]["content"]
    assert abroad.requests[-1].headers["anthropic-beta"] == ",".join(BETAS)
    assert home.requests == []

    rows = gw.rows()
    assert [(r["requested_model"], r["served_model"], r["provider"], r["status"]) for r in rows] == [
        (HAIKU, "haiku-4.5", "anthropic", 200), (SONNET, "sonnet-4.5", "anthropic", 200),
        (SONNET, "sonnet-4.5", "anthropic", 200)]
    assert all(r["team"] == "eng" and r["project"] == "claude-code" for r in rows)
    assert all(r["prompt_tokens"] > 0 and r["completion_tokens"] > 0 for r in rows)


def _usage(prompt: int, completion: int) -> dict[str, Any]:
    return chunk(usage={"prompt_tokens": prompt, "completion_tokens": completion,
                        "total_tokens": prompt + completion})


def test_claude_code_session_rerouted_to_a_domestic_model_when_the_prompt_is_personal(
        setup: tuple[GatewayHandle, FakeAnthropic, ScriptedOpenAI, str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("sudachipy")
    gw, abroad, home, key = setup
    c = _claude_code(monkeypatch, gw, key, "ANTHROPIC_AUTH_TOKEN", tmp_path)  # sent as Bearer
    first: Any = {"role": "user", "content": PII}
    args = '{"file_path": "docs/mail.md"}'
    home.answer(
        lambda body: stream([chunk([delta({"role": "assistant", "content": ""})]), *text_deltas("確認します", 2),
                             *tool_deltas("Read", args, 5, ident="call_7"), chunk([delta({}, "tool_calls")]),
                             _usage(40, 12)]),
        lambda body: stream([*text_deltas("山田太郎様、申し訳ございません。", 3), chunk([delta({}, "stop")]),
                             _usage(60, 15)]))

    with c.beta.messages.stream(model=SONNET, max_tokens=32000, system=SYSTEM, tools=TOOLS, messages=[first],
                                metadata={"user_id": USER_ID}, betas=BETAS) as s:
        assert "".join(s.text_stream) == "確認します"
        turn = s.get_final_message()
    assert turn.model == "jp-small" and turn.stop_reason == "tool_use"
    use = turn.content[-1]
    assert use.type == "tool_use" and use.id == "call_7" and use.name == "Read"
    assert use.input == {"file_path": "docs/mail.md"}
    assert turn.usage.input_tokens == 40 and turn.usage.output_tokens == 12
    sent = home.received()
    assert sent["model"] == "jp-small" and sent["stream"] is True
    assert sent["tools"][0]["type"] == "function" and sent["tools"][0]["function"]["name"] == "Read"
    assert sent["messages"][-1] == {"role": "user", "content": [{"type": "text", "text": PII}]}  # not masked
    assert "cache_control" not in home.requests[-1].body.decode()  # Anthropic-only, left out
    assert "anthropic-beta" not in home.requests[-1].headers

    history = _history(first, turn, "call_7", "(空のファイル)")
    with c.beta.messages.stream(model=SONNET, max_tokens=32000, system=SYSTEM, tools=TOOLS, messages=history,
                                metadata={"user_id": USER_ID}, betas=BETAS) as s:
        assert "".join(s.text_stream) == "山田太郎様、申し訳ございません。"
        assert s.get_final_message().stop_reason == "end_turn"
    sent = home.received()
    calls = [m for m in sent["messages"] if m.get("tool_calls")]
    assert calls[0]["tool_calls"][0]["id"] == "call_7"
    assert calls[0]["tool_calls"][0]["function"]["name"] == "Read"
    assert [m for m in sent["messages"] if m["role"] == "tool"] == [
        {"role": "tool", "tool_call_id": "call_7", "content": "(空のファイル)"}]
    assert abroad.requests == []  # the personal prompt never went abroad

    rows = gw.rows()
    assert [(r["requested_model"], r["served_model"], r["provider"], r["data_class"]) for r in rows] == [
        (SONNET, "jp-small", "jp", "personal")] * 2
    assert [(r["prompt_tokens"], r["completion_tokens"]) for r in rows] == [(40, 12), (60, 15)]
    assert all(r["team"] == "eng" and r["status"] == 200 for r in rows)


def test_the_clients_anthropic_version_reaches_anthropic(lt: LoopThread, tmp_path: Path) -> None:
    """Natively, the body is the client's, written for the client's API version: its
    ``anthropic-version`` goes with it; without one, the provider's ``api_version`` is sent."""
    fake = lt.run(FakeAnthropic(api_key="k").start())
    try:
        cfg = {"providers": {"a": {"kind": "anthropic", "base_url": fake.url, "api_key": "${FAKE_KEY}",
                                   "api_version": "2023-01-01"}},
               "models": [fake_model("claude", "a", upstream=SONNET)], "default_model": "claude"}
        gw = start_gateway(lt, cfg, tmp_path, {"FAKE_KEY": "k"})
        try:
            body = {"model": "claude", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
            for stream in (False, True):
                r = httpx.post(gw.url + "/v1/messages", json={**body, "stream": stream}, timeout=30,
                               headers={"x-api-key": "local", "anthropic-version": "2023-06-01"})
                assert r.status_code == 200, r.text
            r = httpx.post(gw.url + "/v1/messages", json=body, headers={"authorization": "Bearer local"},
                           timeout=30)
            assert r.status_code == 200, r.text
            assert [q.headers["anthropic-version"] for q in fake.requests] == ["2023-06-01"] * 2 + ["2023-01-01"]
            assert all(q.json()["model"] == SONNET for q in fake.requests)
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())
