"""A fake OpenTelemetry collector on loopback: accepts OTLP/HTTP ``POST /v1/traces`` with a
protobuf ``ExportTraceServiceRequest`` (what the SDK's OTLP/HTTP exporter sends), decodes it with
``opentelemetry-proto`` and keeps every span as a plain :class:`Span` for tests to read."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}


def value(v: AnyValue) -> Any:
    kind = v.WhichOneof("value")
    if kind == "array_value":
        return [value(x) for x in v.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, kind) if kind else None


@dataclass
class Span:
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: str
    attributes: dict[str, Any]
    events: list[tuple[str, dict[str, Any]]]
    status: int  # 0 unset, 1 ok, 2 error
    start_ns: int
    end_ns: int
    resource: dict[str, Any]
    scope: str
    schema_url: str

    def text(self) -> str:
        """Everything a span carries, as one string (to search for text that must not be there)."""
        return repr((self.name, self.attributes, self.events))


@dataclass
class FakeCollector:
    spans: list[Span] = field(default_factory=list)
    posts: list[dict[str, str]] = field(default_factory=list)  # headers of each export call
    url: str = ""
    _runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.posts.append(dict(request.headers))
        if request.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        if request.content_type != "application/x-protobuf":
            return web.Response(status=415)
        req = ExportTraceServiceRequest()
        req.ParseFromString(raw)
        for rs in req.resource_spans:
            resource = {kv.key: value(kv.value) for kv in rs.resource.attributes}
            for ss in rs.scope_spans:
                for s in ss.spans:
                    self.spans.append(Span(
                        name=s.name, trace_id=s.trace_id.hex(), span_id=s.span_id.hex(),
                        parent_span_id=s.parent_span_id.hex(), kind=KINDS[s.kind],
                        attributes={kv.key: value(kv.value) for kv in s.attributes},
                        events=[(e.name, {kv.key: value(kv.value) for kv in e.attributes}) for e in s.events],
                        status=s.status.code, start_ns=s.start_time_unix_nano, end_ns=s.end_time_unix_nano,
                        resource=resource, scope=ss.scope.name, schema_url=ss.schema_url or rs.schema_url))
        return web.Response(body=ExportTraceServiceResponse().SerializeToString(),
                            content_type="application/x-protobuf")

    async def start(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/traces", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def by_trace(self, trace_id: str) -> list[Span]:
        return [s for s in self.spans if s.trace_id == trace_id]
