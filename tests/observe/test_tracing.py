"""OpenTelemetry traces of real requests through the gateway (the real ``openai`` SDK as client,
fake vendors on loopback), exported over OTLP/HTTP by the SDK's own exporter to a fake collector
that decodes the protobuf ``ExportTraceServiceRequest``: GenAI attribute names, one request span
with a child per provider attempt, fallbacks, streams, the client's ``traceparent`` reaching the
vendor, and no prompt or answer text unless ``capture_content``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openai
import pytest

from tenbin.config.loader import ConfigError, build_config
from tests.conftest import fake_model, openai_provider
from tests.fakes.fake_openai import FakeOpenAI
from tests.fakes.fake_otlp import FakeCollector, Span
from tests.harness import GatewayHandle, LoopThread, start_gateway

ENV = {"FAKE_KEY": "sk-fake"}
PROMPT = "来週の会議の議題を三つ挙げて (prompt-marker-7f3a)"
PERSONAL = "山田様の電話番号 090-1234-5678 宛てに、納期遅延のお詫びメールを書いて"
ANSWER_A = "primary answer (answer-marker-a91c)"
ANSWER_B = "fallback answer (answer-marker-b22d)"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"


@pytest.fixture
def collector(lt: LoopThread) -> Iterator[FakeCollector]:
    c = lt.run(FakeCollector().start())
    yield c
    lt.run(c.stop())


@pytest.fixture
def fakes(lt: LoopThread) -> Iterator[tuple[FakeOpenAI, FakeOpenAI]]:
    a = lt.run(FakeOpenAI(reply=ANSWER_A).start())
    b = lt.run(FakeOpenAI(reply=ANSWER_B).start())
    yield a, b
    lt.run(a.stop())
    lt.run(b.stop())


Start = Callable[..., GatewayHandle]


@pytest.fixture
def start(lt: LoopThread, fakes: tuple[FakeOpenAI, FakeOpenAI], collector: FakeCollector,
          tmp_path: Path) -> Iterator[Start]:
    """A gateway tracing to the fake collector: ``a`` (US) falls back to ``b`` (JP)."""
    handles: list[GatewayHandle] = []

    def go(**tracing: Any) -> GatewayHandle:
        a, b = fakes
        cfg = {
            "providers": {"va": openai_provider(a.url, max_retries=0), "vb": openai_provider(b.url, max_retries=0)},
            "models": [fake_model("a", "va", upstream="a-upstream"), fake_model("b", "vb", region="JP")],
            "default_model": "a", "fallbacks": {"a": ["b"]}, "privacy": {"ner": False},
            "routing": {"rules": [{"name": "support-masked", "when": {"use_case": "support"}, "model": "a",
                                   "on_sensitive": "mask"}]},
            "tracing": {"enabled": True, "endpoint": collector.url + "/v1/traces", "service_name": "tenbin-test",
                        **tracing},
        }
        h = start_gateway(lt, cfg, tmp_path / f"gw{len(handles)}", ENV)
        handles.append(h)
        return h

    yield go
    for h in handles:
        if not h.runtime.extras.get("stopped"):
            h.stop()


def stopped(gw: GatewayHandle) -> None:
    """Stop the gateway: its shutdown flushes the span queue to the collector (nothing else does
    here: the batch processor's 5 s timer never fires within a test)."""
    gw.stop()
    gw.runtime.extras["stopped"] = True  # the fixture must not stop it twice


def client(gw: GatewayHandle, **headers: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.base_url, api_key="local", max_retries=0, default_headers=headers)


def request_span(collector: FakeCollector, request_id: str) -> Span:
    found = [s for s in collector.spans if s.attributes.get("tenbin.request_id") == request_id]
    assert len(found) == 1, found
    return found[0]


def children(collector: FakeCollector, parent: Span) -> list[Span]:
    kids = [s for s in collector.spans if s.parent_span_id == parent.span_id]
    return sorted(kids, key=lambda s: s.start_ns)


def test_a_request_span_with_its_attempt_in_genai_conventions(start: Start, collector: FakeCollector,
                                                              fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    gw = start()
    raw = client(gw).chat.completions.with_raw_response.create(
        model="a", messages=[{"role": "user", "content": PROMPT}], max_tokens=64, temperature=0.2)
    assert raw.parse().choices[0].message.content == ANSWER_A
    rid = raw.headers["x-tenbin-request-id"]
    [row] = gw.rows()
    stopped(gw)

    req = request_span(collector, rid)
    assert req.kind == "server" and req.name == "chat a" and req.parent_span_id == ""
    assert req.resource["service.name"] == "tenbin-test" and req.scope == "tenbin"
    assert req.schema_url == "https://opentelemetry.io/schemas/1.37.0"
    a = req.attributes
    assert a["gen_ai.operation.name"] == "chat" and a["gen_ai.request.model"] == "a"
    assert a["gen_ai.response.model"] == "a" and a["gen_ai.provider.name"] == "openai"
    assert a["gen_ai.request.max_tokens"] == 64 and a["gen_ai.request.temperature"] == pytest.approx(0.2)
    assert a["gen_ai.usage.input_tokens"] == row["prompt_tokens"] > 0
    assert a["gen_ai.usage.output_tokens"] == row["completion_tokens"] > 0
    assert a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["tenbin.cost.jpy"] == pytest.approx(row["cost_jpy_nanos"] / 1e9) and a["tenbin.cost.jpy"] > 0
    assert a["tenbin.data_class"] == row["data_class"] == "public"
    assert a["tenbin.privacy.action"] == "allow" and a["http.response.status_code"] == 200
    assert a["tenbin.team"] == row["team"] and a["tenbin.attempts"] == 1
    assert "error.type" not in a and req.status == 0

    [att] = children(collector, req)
    assert att.trace_id == req.trace_id and att.kind == "client" and att.name == "chat a-upstream"
    b = att.attributes
    assert b["gen_ai.operation.name"] == "chat" and b["gen_ai.provider.name"] == "openai"
    assert b["gen_ai.request.model"] == "a-upstream" and b["tenbin.model"] == "a"
    assert b["gen_ai.response.model"] == "a-upstream"  # as the vendor named it in its answer
    assert b["gen_ai.usage.input_tokens"] == row["prompt_tokens"]
    assert b["gen_ai.usage.output_tokens"] == row["completion_tokens"]
    assert b["server.address"] == "127.0.0.1" and b["tenbin.model.region"] == "US"
    assert b["tenbin.privacy.masked"] is False and b["tenbin.attempt.calls"] == 1
    assert req.start_ns <= att.start_ns <= att.end_ns <= req.end_ns

    # The vendor call carried the attempt's span as its parent, in the request's trace.
    tp = fakes[0].requests[-1].headers["traceparent"].split("-")
    assert tp[1] == req.trace_id and tp[2] == att.span_id


def test_a_fallback_is_two_attempt_spans_the_first_with_its_error(start: Start, collector: FakeCollector,
                                                                  fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    gw = start()
    fakes[0].script = [{"status": 500}]
    raw = client(gw).chat.completions.with_raw_response.create(
        model="a", messages=[{"role": "user", "content": PROMPT}])
    assert raw.parse().choices[0].message.content == ANSWER_B
    rid = raw.headers["x-tenbin-request-id"]
    with pytest.raises(openai.BadRequestError):  # refused in the pipeline, before any vendor
        client(gw).chat.completions.create(model="a", messages=[{"role": "user", "content": "x"}], n=100)
    stopped(gw)

    req = request_span(collector, rid)
    first, second = children(collector, req)
    assert first.attributes["tenbin.model"] == "a" and first.attributes["error.type"] == "server"
    assert first.status == 2 and first.end_ns <= second.start_ns
    assert "gen_ai.usage.output_tokens" not in first.attributes
    assert second.attributes["tenbin.model"] == "b" and "error.type" not in second.attributes
    assert second.attributes["tenbin.model.region"] == "JP" and second.status == 0
    assert second.attributes["gen_ai.usage.output_tokens"] > 0
    assert req.attributes["tenbin.attempts"] == 2 and req.attributes["gen_ai.response.model"] == "b"
    assert "error.type" not in req.attributes
    # Each vendor saw its own attempt as the parent.
    assert fakes[0].requests[-1].headers["traceparent"].split("-")[2] == first.span_id
    assert fakes[1].requests[-1].headers["traceparent"].split("-")[2] == second.span_id

    refused = [s for s in collector.spans if s.attributes.get("http.response.status_code") == 400]
    assert len(refused) == 1 and refused[0].attributes["error.type"] == "invalid_value"
    assert children(collector, refused[0]) == []


def test_a_stream_keeps_its_attempt_open_to_the_end(start: Start, collector: FakeCollector) -> None:
    gw = start()
    c = client(gw)
    with c.chat.completions.with_streaming_response.create(
            model="a", messages=[{"role": "user", "content": PROMPT}], stream=True) as resp:
        rid = resp.headers["x-tenbin-request-id"]
        text = "".join(ch.choices[0].delta.content or "" for ch in resp.parse() if ch.choices)
    assert text == ANSWER_A
    [row] = gw.rows()
    stopped(gw)

    req = request_span(collector, rid)
    a = req.attributes
    assert a["tenbin.stream"] is True and a["gen_ai.response.finish_reasons"] == ["stop"]
    assert a["gen_ai.usage.output_tokens"] == row["completion_tokens"] > 0 and a["tenbin.ttft_ms"] > 0
    [att] = children(collector, req)
    assert att.attributes["gen_ai.usage.output_tokens"] == row["completion_tokens"]
    assert att.attributes["gen_ai.response.model"] == "a-upstream"
    assert req.start_ns <= att.start_ns <= att.end_ns <= req.end_ns


def test_the_clients_traceparent_is_the_parent_and_reaches_the_vendor(
        start: Start, collector: FakeCollector, fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    gw = start()
    c = client(gw, traceparent=f"00-{TRACE_ID}-{PARENT_ID}-01", tracestate="vendor=abc")
    c.chat.completions.create(model="a", messages=[{"role": "user", "content": PROMPT}])
    list(c.chat.completions.create(model="a", messages=[{"role": "user", "content": PROMPT}], stream=True))
    # A malformed traceparent is ignored: a trace of our own, not an error.
    client(gw, traceparent="00-zz-nope-01").chat.completions.create(
        model="a", messages=[{"role": "user", "content": PROMPT}])
    stopped(gw)

    ours = collector.by_trace(TRACE_ID)
    reqs = [s for s in ours if s.kind == "server"]
    assert len(reqs) == 2 and all(s.parent_span_id == PARENT_ID for s in reqs)
    attempts = {s.span_id for r in reqs for s in children(collector, r)}
    assert len(attempts) == 2
    sent = [r.headers for r in fakes[0].requests]
    assert len(sent) == 3
    for h in sent[:2]:
        version, trace_id, parent, flags = h["traceparent"].split("-")
        assert (version, trace_id, flags) == ("00", TRACE_ID, "01") and parent in attempts
        assert h["tracestate"] == "vendor=abc"
    other = sent[2]["traceparent"].split("-")[1]
    assert other != TRACE_ID and len(collector.by_trace(other)) == 2


def test_no_prompt_or_answer_text_in_spans_by_default(start: Start, collector: FakeCollector) -> None:
    gw = start()
    c = client(gw)
    c.chat.completions.create(model="a", messages=[{"role": "system", "content": "be brief (system-marker-e5)"},
                                                  {"role": "user", "content": PROMPT}])
    list(c.chat.completions.create(model="a", messages=[{"role": "user", "content": PROMPT}], stream=True))
    raw = c.chat.completions.with_raw_response.create(
        model="a", messages=[{"role": "user", "content": PERSONAL}], extra_headers={"x-tenbin-use-case": "support"})
    rid = raw.headers["x-tenbin-request-id"]
    stopped(gw)
    assert len(collector.spans) == 6
    for s in collector.spans:
        text = s.text()
        for marker in ("prompt-marker", "system-marker", "answer-marker", "090-1234-5678", "山田", "納期"):
            assert marker not in text, (marker, s.name)
        assert not any(k.startswith(("gen_ai.input", "gen_ai.output", "gen_ai.system_instructions"))
                       for k in s.attributes)
    # The masked request is described by its classes and actions, not its text.
    req = request_span(collector, rid)
    assert req.attributes["tenbin.data_class"] == "personal"
    assert req.attributes["tenbin.routing.rule"] == "support-masked"
    assert req.attributes["tenbin.privacy.action"] == "mask"
    [att] = children(collector, req)
    assert att.attributes["tenbin.privacy.masked"] is True


def test_capture_content_puts_prompt_and_answer_in_the_request_span(start: Start, collector: FakeCollector) -> None:
    gw = start(capture_content=True)
    c = client(gw)
    raw = c.chat.completions.with_raw_response.create(model="a", messages=[{"role": "user", "content": PROMPT}])
    plain = raw.headers["x-tenbin-request-id"]
    with c.chat.completions.with_streaming_response.create(
            model="a", messages=[{"role": "user", "content": PROMPT}], stream=True) as resp:
        streamed = resp.headers["x-tenbin-request-id"]
        list(resp.parse())
    stopped(gw)
    import json

    for rid in (plain, streamed):
        a = request_span(collector, rid).attributes
        assert json.loads(a["gen_ai.input.messages"]) == [
            {"role": "user", "parts": [{"type": "text", "content": PROMPT}]}]
        assert json.loads(a["gen_ai.output.messages"]) == [
            {"role": "assistant", "parts": [{"type": "text", "content": ANSWER_A}], "finish_reason": "stop"}]
    attempts = [s for s in collector.spans if s.kind == "client"]
    assert len(attempts) == 2 and not any("marker" in s.text() for s in attempts)  # text on the request only


def test_tracing_config_errors_name_the_field() -> None:
    cases = {"endpoint": "ftp://collector:4318", "sample_ratio": 1.5, "service_name": "", "max_queue": 0}
    for name, bad in cases.items():
        with pytest.raises(ConfigError, match=rf"tracing\.{name}"):
            build_config({"tracing": {"enabled": True, name: bad}}, env={})
    with pytest.raises(ConfigError, match=r"tracing\.endpoint.*credentials"):
        build_config({"tracing": {"endpoint": "https://user:secret@collector/v1/traces"}}, env={})
    with pytest.raises(ConfigError, match=r"tracing\.exporter"):
        build_config({"tracing": {"exporter": "grpc"}}, env={})
    assert build_config({}, env={}).tracing.enabled is False


def test_enabled_without_the_extra_installed_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from tenbin.observe.tracing import Tracing

    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", None)  # as if the extra were missing
    with pytest.raises(ValueError, match=r"tracing\.enabled.*tenbin\[otel\]"):
        Tracing.from_config(build_config({"tracing": {"enabled": True}}, env={}))


def test_tracing_off_imports_no_opentelemetry(tmp_path: Path) -> None:
    """Off by default, tracing costs no import: the server's modules and a built runtime load
    without any opentelemetry package (measured per request in bench/gateway_overhead)."""
    code = (
        "import sys\n"
        "from tenbin.api.app import create_app\n"
        "from tenbin.config.loader import build_config\n"
        "from tenbin.gateway.runtime import build_runtime\n"
        f"rt = build_runtime(build_config({{'store': 'sqlite:///{tmp_path / 't.db'}'}}, env={{}}))\n"
        "create_app(rt)\n"
        "assert rt.tracing is None and rt.gateway.tracing is None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'opentelemetry'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_a_reload_that_changes_tracing_asks_for_a_restart(start: Start) -> None:
    from tenbin.gateway.reload import reload_runtime

    gw = start()
    changed = gw.runtime.cfg.model_copy(update={"tracing": gw.runtime.cfg.tracing.model_copy(
        update={"capture_content": True})})
    with pytest.raises(ConfigError, match="tracing changed: restart"):
        gw.lt.run(reload_runtime(gw.runtime, changed))
    assert gw.runtime.cfg.tracing.capture_content is False


@pytest.mark.parametrize("vendor", ["anthropic", "gemini"])
def test_other_vendors_get_the_traceparent_and_their_provider_name(
        lt: LoopThread, collector: FakeCollector, tmp_path: Path, vendor: str) -> None:
    from tests.fakes.fake_anthropic import FakeAnthropic
    from tests.fakes.fake_gemini import FakeGemini

    fake = lt.run((FakeAnthropic(api_key="vk") if vendor == "anthropic" else FakeGemini(api_key="vk")).start())
    try:
        gw = start_gateway(lt, {
            "providers": {"v": {"kind": vendor, "base_url": fake.url, "api_key": "${VENDOR_KEY}"}},
            "models": [fake_model("m", "v", upstream=f"{vendor}-upstream")], "default_model": "m",
            "tracing": {"enabled": True, "endpoint": collector.url + "/v1/traces"}}, tmp_path, {"VENDOR_KEY": "vk"})
        c = client(gw)
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": PROMPT}], max_tokens=50)
        list(c.chat.completions.create(model="m", messages=[{"role": "user", "content": PROMPT}], stream=True))
        gw.stop()
    finally:
        lt.run(fake.stop())
    reqs = [s for s in collector.spans if s.kind == "server"]
    assert len(reqs) == 2
    name = {"anthropic": "anthropic", "gemini": "gcp.gemini"}[vendor]
    for req, sent in zip(sorted(reqs, key=lambda s: s.start_ns), fake.requests, strict=True):
        [att] = children(collector, req)
        assert req.attributes["gen_ai.provider.name"] == att.attributes["gen_ai.provider.name"] == name
        assert att.attributes["gen_ai.request.model"] == f"{vendor}-upstream"
        assert req.attributes["gen_ai.response.finish_reasons"] and req.attributes["gen_ai.usage.output_tokens"] > 0
        assert sent.headers["traceparent"].split("-")[1:3] == [req.trace_id, att.span_id]


def test_an_embeddings_request_is_traced_as_embeddings(lt: LoopThread, collector: FakeCollector,
                                                       fakes: tuple[FakeOpenAI, FakeOpenAI], tmp_path: Path) -> None:
    gw = start_gateway(lt, {
        "providers": {"va": openai_provider(fakes[0].url)},
        "models": [fake_model("chat", "va"), fake_model("text-embedding-3-small", "va", kind="embedding",
                                                         prices=[{"effective": "2025-01-01", "currency": "USD",
                                                                  "input": "0.02", "output": "0"}])],
        "default_model": "chat", "tracing": {"enabled": True, "endpoint": collector.url + "/v1/traces"}},
        tmp_path, ENV)
    out = client(gw).embeddings.create(model="text-embedding-3-small", input=[PROMPT, "二つ目"])
    assert len(out.data) == 2
    [row] = gw.rows()
    gw.stop()
    [req] = [s for s in collector.spans if s.kind == "server"]
    assert req.name == "embeddings text-embedding-3-small"
    assert req.attributes["gen_ai.operation.name"] == "embeddings"
    assert req.attributes["gen_ai.usage.input_tokens"] == row["prompt_tokens"] > 0
    [att] = children(collector, req)
    assert att.attributes["gen_ai.operation.name"] == "embeddings" and "prompt-marker" not in att.text()
    assert fakes[0].requests[-1].headers["traceparent"].split("-")[2] == att.span_id


def test_a_tracing_fault_costs_no_request_and_no_ledger_row(start: Start, collector: FakeCollector,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    gw = start()
    tracing = gw.runtime.tracing
    assert tracing is not None

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("tracer broke")

    monkeypatch.setattr(tracing.tracer, "start_span", broken)
    c = client(gw)
    assert c.chat.completions.create(model="a", messages=[{"role": "user", "content": PROMPT}]).choices
    assert "".join(ch.choices[0].delta.content or "" for ch in c.chat.completions.create(
        model="a", messages=[{"role": "user", "content": PROMPT}], stream=True) if ch.choices) == ANSWER_A
    rows = gw.rows()
    stopped(gw)
    assert [r["status"] for r in rows] == [200, 200] and collector.spans == []


def test_a_client_that_leaves_mid_stream_ends_both_spans_as_499(start: Start, collector: FakeCollector,
                                                                 fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    import time

    import httpx

    gw = start()
    fakes[0].script = [{"drip": 0.2}]
    body = {"model": "a", "stream": True, "messages": [{"role": "user", "content": PROMPT}]}
    with httpx.Client(timeout=10) as h, h.stream("POST", gw.base_url + "/chat/completions", json=body) as r:
        rid = r.headers["x-tenbin-request-id"]
        for line in r.iter_lines():
            if line.startswith("data: ") and '"content":"' in line and '"content":""' not in line:
                break  # one piece of the answer, then the client goes away
    for _ in range(100):  # the gateway notices the closed socket at its next write
        if gw.rows():
            break
        time.sleep(0.1)
    [row] = gw.rows()
    stopped(gw)
    assert row["status"] == 499
    req = request_span(collector, rid)
    assert req.attributes["http.response.status_code"] == 499
    assert req.attributes["error.type"] == "client_disconnected" and req.status == 0  # not our error
    [att] = children(collector, req)
    assert "error.type" not in att.attributes and att.end_ns <= req.end_ns


def test_collector_credentials_come_from_the_sdks_environment_variable(start: Start, collector: FakeCollector,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "authorization=Bearer collector-token")
    gw = start()
    client(gw).chat.completions.create(model="a", messages=[{"role": "user", "content": PROMPT}])
    stopped(gw)
    assert collector.posts and all(h.get("Authorization") == "Bearer collector-token" for h in collector.posts)
    assert len(collector.spans) == 2


def test_sampling_follows_the_client_and_the_ratio_applies_to_new_traces(
        start: Start, collector: FakeCollector, fakes: tuple[FakeOpenAI, FakeOpenAI]) -> None:
    gw = start(sample_ratio=0.0)
    msgs = [{"role": "user", "content": PROMPT}]
    client(gw).chat.completions.create(model="a", messages=msgs)  # type: ignore[arg-type]  # a new trace: not sampled
    client(gw, traceparent=f"00-{TRACE_ID}-{PARENT_ID}-01").chat.completions.create(
        model="a", messages=msgs)  # type: ignore[arg-type]  # the client's sampled trace: recorded
    stopped(gw)
    assert {s.trace_id for s in collector.spans} == {TRACE_ID} and len(collector.spans) == 2
    unsampled, sampled = (r.headers["traceparent"].split("-") for r in fakes[0].requests)
    assert int(unsampled[3], 16) & 1 == 0 and unsampled[1] != TRACE_ID  # still propagated, not sampled
    assert int(sampled[3], 16) & 1 == 1 and sampled[1] == TRACE_ID
