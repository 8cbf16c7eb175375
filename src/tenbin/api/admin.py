"""The ``/admin/...`` routes: keys, models, budgets and policies, reports, ledger rows and audit entries.

Every handler starts by asking ``governance.roles`` what the caller's key may see; the team in a
query string can only narrow an admin's view. Errors use the OpenAI error shape like ``/v1``.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from tenbin.api import body as bodies
from tenbin.api import edge
from tenbin.api.auth import Authenticator
from tenbin.context import Principal
from tenbin.errors import BadRequest
from tenbin.finops.periods import current_month, parse_period
from tenbin.gateway.models import model_states, provider_states
from tenbin.gateway.runtime import Runtime
from tenbin.governance import reports
from tenbin.governance.appi import appi_report
from tenbin.governance.audit_read import audit_rows
from tenbin.governance.config import GovernanceConfig
from tenbin.governance.keyadmin import KeyAdmin, key_view
from tenbin.governance.roles import read_scope, require_admin, require_console
from tenbin.governance.verify import head, verify_store
from tenbin.ledger.query import LedgerFilter, ledger_rows
from tenbin.ledger.routes import route_report

MAX_LIMIT = 1000


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(obj), status=status, content_type="application/json")


def _int_param(request: web.Request, name: str, default: int, lo: int = 0, hi: int = 2**62) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        v = int(raw)
    except ValueError:
        raise BadRequest(f"{name} must be an integer", param=name) from None
    if not lo <= v <= hi:
        raise BadRequest(f"{name} must be between {lo} and {hi}", param=name)
    return v


def _opt_str(body: dict[str, Any], name: str) -> str | None:
    v = body.get(name)
    if v is not None and (not isinstance(v, str) or not v.strip()):
        raise BadRequest(f"{name} must be a non-empty string", param=name)
    return v


def _team_budgets(rules: Any, team: str | None) -> Any:
    """Budget rules a team may read: the team rules that apply to it (its own, or ``match: '*'``,
    each team). Rules on projects, keys, use cases or the whole company are for admins."""
    if team is None or not isinstance(rules, list):
        return rules
    return [r for r in rules if isinstance(r, dict) and r.get("scope", "team") == "team"
            and r.get("match", "*") in (team, "*")]


def _team_items(section: Any, team: str | None) -> Any:
    """Budgets/policies visible to a team: entries naming another team are hidden from non-admins."""
    if team is None:
        return section
    if isinstance(section, list):
        return [e for e in section if not isinstance(e, dict) or e.get("team") in (None, team)]
    if isinstance(section, dict):
        out = {k: _team_items(v, team) for k, v in section.items() if k != "teams"}
        if isinstance(section.get("teams"), dict):
            out["teams"] = {k: v for k, v in section["teams"].items() if k == team}
        return out
    return section


class AdminAPI:
    def __init__(self, runtime: Runtime, auth: Authenticator) -> None:
        self.rt = runtime
        self.auth = auth
        self.keys = KeyAdmin(runtime.keyring, runtime.audit)

    async def _who(self, request: web.Request) -> Principal:
        return await self.auth.principal(request, admin_api=True)  # a key, whatever the auth mode

    async def _scope(self, request: web.Request) -> str | None:
        return read_scope(await self._who(request), request.query.get("team"))

    async def _audit_written(self) -> None:
        """Reads of the chain include every entry queued so far (the audit flush is serialised)."""
        if self.rt.audit is not None:
            await self.rt.audit.flush()

    # ---- keys ---------------------------------------------------------------------------------
    async def list_keys(self, request: web.Request) -> web.Response:
        team = await self._scope(request)
        return _json({"object": "list", "data": [key_view(k) for k in await self.rt.store.list_keys(team)]})

    async def create_key(self, request: web.Request) -> web.Response:
        actor = await self._who(request)
        body = await bodies.read_json(request, bodies.BodyLimits.of(self.rt.cfg.server))
        edge.check_admin(body)
        models = body.get("models")
        if models is not None and not (isinstance(models, list) and all(isinstance(m, str) for m in models)):
            raise BadRequest("models must be a list of model ids", param="models")
        plaintext, rec = await self.keys.create(
            actor, _opt_str(body, "team"), _opt_str(body, "project") or "default",
            _opt_str(body, "role") or "app", _opt_str(body, "name"), tuple(models) if models else None)
        return _json({**key_view(rec), "key": plaintext}, status=201)

    async def revoke_key(self, request: web.Request) -> web.Response:
        rec = await self.keys.revoke(await self._who(request), request.match_info["key_id"])
        return _json(key_view(rec))

    async def rotate_key(self, request: web.Request) -> web.Response:
        plaintext, rec = await self.keys.rotate(await self._who(request), request.match_info["key_id"])
        out = {**key_view(rec), "key": plaintext, "replaces": request.match_info["key_id"]}
        return _json(out, status=201)

    # ---- configuration (read) -----------------------------------------------------------------
    async def budgets(self, request: web.Request) -> web.Response:
        """Config and stored (``tenbin budgets set``) budgets, and where each stands this period:
        spend, held reservations, thresholds crossed, downgrading/blocking since when."""
        team = await self._scope(request)
        fo = self.rt.finops
        if fo is None:
            return _json({"team": team, "budgets": _team_budgets(self.rt.cfg.finops.get("budgets", []), team),
                          "status": []})
        rules = [{**r.model_dump(mode="json"), "source": "config" if fo.config_budget(r.name) else "store"}
                 for r in fo.rules]
        return _json({"team": team, "budgets": _team_budgets(rules, team), "status": await fo.status(team)})

    async def policies(self, request: web.Request) -> web.Response:
        who = await self._who(request)
        team = read_scope(who, request.query.get("team"))
        privacy = self.rt.cfg.privacy
        if who.role != "admin" and isinstance(privacy, dict) and "custom_terms" in privacy:
            # the terms a company wants kept from vendors are themselves confidential
            privacy = {k: v for k, v in privacy.items() if k != "custom_terms"}
        return _json({"team": team, "routing": _team_items(self.rt.cfg.routing, team), "privacy": privacy})

    # ---- models and providers -----------------------------------------------------------------
    async def models(self, request: web.Request) -> web.Response:
        """Every catalog model with its state, the unusable ones with the reason (``/v1/models``
        lists only the usable ones), and every configured provider's availability."""
        require_console(await self._who(request))
        providers = provider_states(self.rt.providers)
        breakers = self.rt.gateway.breakers.snapshot()
        data = [{"id": s.model.id, "provider": s.model.provider, "configured": s.configured,
                 "available": s.available, "reason": s.reason, "code": s.code,
                 "breaker": breakers.get(s.model.id, "closed"),
                 "default": s.model.id == self.rt.cfg.default_model,
                 "region": s.model.region, "jurisdiction": s.model.jurisdiction, "tier": s.model.tier}
                for s in model_states(self.rt.catalog, providers, self.rt.cfg.default_model)]
        return _json({"object": "list", "data": data,
                      "providers": {name: p.as_dict() for name, p in providers.items()}})

    # ---- reports, ledger, audit ---------------------------------------------------------------
    async def report_costs(self, request: web.Request) -> web.Response:
        team = await self._scope(request)
        rows = await reports.costs(self.rt.store, request.query.get("period"), team)
        return _json({"object": "list", "team": team, "data": rows})

    async def report_routing(self, request: web.Request) -> web.Response:
        """Rules that fired, complexity tiers, models served, fallbacks and their causes, from the
        ledger's route traces (ledger/routes.py; the console's routing page shows the same)."""
        team = await self._scope(request)
        text = request.query.get("period")
        try:
            period = parse_period(text) if text else current_month(self.rt.gateway.clock)
        except ValueError as e:
            raise BadRequest(str(e), param="period") from None
        rep = await route_report(self.rt.store, period, team)
        return _json({"object": "routing.report", "team": team, "period": period.label, **rep.as_dict()})

    async def report_cross_border(self, request: web.Request) -> web.Response:
        team = await self._scope(request)
        await self._audit_written()
        rows = await reports.cross_border(self.rt.store, request.query.get("period"), team)
        return _json({"object": "list", "team": team, "data": [r.as_dict() for r in rows]})

    async def report_processing(self, request: web.Request) -> web.Response:
        team = await self._scope(request)
        await self._audit_written()
        rows = await reports.processing(self.rt.store, request.query.get("period"), team)
        return _json({"object": "list", "team": team, "data": rows})

    async def report_appi(self, request: web.Request) -> web.Response:
        """The APPI Art. 28/29 record joined with the vendor register (governance/appi.py)."""
        team = await self._scope(request)
        await self._audit_written()
        rep = await appi_report(self.rt.store, GovernanceConfig.from_section(self.rt.cfg.governance),
                                request.query.get("period"), team)
        return _json({"object": "list", "team": team, **rep.as_dict()})

    async def vendors(self, request: web.Request) -> web.Response:
        """The vendor register: who receives data, on which legal basis, reviewed when."""
        await self._scope(request)
        gov = GovernanceConfig.from_section(self.rt.cfg.governance)
        return _json({"object": "list", "review_max_age_days": gov.review_max_age_days,
                      "data": [{"provider": name, **v.model_dump(mode="json"), "legal_basis_ja": v.basis_ja,
                                "review_due": (d.isoformat() if (d := v.review_due(gov.review_max_age_days))
                                               else None)}
                               for name, v in sorted(gov.vendors.items())]})

    async def reload_config(self, request: web.Request) -> web.Response:
        """Re-read the config file and swap policy, models, budgets and FX (gateway/reload.py)."""
        actor = await self._who(request)
        require_admin(actor)
        from tenbin.config.loader import ConfigError
        from tenbin.gateway.reload import reload_runtime

        try:
            done = await reload_runtime(self.rt)
        except ConfigError as e:
            raise BadRequest(str(e), code="config_invalid") from None
        if self.rt.audit is not None:  # who asked, beside the system's config.reload entry
            self.rt.audit.admin(actor, "config.reload.request", target=self.rt.config_source,
                                detail={"config_sha256": done.sha256})
            await self.rt.audit.flush()
        peers = self.rt.extras.get("reload_peers")  # serve --workers: the other workers re-read it too
        if peers is not None:
            await peers()
        return _json({"object": "config.reload", "previous_sha256": done.previous_sha256, "sha256": done.sha256,
                      "changed": list(done.changed), "warnings": list(done.warnings)})

    async def ledger(self, request: web.Request) -> web.Response:
        """Newest rows first; ``model``, ``status`` (ok/error/code), ``data_class``, ``use_case`` and
        ``day`` (Tokyo) narrow them, as on the console's requests page (ledger/query.py)."""
        team = await self._scope(request)
        limit = _int_param(request, "limit", 100, 1, MAX_LIMIT)
        rows = await ledger_rows(self.rt.store, team, limit, LedgerFilter.from_query(request.query))
        return _json({"object": "list", "team": team, "data": rows})

    async def audit(self, request: web.Request) -> web.Response:
        team = await self._scope(request)
        after = _int_param(request, "after_seq", 0)
        limit = _int_param(request, "limit", 100, 1, MAX_LIMIT)
        await self._audit_written()
        rows = await audit_rows(self.rt.store, team, after_seq=after, limit=limit)
        return _json({"object": "list", "team": team, "data": rows})

    async def audit_verify(self, request: web.Request) -> web.Response:
        require_admin(await self._who(request))
        await self._audit_written()
        res = await verify_store(self.rt.store, request.query.get("against"))
        broken = None if res.broken is None else {"seq": res.broken.seq, "reason": res.broken.reason}
        return _json({"ok": res.ok, "checked": res.checked, "head_seq": res.head_seq,
                      "head_hash": res.head_hash, "checkpoint_seq": res.checkpoint_seq, "broken": broken,
                      "purged_through": res.purged_through})

    async def audit_checkpoint(self, request: web.Request) -> web.Response:
        require_admin(await self._who(request))
        await self._audit_written()
        seq, h = await head(self.rt.store)
        return _json({"seq": seq, "hash": h})


