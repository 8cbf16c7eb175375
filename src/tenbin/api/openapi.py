"""The OpenAPI 3.0 document for the OpenAI-compatible surface, served at ``/openapi.json``.

Hand-written (not generated from handlers) because the handlers validate by hand for speed and
pass unknown fields through; this document states the contract clients and fuzzers rely on: which
bodies are valid, and that every error comes back in OpenAI's error shape with a 4xx/5xx status.
"""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["message", "type"],
        "properties": {
            "message": {"type": "string"}, "type": {"type": "string"},
            "param": {"type": "string", "nullable": True}, "code": {"type": "string", "nullable": True},
        },
    }},
}

_PART = {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}},
         "additionalProperties": True}

_MESSAGE = {
    "type": "object",
    "required": ["role", "content"],
    "properties": {
        "role": {"type": "string", "enum": ["system", "developer", "user", "assistant", "tool"]},
        "content": {"oneOf": [{"type": "string"}, {"type": "array", "items": _PART, "minItems": 1}]},
        "name": {"type": "string"},
        "tool_call_id": {"type": "string"},
    },
}

_CHAT_REQUEST = {
    "type": "object",
    "required": ["model", "messages"],
    "properties": {
        "model": {"type": "string", "minLength": 1, "description": "catalog id, or 'auto' for policy routing"},
        "messages": {"type": "array", "items": _MESSAGE, "minItems": 1},
        "stream": {"type": "boolean"},
        "stream_options": {"type": "object", "properties": {"include_usage": {"type": "boolean"}}},
        "temperature": {"type": "number", "minimum": 0, "maximum": 2},
        "top_p": {"type": "number", "minimum": 0, "maximum": 1},
        "presence_penalty": {"type": "number", "minimum": -2, "maximum": 2},
        "frequency_penalty": {"type": "number", "minimum": -2, "maximum": 2},
        "max_tokens": {"type": "integer", "minimum": 1},
        "max_completion_tokens": {"type": "integer", "minimum": 1},
        "n": {"type": "integer", "minimum": 1},
        "stop": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "use_case is taken out as the tenbin use case"},
        "user": {"type": "string"},
    },
}

_COMPLETION = {
    "type": "object",
    "required": ["id", "object", "model", "choices"],
    "properties": {
        "id": {"type": "string"}, "object": {"type": "string"}, "created": {"type": "integer"},
        "model": {"type": "string"},
        "choices": {"type": "array", "items": {"type": "object"}},
        "usage": {"type": "object"},
    },
}

_MODEL = {
    "type": "object",
    "required": ["id", "object", "created", "owned_by"],
    "properties": {"id": {"type": "string"}, "object": {"type": "string", "enum": ["model"]},
                   "created": {"type": "integer"}, "owned_by": {"type": "string"},
                   "tenbin": {"type": "object", "description": "region, jurisdiction, tier, context_window"}},
}


_EMBEDDING_REQUEST = {
    "type": "object", "required": ["model", "input"],
    "properties": {
        "model": {"type": "string"},
        "input": {"oneOf": [
            {"type": "string"}, {"type": "array", "items": {"type": "string"}},
            {"type": "array", "items": {"type": "integer", "minimum": 0}},
            {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}}]},
        "encoding_format": {"type": "string", "enum": ["float", "base64"]},
        "dimensions": {"type": "integer", "minimum": 1},
        "user": {"type": "string"},
    },
}
_EMBEDDINGS = {
    "type": "object", "required": ["object", "data", "model", "usage"],
    "properties": {"object": {"type": "string"}, "model": {"type": "string"},
                   "data": {"type": "array", "items": {"type": "object"}}, "usage": {"type": "object"}},
}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": "OpenAI-format error",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for c in codes}


DOCUMENT: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "tenbin (天秤) gateway", "version": "1",
             "description": "OpenAI-compatible chat completions with routing, JPY cost metering and "
                            "data-sovereignty policy. Responses carry x-tenbin-request-id."},
    "components": {
        "schemas": {"Error": _ERROR, "ChatRequest": _CHAT_REQUEST, "ChatCompletion": _COMPLETION,
                    "Model": _MODEL},
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
    "security": [{"bearer": []}, {}],
    "paths": {
        "/v1/chat/completions": {"post": {
            "operationId": "createChatCompletion",
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ChatRequest"}}}},
            "responses": {
                "200": {"description": "a completion (JSON) or, with stream=true, server-sent events",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatCompletion"}},
                                    "text/event-stream": {"schema": {"type": "string"}}}},
                **_errors(400, 401, 403, 404, 413, 415, 429, 502, 503, 504),
            },
        }},
        "/v1/embeddings": {"post": {
            "operationId": "createEmbedding",
            "requestBody": {"required": True, "content": {"application/json": {"schema": _EMBEDDING_REQUEST}}},
            "responses": {
                "200": {"description": "one vector per input (floats, or base64 little-endian float32)",
                        "content": {"application/json": {"schema": _EMBEDDINGS}}},
                **_errors(400, 401, 403, 404, 413, 415, 429, 502, 503, 504),
            },
        }},
        "/v1/models": {"get": {
            "operationId": "listModels",
            "responses": {"200": {
                "description": "the models this key can be served by now (provider configured and available, "
                               "allowed for the key), default model first; tenbin.unavailable names the "
                               "others the key may use, with the reason",
                "content": {"application/json": {"schema": {
                    "type": "object", "required": ["object", "data"],
                    "properties": {"object": {"type": "string"},
                                   "data": {"type": "array", "items": {"$ref": "#/components/schemas/Model"}},
                                   "tenbin": {"type": "object"}}}}}},
                **_errors(401, 403)},
        }},
        "/v1/models/{model}": {"get": {
            "operationId": "retrieveModel",
            "parameters": [{"name": "model", "in": "path", "required": True, "schema": {"type": "string"},
                            "description": "catalog id; may contain '/' (local/smollm2), sent as is"}],
            "responses": {"200": {"description": "the model, if this key can be served by it now",
                                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Model"}}}},
                          **_errors(401, 403, 404)},
        }},
        "/healthz": {"get": {
            "operationId": "health", "security": [{}],
            "responses": {"200": {"description": "liveness, ledger backlog, breakers and each configured "
                                                 "provider's availability (the embedded engine's state under "
                                                 "providers.<name>.engine)", "content": {
                "application/json": {"schema": {"type": "object", "required": ["status", "providers"], "properties": {
                    "status": {"type": "string"},
                    "providers": {"type": "object", "additionalProperties": {
                        "type": "object", "required": ["available", "reason"],
                        "properties": {"available": {"type": "boolean"},
                                       "reason": {"type": "string", "nullable": True}}}}}}}}}},
        }},
    },
}

_BODY = orjson.dumps(DOCUMENT)


async def openapi_json(request: web.Request) -> web.Response:
    return web.Response(body=_BODY, content_type="application/json")
