"""``GET /metrics``: Prometheus/OpenMetrics text. Metrics span every team, so it takes an admin key
(Prometheus sends it as a bearer token: ``authorization.credentials`` in the scrape config)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from tenbin.api.state import AUTH, RUNTIME
from tenbin.errors import NotFound
from tenbin.gateway.models import provider_states
from tenbin.governance.roles import require_admin
from tenbin.observe.metrics import budget_utilisation


async def metrics(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    require_admin(await request.app[AUTH].principal(request, admin_api=True))
    if rt.metrics is None:
        raise NotFound("Metrics are off on this gateway (metrics.enabled: false).", code="metrics_disabled")
    state: dict[str, Any] = {
        "ledger_pending": rt.ledger.pending,
        "ledger_quarantined": rt.ledger.quarantined,
        "audit_pending": rt.audit.pending if rt.audit is not None else 0,
        "audit_quarantined": rt.audit.quarantined if rt.audit is not None else 0,
        "breakers": rt.gateway.breakers.snapshot(),
        "providers": {name: p.as_dict() for name, p in provider_states(rt.providers).items()},
        "budgets": budget_utilisation(await rt.finops.status(None)) if rt.finops is not None else {},
    }
    body, content_type = rt.metrics.exposition(state)
    resp = web.Response(body=body)
    resp.headers["content-type"] = content_type
    return resp


def add_metrics_route(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics)
