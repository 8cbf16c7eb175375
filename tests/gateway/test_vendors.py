"""Clients keep speaking OpenAI while tenbin talks Anthropic and Gemini wire formats upstream."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from tests.conftest import fake_model
from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.fake_gemini import FakeGemini
from tests.harness import LoopThread, start_gateway


@pytest.mark.parametrize("vendor", ["anthropic", "gemini"])
def test_openai_sdk_through_vendor_adapter(lt: LoopThread, tmp_path: Path, vendor: str) -> None:
    fake = lt.run((FakeAnthropic(api_key="vk") if vendor == "anthropic" else FakeGemini(api_key="vk")).start())
    try:
        cfg = {
            "providers": {"v": {"kind": vendor, "base_url": fake.url, "api_key": "${VENDOR_KEY}"}},
            "models": [fake_model("m", "v", upstream=f"{vendor}-upstream-name")],
            "default_model": "m",
        }
        gw = start_gateway(lt, cfg, tmp_path, {"VENDOR_KEY": "vk"})
        try:
            c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0)
            msgs = [{"role": "system", "content": "丁寧に答える"}, {"role": "user", "content": "こんにちは"}]
            r = c.chat.completions.create(model="m", messages=msgs, max_tokens=50)  # type: ignore[arg-type]
            assert r.choices[0].message.content == fake.default_text
            assert r.usage is not None and r.usage.prompt_tokens > 0
            text = "".join(ch.choices[0].delta.content or "" for ch in c.chat.completions.create(
                model="m", messages=msgs, stream=True) if ch.choices)  # type: ignore[arg-type]
            assert text == fake.default_text
            sent = fake.requests[0].json()
            if vendor == "anthropic":
                assert sent["model"] == "anthropic-upstream-name" and sent["system"] == "丁寧に答える"
            else:
                assert "丁寧に答える" in str(sent["systemInstruction"])
            rows = gw.rows()
            assert [r["status"] for r in rows] == [200, 200]
            assert all(r["prompt_tokens"] > 0 and r["tokens_reported"] for r in rows)
        finally:
            gw.stop()
    finally:
        lt.run(fake.stop())
