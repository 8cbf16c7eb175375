"""Render every failure in OpenAI's error JSON shape, with the right status."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import orjson
from aiohttp import web

from tenbin.errors import GatewayError

log = logging.getLogger("tenbin.api")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(err: GatewayError, request_id: str | None = None) -> web.Response:
    headers = dict(err.headers)
    if request_id:
        headers["x-tenbin-request-id"] = request_id
    resp = web.Response(
        body=orjson.dumps(err.to_body()), status=err.status, content_type="application/json", headers=headers
    )
    if err.status == 408:
        resp.force_close()  # the rest of a body that came too slowly is not waited for
    return resp


_HTTP_MAP = {
    404: ("Unknown endpoint.", "invalid_request_error", "not_found"),
    405: ("Method not allowed.", "invalid_request_error", "method_not_allowed"),
    413: ("Request body too large.", "invalid_request_error", "request_too_large"),
}


def _rid(request: web.Request) -> str | None:
    from tenbin.api.app import REQUEST_ID

    return request.get(REQUEST_ID)


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except GatewayError as e:
        return error_response(e, _rid(request))
    except web.HTTPException as e:
        if e.status in _HTTP_MAP or e.status >= 400:
            msg, typ, code = _HTTP_MAP.get(e.status, (e.reason, "invalid_request_error", None))
            return error_response(GatewayError(msg, status=e.status, type=typ, code=code), _rid(request))
        raise
    except ConnectionResetError:
        raise  # the client went away mid-request: nothing to answer, nothing to log loudly
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            GatewayError("The gateway hit an internal error.", status=500), _rid(request)
        )
