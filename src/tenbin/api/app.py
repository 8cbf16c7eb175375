"""The aiohttp application: routes, middlewares and lifecycle.

aiohttp serves and proxies here because it spent the least CPU per proxied request of the
candidates measured on this machine (bench/gateway_overhead/README.md); handlers stay thin and call the pipeline.
"""

from __future__ import annotations

import random
import time
from typing import Any

import orjson
from aiohttp import web

from tenbin.api import body as bodies
from tenbin.api import edge, guard, refusals
from tenbin.api.admin import add_admin_routes
from tenbin.api.auth import Authenticator
from tenbin.api.errors import Handler, errors_middleware
from tenbin.api.openapi import openapi_json
from tenbin.api.sse import DONE, SSE_HEADERS, frame
from tenbin.api.validation import parse_json, validate_chat
from tenbin.context import RequestContext
from tenbin.errors import NotFound
from tenbin.gateway.models import for_caller, model_states, openai_model, provider_states
from tenbin.gateway.pipeline import Completion
from tenbin.gateway.runtime import Runtime

RUNTIME = web.AppKey("runtime", Runtime)
AUTH = web.AppKey("auth", Authenticator)
REQUEST_ID = web.RequestKey("request_id", str)


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    # 96 bits from the module PRNG (seeded from os.urandom, reseeded after fork): unique enough for
    # a primary key, and unlike secrets.token_hex it costs no getrandom() syscall per request.
    # Request ids are correlation handles, not secrets.
    rid = f"req_{random.getrandbits(96):024x}"
    request[REQUEST_ID] = rid
    resp = await handler(request)
    if not resp.prepared:
        resp.headers.setdefault("x-tenbin-request-id", rid)
    return resp


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(obj), status=status, content_type="application/json", headers=headers)


def _use_case(request: web.Request, body: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """Use case from ``x-tenbin-use-case`` or ``metadata.use_case`` (removed before sending upstream)."""
    meta = body.get("metadata")
    tags: dict[str, str] = {}
    use_case = request.headers.get("x-tenbin-use-case")
    if isinstance(meta, dict):
        tags = {str(k): str(v) for k, v in meta.items()}
        if "use_case" in meta:
            use_case = use_case or str(meta["use_case"])
            rest = {k: v for k, v in meta.items() if k != "use_case"}
            if rest:
                body["metadata"] = rest
            else:
                del body["metadata"]
    return use_case, tags


async def chat_completions(request: web.Request) -> web.StreamResponse:
    rt = request.app[RUNTIME]
    principal = await request.app[AUTH].principal(request)
    limits = bodies.BodyLimits.of(rt.cfg.server)
    raw = await bodies.read(request, limits)
    bodies.check_shape(raw, limits.max_depth, limits.max_elements)
    body = parse_json(raw)
    validate_chat(body)
    edge.check_chat(request, body)
    use_case, tags = _use_case(request, body)
    ctx = RequestContext(
        request_id=request[REQUEST_ID], principal=principal, body=body, requested_model=body["model"],
        stream=bool(body.get("stream")), use_case=use_case, metadata=tags, body_size=len(raw),
    )
    request[refusals.PIPELINE_OWNS] = True  # from here on the pipeline's finish writes the row
    outcome = await rt.gateway.chat(ctx)
    headers = outcome.served.headers(ctx.request_id)
    if isinstance(outcome, Completion):
        return _json(outcome.response, headers=headers)
    resp = web.StreamResponse(status=200, headers={**SSE_HEADERS, **headers})
    try:
        await resp.prepare(request)  # raises when the client left before the first byte
        async for chunk in outcome.chunks:
            await resp.write(frame(chunk))
    finally:
        await outcome.aclose()  # the pipeline's one finish: ledger row, audit entry, settlement
    await resp.write(DONE)
    await resp.write_eof()
    return resp


async def list_models(request: web.Request) -> web.Response:
    """OpenAI's model list, holding only what this caller can be served by now (configured,
    available, allowed for the key), default model first. The models the key may use but that
    cannot answer now are named under ``tenbin.unavailable`` with the reason, outside ``data``."""
    rt = request.app[RUNTIME]
    principal = await request.app[AUTH].principal(request)
    states = for_caller(model_states(rt.catalog, provider_states(rt.providers), rt.cfg.default_model), principal)
    return _json({
        "object": "list",
        "data": [openai_model(s.model) for s in states if s.available],
        "tenbin": {"unavailable": [{"id": s.model.id, "provider": s.model.provider, "reason": s.reason}
                                   for s in states if not s.available]},
    })


async def retrieve_model(request: web.Request) -> web.Response:
    """``client.models.retrieve(id)``: the model if this caller can be served by it now, else 404."""
    rt = request.app[RUNTIME]
    principal = await request.app[AUTH].principal(request)
    name = request.match_info["model"]
    m = rt.catalog.get(name)
    if m is None or not principal.may_use(m.id):
        raise NotFound(f"The model `{name}` does not exist or you do not have access to it.", param="model")
    state = model_states([m], provider_states(rt.providers))[0]
    if not state.available:
        raise NotFound(f"The model `{m.id}` cannot be served now: {state.reason}.", code=state.code, param="model")
    return _json(openai_model(m))


async def healthz(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    return _json({
        "status": "ok",
        "time": time.time(),
        "ledger_pending": rt.ledger.pending,
        "ledger_dropped": rt.ledger.dropped,
        "ledger_quarantined": rt.ledger.quarantined,  # rows the store refused: kept in the quarantine table
        "audit_quarantined": rt.audit.quarantined if rt.audit is not None else 0,
        "breakers": rt.gateway.breakers.snapshot(),
        # per configured provider: {"available", "reason", **availability().extra} (e.g. the
        # embedded engine's {"engine": {"state", "crashes", "reason"}}); credentials never appear
        "providers": {name: p.as_dict() for name, p in provider_states(rt.providers).items()},
    })


def create_app(runtime: Runtime) -> web.Application:
    app = web.Application(
        middlewares=[request_id_middleware, errors_middleware, refusals.refusals_middleware,
                     guard.json_only_middleware, edge.edge_middleware],
        client_max_size=runtime.cfg.server.max_body_bytes,
    )
    app[RUNTIME] = runtime
    app[AUTH] = Authenticator(runtime.keyring, runtime.cfg.server)
    refusals.install(app, runtime.ledger, runtime.audit, runtime.gateway.clock)  # 401/403/415: bounded rows
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/chat/completions", chat_completions)
    app.router.add_get("/v1/models", list_models)
    app.router.add_get("/v1/models/{model:.+}", retrieve_model)  # ids contain a slash: local/smollm2
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/openapi.json", openapi_json)
    add_admin_routes(app, runtime, app[AUTH])

    async def on_startup(_: web.Application) -> None:
        await runtime.start()

    async def on_cleanup(_: web.Application) -> None:
        await runtime.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
