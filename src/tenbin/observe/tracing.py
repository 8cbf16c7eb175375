"""OpenTelemetry traces: one span per request, a child span per provider attempt, exported over
OTLP/HTTP (the ``otel`` extra; off unless ``tracing.enabled``).

Spans follow the OpenTelemetry GenAI semantic conventions **v1.37.0** (the release that named
``gen_ai.provider.name`` and the structured ``gen_ai.input.messages``/``gen_ai.output.messages``;
the schema URL is set on the tracer), plus ``tenbin.*`` attributes for what only the gateway
knows: data class, routing rule, privacy action, cost in JPY.

Where it hooks in, and why there only: the request span opens and closes in
``gateway/finish.py`` (every outcome ends there once, so every request that reached the
pipeline gets exactly one span with its ledger row's figures); attempt spans open and close in
the provider loop (``pipeline._try_chain``), and ``providers/http.py`` adds the attempt's W3C
``traceparent`` to the vendor call from :data:`VENDOR_TRACE`. The client's own ``traceparent``
(``RequestContext.trace_headers``) is the request span's parent.

With tracing off nothing here runs but a ``None`` check per request and per attempt and one
``ContextVar.get`` per vendor call, and the OpenTelemetry packages are never imported: they are
loaded by :meth:`Tracing.from_config` only when tracing is enabled.

Prompts and answers never reach a span unless ``tracing.capture_content`` is on: attributes are
names, counts, models, classes and money, never text.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span

    from tenbin.catalog.catalog import ModelSpec
    from tenbin.config.schema import Config, ProviderConfig, TracingConfig
    from tenbin.context import RequestContext
    from tenbin.gateway.finish import Finish
    from tenbin.ledger.record import UsageRecord

log = logging.getLogger("tenbin.tracing")

SEMCONV_VERSION = "1.37.0"
SCHEMA_URL = f"https://opentelemetry.io/schemas/{SEMCONV_VERSION}"

#: The W3C trace-context headers (``traceparent``, ``tracestate``) of the provider attempt running
#: now, for ``providers/http.py`` to send with the vendor call; ``None`` when tracing is off.
VENDOR_TRACE: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "tenbin_vendor_trace", default=None)

# gen_ai.provider.name by adapter kind: the convention's well-known values where one exists, a
# custom value for the embedded llama.cpp engine (the convention allows one when none applies).
_PROVIDER_NAMES = {"openai": "openai", "anthropic": "anthropic", "gemini": "gcp.gemini", "llamacpp": "llama_cpp"}
_OPERATIONS = {"chat": "chat", "embed": "embeddings"}


def provider_name(p: ProviderConfig) -> str:
    if p.kind == "openai" and p.azure_deployment:
        return "azure.ai.openai"
    return _PROVIDER_NAMES.get(p.kind, p.kind)


class Tracing:
    """One tracer provider per running gateway (never the process-global one: tests run many
    gateways in one process), with a batch processor that exports from its own thread."""

    def __init__(self, cfg: TracingConfig, providers: Mapping[str, ProviderConfig],
                 exporter: SpanExporter | None = None) -> None:
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
        from opentelemetry.trace.status import Status, StatusCode

        from tenbin import __version__

        if exporter is None:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(endpoint=cfg.endpoint, timeout=cfg.export_timeout_s)
        self.cfg = cfg
        self.capture = cfg.capture_content
        self.provider: TracerProvider = TracerProvider(
            resource=Resource.create({"service.name": cfg.service_name, "service.version": __version__}),
            sampler=ParentBased(TraceIdRatioBased(cfg.sample_ratio)))
        self.provider.add_span_processor(BatchSpanProcessor(exporter, max_queue_size=cfg.max_queue))
        self.tracer = self.provider.get_tracer("tenbin", __version__, schema_url=SCHEMA_URL)
        self.propagator = TraceContextTextMapPropagator()
        self.in_context = trace.set_span_in_context
        self.server, self.client = trace.SpanKind.SERVER, trace.SpanKind.CLIENT
        self.error = Status(StatusCode.ERROR)
        # Per provider, resolved once: its gen_ai.provider.name and the server.* of its base URL.
        self.providers: dict[str, dict[str, Any]] = {}
        for name, p in providers.items():
            attrs: dict[str, Any] = {"gen_ai.provider.name": provider_name(p), "tenbin.provider": name}
            u = urlsplit(p.base_url or "")
            with contextlib.suppress(ValueError):  # a port that is not a number: no server.* then
                if u.hostname:
                    attrs["server.port"] = u.port or (443 if u.scheme == "https" else 80)
                    attrs["server.address"] = u.hostname
            self.providers[name] = attrs

    @classmethod
    def from_config(cls, cfg: Config) -> Tracing | None:
        """``None`` when tracing is off; a clear error naming the field when it is on but the
        ``otel`` extra is not installed (rather than a gateway that silently traces nothing)."""
        if not cfg.tracing.enabled:
            return None
        try:
            return cls(cfg.tracing, cfg.providers)
        except ImportError as e:
            raise ValueError("tracing.enabled: the OpenTelemetry packages are not installed"
                             f" ({e.name}); install them with: pip install 'tenbin[otel]'") from None

    def begin(self, ctx: RequestContext) -> RequestTrace | None:
        """Open the request's span (the ``Finish`` of the request calls this), under the client's
        ``traceparent`` when it sent one; it starts when the request was read, not now. A fault
        here leaves the request untraced, never unanswered or without its ledger row."""
        try:
            return self._begin(ctx)
        except Exception:
            log.exception("request %s: its trace could not be started", ctx.request_id)
            return None

    def _begin(self, ctx: RequestContext) -> RequestTrace:
        parent = self.propagator.extract(ctx.trace_headers) if ctx.trace_headers is not None else None
        op = _OPERATIONS.get(ctx.operation, ctx.operation)
        attrs: dict[str, Any] = {
            "gen_ai.operation.name": op, "gen_ai.request.model": ctx.requested_model,
            "tenbin.request_id": ctx.request_id, "tenbin.team": ctx.principal.team,
            "tenbin.project": ctx.principal.project, "tenbin.stream": ctx.stream,
        }
        if ctx.use_case:
            attrs["tenbin.use_case"] = ctx.use_case
        body = ctx.body
        for key, attr in (("max_completion_tokens", "gen_ai.request.max_tokens"),
                          ("max_tokens", "gen_ai.request.max_tokens"),
                          ("temperature", "gen_ai.request.temperature"), ("top_p", "gen_ai.request.top_p")):
            v = body.get(key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and attr not in attrs:
                attrs[attr] = v
        if self.capture and op == "chat":
            attrs["gen_ai.input.messages"] = _json(input_messages(body.get("messages")))
        started = time.time_ns() - int((time.perf_counter() - ctx.started_mono) * 1e9)
        span = self.tracer.start_span(f"{op} {ctx.requested_model}", context=parent, kind=self.server,
                                      attributes=attrs, start_time=started)
        rt = ctx.trace = RequestTrace(self, span, op)
        return rt

    async def shutdown(self) -> None:
        """Flush what is queued and stop the export thread (``Runtime.stop``). The SDK blocks
        while it flushes, so it runs off the event loop."""
        await asyncio.to_thread(self.provider.shutdown)


class RequestTrace:
    """The spans of one request: its own, and the attempt that answered (kept open until the
    request finishes, so a stream's attempt lasts as long as the stream)."""

    __slots__ = ("called", "finish_reasons", "op", "response", "serving", "span", "texts", "tracing")

    def __init__(self, tracing: Tracing, span: Span, op: str) -> None:
        self.tracing, self.span, self.op = tracing, span, op
        self.serving: AttemptSpan | None = None
        self.called: set[str] = set()
        self.finish_reasons: list[str] = []  # a stream's, noted as its chunks are delivered
        self.texts: dict[int, list[str]] | None = {} if tracing.capture else None  # a stream's answer
        self.response: dict[str, Any] | None = None  # a plain answer, restored in place before the end

    def attempt(self, model: ModelSpec, masked: bool) -> AttemptSpan | None:
        """Open a child span for one model of the chain (its retries included) and make its trace
        context the one the vendor call sends (None, the attempt untraced, should that fail)."""
        try:
            return self._attempt(model, masked)
        except Exception:
            log.exception("an attempt span for %s could not be started", model.id)
            return None

    def _attempt(self, model: ModelSpec, masked: bool) -> AttemptSpan:
        t = self.tracing
        attrs: dict[str, Any] | None = None
        if self.span.is_recording():  # else a sampled-out trace: its attempts are not recorded either
            attrs = {
                "gen_ai.operation.name": self.op, "gen_ai.request.model": model.upstream,
                **t.providers.get(model.provider, {"tenbin.provider": model.provider}),
                "tenbin.model": model.id, "tenbin.model.region": model.region,
                "tenbin.model.jurisdiction": model.jurisdiction, "tenbin.privacy.masked": masked,
            }
        span = t.tracer.start_span(f"{self.op} {model.upstream}", context=t.in_context(self.span),
                                   kind=t.client, attributes=attrs)
        headers: dict[str, str] = {}
        t.propagator.inject(headers, context=t.in_context(span))
        self.called.add(model.id)
        return AttemptSpan(self, span, VENDOR_TRACE.set(headers))

    def end(self, fin: Finish, rec: UsageRecord) -> None:
        """Close the request's span (and the answering attempt's) with the ledger row's figures."""
        try:
            self._end(fin, rec)
        except Exception:  # tracing must never cost a request or its ledger row
            log.exception("request %s: its trace could not be finished", rec.request_id)

    def _end(self, fin: Finish, rec: UsageRecord) -> None:
        t, span = self.tracing, self.span
        if not span.is_recording():  # sampled out: nothing to describe, only the spans to close
            if self.serving is not None:
                self.serving.span.end()
            span.end()
            return
        reasons = self.finish_reasons
        if self.response is not None:
            reasons = [str(c.get("finish_reason")) for c in self.response.get("choices") or ()
                       if isinstance(c, dict) and c.get("finish_reason") is not None]
        usage: dict[str, Any] = {"gen_ai.usage.input_tokens": rec.prompt_tokens,
                                 "gen_ai.usage.output_tokens": rec.completion_tokens,
                                 "tenbin.usage.cached_tokens": rec.cached_tokens,
                                 "tenbin.usage.reported": rec.tokens_reported}
        if reasons:
            usage["gen_ai.response.finish_reasons"] = reasons
        attrs: dict[str, Any] = {
            **usage, "http.response.status_code": rec.status,
            "tenbin.cost.jpy": rec.cost_jpy_nanos / 1e9, "tenbin.attempts": rec.attempts,
        }
        if rec.served_model is not None:
            attrs["gen_ai.response.model"] = rec.served_model  # as the client is told (catalog id)
        if rec.provider is not None:
            attrs.update(t.providers.get(rec.provider, {}))
            attrs.pop("server.address", None)
            attrs.pop("server.port", None)
        if rec.data_class is not None:
            attrs["tenbin.data_class"] = rec.data_class
        if rec.ttft_ms is not None:
            attrs["tenbin.ttft_ms"] = rec.ttft_ms
        d = fin.decision
        if d is not None:
            attrs["tenbin.privacy.action"] = d.privacy_action
            if d.rule is not None:
                attrs["tenbin.routing.rule"] = d.rule
            bd = d.trace.get("budget_downgrade")
            if isinstance(bd, dict) and bd.get("budget"):
                attrs["tenbin.budget.downgraded_by"] = str(bd["budget"])
        if rec.status >= 400:
            attrs["error.type"] = rec.error_class or str(rec.status)
        if t.capture and self.op == "chat" and rec.status == 200:
            attrs["gen_ai.output.messages"] = _json(self._output(reasons))
        for a in fin.tried:  # models passed over without a call: why, as events on the request
            if a.model not in self.called:
                span.add_event("tenbin.skipped", {"tenbin.model": a.model, "tenbin.reason": a.error})
        serving, self.serving = self.serving, None
        if serving is not None:
            serving.span.set_attributes(usage)
            serving.span.end()
        span.set_attributes(attrs)
        if rec.status >= 500:
            span.set_status(t.error)
        span.end()

    def _output(self, reasons: list[str]) -> list[dict[str, Any]]:
        if self.response is not None:
            out = []
            for c in self.response.get("choices") or ():
                msg = c.get("message") if isinstance(c, dict) else None
                if isinstance(msg, dict):
                    out.append({**_message(msg), "finish_reason": c.get("finish_reason") or ""})
            return out
        texts = self.texts or {}
        return [{"role": "assistant", "parts": [{"type": "text", "content": "".join(texts[i])}],
                 "finish_reason": reasons[n] if n < len(reasons) else ""} for n, i in enumerate(sorted(texts))]

    def delivered(self, chunk: dict[str, Any]) -> None:
        """A streamed chunk as the client receives it (restored): its finish reasons, and its
        text when content is captured."""
        try:
            self._delivered(chunk)
        except Exception:
            log.exception("a streamed chunk could not be shown to its trace")

    def _delivered(self, chunk: dict[str, Any]) -> None:
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            reason = choice.get("finish_reason")
            if isinstance(reason, str):
                self.finish_reasons.append(reason)
            if self.texts is not None:
                content = (choice.get("delta") or {}).get("content")
                if isinstance(content, str) and content:
                    self.texts.setdefault(int(choice.get("index") or 0), []).append(content)


class AttemptSpan:
    """One model's attempt. A failure closes it at once with ``error.type`` (the provider error's
    kind); the attempt that answers stays open until the request ends."""

    __slots__ = ("span", "token", "trace")

    def __init__(self, trace: RequestTrace, span: Span, token: contextvars.Token[dict[str, str] | None]) -> None:
        self.trace, self.span, self.token = trace, span, token

    def _done(self, sent: int) -> None:
        try:
            VENDOR_TRACE.reset(self.token)
        except ValueError:  # not the context it was set in: clear it all the same
            VENDOR_TRACE.set(None)
        self.span.set_attribute("tenbin.attempt.calls", sent)

    def failed(self, kind: str, sent: int) -> None:
        try:
            self._done(sent)
            self.span.set_attribute("error.type", kind)
            self.span.set_status(self.trace.tracing.error)
            self.span.end()
        except Exception:  # tracing must never change how a request ends
            log.exception("an attempt span could not be closed")

    def served(self, out: Any, sent: int) -> None:
        """``out`` is what the attempt returned: a ``ChatResult`` (its response is restored in
        place before the request ends), a stream's ``(chunks, held)``, or an ``EmbedResult``."""
        try:
            self._served(out, sent)
        except Exception:
            log.exception("an attempt span could not be marked as the answer")

    def _served(self, out: Any, sent: int) -> None:
        self._done(sent)
        model: Any = None
        response = getattr(out, "response", None)
        if isinstance(response, dict):
            self.trace.response = response
            model = response.get("model")
        elif isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], list) and out[1]:
            model = (getattr(out[1][0], "chunk", None) or {}).get("model")
        if isinstance(model, str) and model:
            self.span.set_attribute("gen_ai.response.model", model)  # as the vendor named it
        self.trace.serving = self


def input_messages(messages: Any) -> list[dict[str, Any]]:
    """OpenAI chat messages in the convention's ``gen_ai.input.messages`` shape (role + parts).
    Non-text parts (images, audio, files) are named by type only, never inlined."""
    return [_message(m) for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []


def _message(m: dict[str, Any]) -> dict[str, Any]:
    parts: list[dict[str, Any]] = []
    content = m.get("content")
    if m.get("role") == "tool":
        parts.append({"type": "tool_call_response", "id": m.get("tool_call_id"), "response": content})
    elif isinstance(content, str):
        parts.append({"type": "text", "content": content})
    elif isinstance(content, list):
        for p in content:
            if isinstance(p, dict) and p.get("type") == "text":
                parts.append({"type": "text", "content": p.get("text")})
            elif isinstance(p, dict):
                parts.append({"type": str(p.get("type"))})
    for tc in m.get("tool_calls") or ():
        if isinstance(tc, dict):
            fn = tc.get("function") or {}
            parts.append({"type": "tool_call", "id": tc.get("id"), "name": fn.get("name"),
                          "arguments": fn.get("arguments")})
    return {"role": str(m.get("role")), "parts": parts}


def _json(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()
