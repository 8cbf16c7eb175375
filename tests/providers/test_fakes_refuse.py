"""The fakes refuse what the real services refuse (issue 14, item 5), so an adapter that sent one
of these would fail its tests: checked here on the wire, with the vendors' own messages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.fake_azure import FakeAzure
from tests.fakes.fake_gemini import FakeGemini
from tests.harness import LoopThread

USER = {"role": "user", "parts": [{"text": "hi"}]}
CALL = {"role": "model", "parts": [{"functionCall": {"name": "w", "args": {}}}]}
ANSWER = {"functionResponse": {"name": "w", "response": {"r": 1}}}


@pytest.mark.parametrize(("model", "body", "says"), [
    ("gemini-2.5-flash", {"contents": [USER], "tools": [{"functionDeclarations": [{"name": "w"}]}],
                          "generationConfig": {"responseMimeType": "application/json"}}, "mime type"),
    ("gemini-2.5-flash", {"contents": [USER], "generationConfig": {"presencePenalty": 0.5}}, "Penalty"),
    ("gemini-3-pro-preview", {"contents": [USER, CALL, {"role": "user", "parts": [ANSWER]}]}, "thought_signature"),
    ("gemini-2.5-flash", {"contents": [USER, CALL, {"role": "user", "parts": [ANSWER, ANSWER]}]},
     "number of function response parts"),
])
def test_gemini_refuses(lt: LoopThread, model: str, body: dict[str, Any], says: str) -> None:
    fake = lt.run(FakeGemini(api_key="k").start())
    try:
        r = httpx.post(f"{fake.url}/v1beta/models/{model}:generateContent", json=body,
                       headers={"x-goog-api-key": "k"}, timeout=10)
    finally:
        lt.run(fake.stop())
    assert r.status_code == 400 and says in r.text


def test_claude_4_5_refuses_temperature_and_top_p(lt: LoopThread) -> None:
    fake = lt.run(FakeAnthropic(api_key="k").start())
    try:
        r = httpx.post(f"{fake.url}/v1/messages", timeout=10,
                       headers={"x-api-key": "k", "anthropic-version": "2023-06-01"},
                       json={"model": "claude-sonnet-4-5-20250929", "max_tokens": 5, "temperature": 0.3,
                             "top_p": 0.9, "messages": [{"role": "user", "content": "hi"}]})
    finally:
        lt.run(fake.stop())
    assert r.status_code == 400 and "cannot both be specified" in r.text


@pytest.mark.parametrize("path", ["/openai/chat/completions?api-version=2024-10-21",
                                  "/openai/deployments/gpt-4o/chat/completions"])
def test_azure_refuses_a_url_without_deployment_or_api_version(lt: LoopThread, path: str) -> None:
    fake = lt.run(FakeAzure({"gpt-4o": "gpt-4o-2024-11-20"}, api_key="k").start())
    try:
        r = httpx.post(fake.url + path, headers={"api-key": "k"}, timeout=10,
                       json={"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})
    finally:
        lt.run(fake.stop())
    assert r.status_code == 404 and "Resource not found" in r.text
