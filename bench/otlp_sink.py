"""An OTLP/HTTP sink for overhead benchmarks: accepts every ``POST`` (``/v1/traces`` from the
OpenTelemetry exporter) with ``200`` and an empty ``ExportTraceServiceResponse``, and discards it.

It runs in its own process, so what tenbin spends tracing (building spans, encoding protobuf,
the export calls) is counted as tenbin's CPU, and what the collector spends is not. It counts
the spans it received (``GET /stats``), so the bench can show that every request's spans were
exported, not dropped from a full queue (which would make tracing look cheaper than it is).

    python bench/otlp_sink.py --port 9110
"""

from __future__ import annotations

import argparse
import json

from aiohttp import web

try:
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
except ImportError:  # without the otel extra the sink still accepts; it cannot count spans then
    ExportTraceServiceRequest = None

STATS = {"posts": 0, "bytes": 0, "spans": 0}


async def accept(request: web.Request) -> web.Response:
    raw = await request.read()
    STATS["posts"] += 1
    STATS["bytes"] += len(raw)
    if ExportTraceServiceRequest is not None and request.path == "/v1/traces":
        req = ExportTraceServiceRequest()
        req.ParseFromString(raw)
        STATS["spans"] += sum(len(ss.spans) for rs in req.resource_spans for ss in rs.scope_spans)
    return web.Response(body=b"", content_type="application/x-protobuf")


async def stats(_: web.Request) -> web.Response:
    return web.Response(text=json.dumps(STATS), content_type="application/json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=9110)
    args = ap.parse_args()
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_get("/stats", stats)
    app.router.add_post("/{tail:.*}", accept)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
