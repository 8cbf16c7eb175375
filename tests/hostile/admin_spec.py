"""The admin API (src/tenbin/api/admin.py) as OpenAPI paths, so schemathesis can walk it beside the
served document, which describes only the OpenAI-compatible surface. Written from the handlers:
what each route reads, with the types it accepts; schemathesis also sends values outside them.
"""

from __future__ import annotations

from typing import Any

_ERR = {"description": "OpenAI-format error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ANY = {"description": "JSON", "content": {"application/json": {"schema": {"type": "object"}}}}


def _q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


TEAM = _q("team", {"type": "string"})
PERIOD = _q("period", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"})
LIMIT = _q("limit", {"type": "integer", "minimum": 1, "maximum": 1000})
KEY_ID = {"name": "key_id", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}


def _get(op: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": op, "parameters": list(params),
                    "responses": {"200": _ANY, "400": _ERR, "401": _ERR, "403": _ERR}}}


def _post(op: str, *params: dict[str, Any], body: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"operationId": op, "parameters": list(params),
                            "responses": {"200": _ANY, "201": _ANY, "400": _ERR, "401": _ERR, "403": _ERR,
                                          "404": _ERR}}
    if body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return {"post": spec}


KEY_BODY = {"type": "object", "properties": {
    "team": {"type": "string", "minLength": 1, "maxLength": 64},
    "project": {"type": "string", "minLength": 1, "maxLength": 64},
    "role": {"type": "string", "enum": ["app", "viewer", "team-admin", "admin"]},
    "name": {"type": "string", "maxLength": 128},
    "models": {"type": "array", "items": {"type": "string"}}}}

ADMIN_PATHS: dict[str, Any] = {
    "/admin/keys": {**_get("listKeys", TEAM), **_post("createKey", body=KEY_BODY)},
    "/admin/keys/{key_id}/revoke": _post("revokeKey", KEY_ID),
    "/admin/keys/{key_id}/rotate": _post("rotateKey", KEY_ID),
    "/admin/models": _get("adminModels"),
    "/admin/budgets": _get("adminBudgets", TEAM),
    "/admin/policies": _get("adminPolicies", TEAM),
    "/admin/reports/costs": _get("reportCosts", PERIOD, TEAM),
    "/admin/reports/cross-border": _get("reportCrossBorder", PERIOD, TEAM),
    "/admin/reports/processing": _get("reportProcessing", PERIOD, TEAM),
    # a month, a day or a day range, as `tenbin costs --period`
    "/admin/reports/routing": _get("reportRouting", _q("period", {"type": "string"}), TEAM),
    "/admin/ledger": _get("adminLedger", TEAM, LIMIT, _q("model", {"type": "string"}),
                          _q("status", {"type": "string"}), _q("data_class", {"type": "string"}),
                          _q("use_case", {"type": "string"}), _q("day", {"type": "string", "format": "date"})),
    "/admin/audit": _get("adminAudit", TEAM, LIMIT, _q("after_seq", {"type": "integer", "minimum": 0})),
    "/admin/audit/verify": _get("auditVerify", _q("against", {"type": "string"})),
    "/admin/audit/checkpoint": _get("auditCheckpoint"),
}


def with_admin(document: dict[str, Any]) -> dict[str, Any]:
    return {**document, "paths": {**document["paths"], **ADMIN_PATHS}}