def add_admin_routes(app: web.Application, runtime: Runtime, auth: Authenticator) -> None:
    api = AdminAPI(runtime, auth)
    r = app.router
    r.add_get("/admin/keys", api.list_keys)
    r.add_post("/admin/keys", api.create_key)
    r.add_post("/admin/keys/{key_id}/revoke", api.revoke_key)
    r.add_post("/admin/keys/{key_id}/rotate", api.rotate_key)
    r.add_get("/admin/models", api.models)
    r.add_get("/admin/budgets", api.budgets)
    r.add_get("/admin/policies", api.policies)
    r.add_get("/admin/reports/costs", api.report_costs)
    r.add_get("/admin/reports/routing", api.report_routing)
    r.add_get("/admin/reports/cross-border", api.report_cross_border)
    r.add_get("/admin/reports/processing", api.report_processing)
    r.add_get("/admin/reports/appi", api.report_appi)
    r.add_get("/admin/vendors", api.vendors)
    r.add_post("/admin/config/reload", api.reload_config)
    r.add_get("/admin/ledger", api.ledger)
    r.add_get("/admin/audit", api.audit)
    r.add_get("/admin/audit/verify", api.audit_verify)
    r.add_get("/admin/audit/checkpoint", api.audit_checkpoint)


# Read endpoints that take ?team= — the cross-tenant tests walk this list so a new route is covered.
TEAM_SCOPED_GETS = ("/admin/keys", "/admin/budgets", "/admin/policies", "/admin/reports/costs",
                    "/admin/reports/routing",
                    "/admin/reports/cross-border", "/admin/reports/processing", "/admin/reports/appi",
                    "/admin/vendors", "/admin/ledger", "/admin/audit")
ADMIN_ONLY_GETS = ("/admin/audit/verify", "/admin/audit/checkpoint")
