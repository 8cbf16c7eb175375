"""CPU per request of tenbin's OpenTelemetry tracing, in process: what ``observe/tracing.py``
does for one request (open its span, one attempt span, mark it the answer, close both with a
ledger row's figures), with the SDK's real ``BatchSpanProcessor`` and an exporter that encodes
each batch to OTLP protobuf as the OTLP/HTTP exporter does, then discards it (no network).

CPU is ``time.process_time`` (every thread: the export thread's encoding counts), divided by the
requests. The end-to-end figure is bench/gateway_overhead's ``tenbin-tracing`` target.

    .venv/bin/python bench/tracing_cost.py                      # everything recorded
    .venv/bin/python bench/tracing_cost.py --sample-ratio 0.1   # one new trace in ten
    .venv/bin/python bench/tracing_cost.py --no-encode          # spans only, no protobuf encoding
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from types import SimpleNamespace

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from tenbin.catalog.catalog import ModelSpec
from tenbin.config.loader import build_config
from tenbin.context import Principal, RequestContext, Usage
from tenbin.ledger.record import UsageRecord
from tenbin.observe.tracing import Tracing
from tenbin.providers.base import ChatResult
from tenbin.routing.decision import Decision


class Encoding(SpanExporter):
    def __init__(self, encode: bool) -> None:
        self.encode = encode
        self.spans = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans += len(spans)
        if self.encode:
            encode_spans(spans).SerializeToString()
        return SpanExportResult.SUCCESS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("-n", type=int, default=20_000, help="requests to time (after 2000 to warm up)")
    ap.add_argument("--sample-ratio", type=float, default=1.0)
    ap.add_argument("--no-encode", action="store_true", help="skip the OTLP protobuf encoding")
    args = ap.parse_args()
    cfg = build_config({"tracing": {"enabled": True, "sample_ratio": args.sample_ratio, "max_queue": 1_000_000},
                        "providers": {"v": {"kind": "openai", "base_url": "http://127.0.0.1:9/v1"}}}, env={})
    exporter = Encoding(not args.no_encode)
    tracing = Tracing(cfg.tracing, cfg.providers, exporter=exporter)
    model = ModelSpec(id="m", provider="v", upstream="m-upstream", region="JP", jurisdiction="JP",
                      retention_days=0, context_window=8192,
                      prices=({"effective": "2025-01-01", "currency": "JPY", "input": "1", "output": "1"},))  # type: ignore[arg-type]
    fin = SimpleNamespace(decision=Decision(model=model, rule="default"), tried=[])
    principal = Principal("key", "sales", "crm")
    answer = {"model": "m-upstream", "choices": [{"index": 0, "finish_reason": "stop",
                                                  "message": {"role": "assistant", "content": "はい"}}]}

    def request() -> None:
        ctx = RequestContext(request_id="r", principal=principal, requested_model="m", stream=False,
                             body={"model": "m", "messages": [{"role": "user", "content": "要約して"}]},
                             trace_headers={})
        trace = tracing.begin(ctx)
        assert trace is not None
        attempt = trace.attempt(model, False)
        assert attempt is not None
        attempt.served(ChatResult(response=answer, usage=Usage(11, 5, reported=True)), 1)
        rec = UsageRecord(request_id="r", ts_start=0, ts_end=0, key_id="key", team="sales", project="crm",
                          use_case=None, requested_model="m", served_model="m", provider="v", region="JP",
                          prompt_tokens=11, completion_tokens=5, tokens_reported=True, data_class="public",
                          cost_jpy_nanos=16_000_000_000)
        trace.end(fin, rec)  # type: ignore[arg-type]  # a stand-in Finish: decision and tried only

    for _ in range(2000):
        request()
    tracing.provider.force_flush()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.n):
        request()
    tracing.provider.force_flush()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    tracing.provider.shutdown()
    print(f"{cpu / args.n * 1e6:.0f} µs CPU per request (all threads), {wall / args.n * 1e6:.0f} µs wall;"
          f" sample_ratio {args.sample_ratio}, encoding {'off' if args.no_encode else 'on'},"
          f" {exporter.spans} spans exported")


if __name__ == "__main__":
    main()
