"""The aiohttp application: routes, its one middleware (api/front.py) and lifecycle.

aiohttp serves and proxies here because it spent the least CPU per proxied request of the
candidates measured on this machine (bench/gateway_overhead/README.md); handlers stay thin and call the pipeline.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from aiohttp import web

from tenbin.api import refusals
from tenbin.api.admin import add_admin_routes
from tenbin.api.auth import Authenticator
from tenbin.api.body import BodyLimits
from tenbin.api.faces import add_face_routes, serve
from tenbin.api.front import front_middleware
from tenbin.api.metrics import add_metrics_route
from tenbin.api.openapi import openapi_json
from tenbin.api.response_store import ResponseStore
from tenbin.api.state import AUTH, LIMITS, RESPONSE_STORE, RUNTIME
from tenbin.console.app import add_console_routes
from tenbin.errors import NotFound
from tenbin.faces.chat import CHAT
from tenbin.gateway.models import for_caller, model_states, openai_model, provider_states
from tenbin.gateway.runtime import Runtime


def _json(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(body=orjson.dumps(obj), status=status, content_type="application/json", headers=headers)


async def chat_completions(request: web.Request) -> web.StreamResponse:
    return await serve(request, CHAT)


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
        # writes the ledger's spool (ledger.spool_dir) failed, e.g. a full disk: those requests were
        # answered with an error, their rows kept in memory only — an operator must see it here
        "ledger_spool_errors": rt.ledger.spool.errors if rt.ledger.spool is not None else 0,
        "breakers": rt.gateway.breakers.snapshot(),
        # per configured provider: {"available", "reason", **availability().extra} (e.g. the
        # embedded engine's {"engine": {"state", "crashes", "reason"}}); credentials never appear
        "providers": {name: p.as_dict() for name, p in provider_states(rt.providers).items()},
        **({"worker": rt.extras["worker"]} if "worker" in rt.extras else {}),  # serve --workers: which answered
    })


def create_app(runtime: Runtime) -> web.Application:
    app = web.Application(
        # one middleware (request id, errors, refusals, console pages, JSON-only, edge: api/front.py)
        middlewares=[front_middleware],
        client_max_size=runtime.cfg.server.max_body_bytes,
    )
    app[RUNTIME] = runtime
    app[AUTH] = Authenticator(runtime.keyring, runtime.cfg.server)
    app[LIMITS] = BodyLimits.of(runtime.cfg.server)
    vault = runtime.audit.vault if runtime.audit is not None else None
    app[RESPONSE_STORE] = ResponseStore(runtime.store, vault, runtime.gateway.clock)
    refusals.install(app, runtime.ledger, runtime.audit, runtime.gateway.clock)  # 401/403/415: bounded rows
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_post("/chat/completions", chat_completions)
    app.router.add_get("/v1/models", list_models)
    app.router.add_get("/v1/models/{model:.+}", retrieve_model)  # ids contain a slash: local/smollm2
    app.router.add_get("/healthz", healthz)
    add_face_routes(app)
    add_metrics_route(app)
    app.router.add_get("/openapi.json", openapi_json)
    add_admin_routes(app, runtime, app[AUTH])
    add_console_routes(app, runtime, app[AUTH])  # /console: the web console (console/app.py)

    async def on_startup(_: web.Application) -> None:
        await runtime.start()
        app[RESPONSE_STORE].start()

    async def on_cleanup(_: web.Application) -> None:
        await app[RESPONSE_STORE].close()  # before the store closes
        await runtime.stop()

    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app
