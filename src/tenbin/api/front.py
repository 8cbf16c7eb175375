"""The one middleware every request passes through, outermost first: its request id, failures
rendered in OpenAI's error shape (``api/errors.py``), refusals recorded (``api/refusals.py``),
``/console`` failures as HTML pages (``console/app.py``), JSON-only bodies (``api/guard.py``) and
the edge's header checks (``api/edge.py``).

One middleware rather than one per concern because aiohttp runs each as a coroutine of its own
(behind a ``functools.partial``) on every request, 404s included: six of them cost as much as a
third of the bare aiohttp handler's own work (``bench/api_side.py``). The order is the one the
separate middlewares had, so every response, header and ledger row is the same.
"""

from __future__ import annotations

import logging

from aiohttp import web

from tenbin.api import edge, guard, refusals
from tenbin.api.errors import HTTP_MAP, Handler, error_response
from tenbin.api.ids import REQUEST_ID, request_id
from tenbin.console.app import html_errors_middleware, is_console_path
from tenbin.errors import GatewayError

log = logging.getLogger("tenbin.api")


@web.middleware
async def front_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request[REQUEST_ID] = request_id()  # api/ids.py: why not the random module's own generator
    try:
        try:
            if is_console_path(request.path):  # pages: failures below become HTML (console/app.py)
                resp = await html_errors_middleware(request, _checked(handler))
            else:
                guard.check_json_body(request)  # looked up on the modules: tests replace them
                edge.check_headers(request)
                resp = await handler(request)
        except GatewayError as e:
            await refusals.note(request, e, rid)
            raise
    except GatewayError as e:
        resp = error_response(e, rid, request.path)
    except web.HTTPException as e:
        if e.status not in HTTP_MAP and e.status < 400:
            raise
        msg, typ, code = HTTP_MAP.get(e.status, (e.reason, "invalid_request_error", None))
        resp = error_response(GatewayError(msg, status=e.status, type=typ, code=code), rid, request.path)
    except ConnectionResetError:
        raise  # the client went away mid-request: nothing to answer, nothing to log loudly
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        resp = error_response(GatewayError("The gateway hit an internal error.", status=500), rid, request.path)
    if not resp.prepared:
        resp.headers.setdefault("x-tenbin-request-id", rid)
    return resp


def _checked(handler: Handler) -> Handler:
    """``handler`` behind the JSON-only and edge checks, for a console request (its HTML forms
    under ``/console/`` post form bodies, checked by their CSRF token instead)."""

    async def checked(request: web.Request) -> web.StreamResponse:
        if not request.path.startswith(guard.CONSOLE_FORMS):
            guard.check_json_body(request)
        edge.check_headers(request)
        return await handler(request)

    return checked
