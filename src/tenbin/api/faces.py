"""HTTP handlers for the API faces other than chat completions: each translates its request into
the one pipeline (``Gateway.chat``, or ``Gateway.embed`` for embeddings) and renders the answer in
its own shape (``tenbin.faces``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from tenbin.api import body as bodies
from tenbin.api import edge, refusals
from tenbin.api.sse import SSEResponse
from tenbin.api.state import AUTH, LIMITS, REQUEST_ID, RESPONSE_STORE, RUNTIME
from tenbin.api.validation import parse_json, validate_chat
from tenbin.context import NativeRequest, Principal, RequestContext
from tenbin.errors import BadRequest
from tenbin.faces import Face
from tenbin.faces import embeddings as embedding_face
from tenbin.faces import messages as anthropic
from tenbin.faces.responses import RESPONSES
from tenbin.gateway.pipeline import Completion
from tenbin.gateway.runtime import Runtime
from tenbin.gateway.streaming import FLUSH

#: The client's headers a vendor speaking the face's own format reads: the native body was written
#: for the client's API version and betas, so they go with it (only the Anthropic adapter reads them).
NATIVE_HEADERS = ("anthropic-beta", "anthropic-version")


async def _body(request: web.Request, limits: bodies.BodyLimits) -> tuple[dict[str, Any], int]:
    raw = await bodies.read(request, limits)
    bodies.check_shape(raw, limits.max_depth, limits.max_elements)
    return parse_json(raw), len(raw)


def use_case_of(request: web.Request, body: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
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


Before = Callable[[Principal, dict[str, Any]], Awaitable[dict[str, Any]]]
After = Callable[[Principal, str, dict[str, Any], dict[str, Any]], Awaitable[None]]


def check_labels(rt: Runtime, use_case: str | None, model: str) -> None:
    """The use-case tag and the model name are stored in the ledger as they came: refuse one that
    holds personal data (a phone number as a tag, a name as a model) rather than keep it at rest.
    Labels repeat, and the detector remembers clean strings, so this costs a lookup per request."""
    privacy = rt.gateway.privacy
    if privacy is None or (use_case is None and model in rt.catalog):  # nothing to scan: the common case
        return
    for value, param in ((use_case, "metadata.use_case"), (model, "model")):
        if value and (param == "metadata.use_case" or value not in rt.catalog):
            # what the ledger would store (a lone surrogate is repaired there), never a crash here
            found = privacy.detector.scan_text(value.encode("utf-8", "replace").decode("utf-8"))
            if found:
                kinds = ", ".join(sorted({f.label for f in found}))
                raise BadRequest(f"'{param}' looks like it holds personal data ({kinds}); it is stored as a "
                                 "label, so send a plain one (e.g. 'support-reply').", param=param,
                                 code="personal_data_in_label")


async def serve(request: web.Request, face: Face, before: Before | None = None,
                after: After | None = None) -> web.StreamResponse:
    """``before(principal, body)`` may rewrite the face's request (a stored conversation in front
    of it); ``after(principal, request_id, body, answer)`` sees the rendered answer once it is
    complete (to store it)."""
    app = request.app  # a property that walks the match info: read once
    rt = app[RUNTIME]
    principal = await app[AUTH].principal(request)
    raw_body, size = await _body(request, app[LIMITS])
    if before is not None:
        raw_body = await before(principal, raw_body)
    body = face.to_chat(raw_body)
    validate_chat(body)  # the translation's output is held to the same contract as a chat request
    edge.check_chat(request, body)
    use_case, tags = use_case_of(request, body)
    check_labels(rt, use_case, body["model"])
    native = None
    if face.native is not None:
        # The face's own request rides beside its translation, for a vendor that speaks it;
        # the use-case tag is ours and leaves it as it leaves the chat body.
        own = dict(raw_body)
        use_case_of(request, own)
        sent = {h: v for h in NATIVE_HEADERS if (v := request.headers.get(h))}
        native = NativeRequest(face.native, own, sent)
    ctx = RequestContext(
        request_id=request[REQUEST_ID], principal=principal, body=body, requested_model=body["model"],
        stream=bool(body.get("stream")), use_case=use_case, metadata=tags, body_size=size,
        trace_headers=request.headers, native=native,
    )
    request[refusals.PIPELINE_OWNS] = True  # from here on the pipeline's finish writes the row
    outcome = await rt.gateway.chat(ctx)
    headers = outcome.served.headers(ctx.request_id)
    model = outcome.served.model.id
    if isinstance(outcome, Completion):
        if outcome.native and face.native is not None:
            rendered = face.native.render(outcome.response, ctx.request_id, model)
        else:
            rendered = face.render(outcome.response, ctx.request_id, raw_body)
        if after is not None:
            await after(principal, ctx.request_id, raw_body, rendered)
        headers["Content-Type"] = "application/json"  # as content_type= would, without its checks
        return web.Response(body=orjson.dumps(rendered), headers=headers)
    make = face.native_writer if outcome.native and face.native_writer is not None else face.writer
    writer = make(ctx.request_id, model, raw_body, int(ctx.started))
    resp = SSEResponse(headers)
    held: list[bytes] = []  # written when the stream says FLUSH (the next chunk is not here yet)
    try:
        await resp.prepare(request)  # the headers go out with the first write (api/sse.py)
        start = writer.start()
        if start:
            held.append(start)
        async for chunk in outcome.chunks:
            if chunk is FLUSH:
                if held:
                    await resp.write(b"".join(held))
                    held.clear()
                continue
            out = writer.feed(chunk)
            if out:
                held.append(out)
    finally:
        await outcome.aclose()  # the pipeline's one finish: ledger row, audit entry, settlement
    held.append(writer.end())
    end = b"".join(held)
    # the whole answer, for faces whose writer keeps one
    final = getattr(writer, "final", None) if after is not None else None
    if after is None or final is None:
        await resp.write_eof(end)  # the last events and the end of the stream in one write
        return resp
    await resp.write(end)
    await after(principal, ctx.request_id, raw_body, final)
    await resp.write_eof()
    return resp


async def embeddings(request: web.Request) -> web.Response:
    """``POST /v1/embeddings``: the same stages as a chat (scan, routing under the constraints,
    budgets, one ledger row and audit entry); vectors are never computed from masked text."""
    app = request.app
    rt = app[RUNTIME]
    principal = await app[AUTH].principal(request)
    raw_body, size = await _body(request, app[LIMITS])
    body, encoding = embedding_face.parse(raw_body)
    edge.check_chat(request, body)  # model and user reach the ledger and audit as on a chat
    check_labels(rt, request.headers.get("x-tenbin-use-case"), body["model"])
    ctx = RequestContext(
        request_id=request[REQUEST_ID], principal=principal, body=body, requested_model=body["model"],
        stream=False, use_case=request.headers.get("x-tenbin-use-case"), body_size=size, operation="embed",
        trace_headers=request.headers,
    )
    request[refusals.PIPELINE_OWNS] = True  # from here on the pipeline's finish writes the row
    out = await rt.gateway.embed(ctx)
    answer = embedding_face.render(out.vectors, out.usage.prompt_tokens, out.served.model.id, encoding)
    return web.Response(body=orjson.dumps(answer), content_type="application/json",
                        headers=out.served.headers(ctx.request_id))


async def messages(request: web.Request) -> web.StreamResponse:
    return await serve(request, anthropic.MESSAGES)


async def responses(request: web.Request) -> web.StreamResponse:
    store = request.app[RESPONSE_STORE]
    return await serve(request, RESPONSES, store.expand, store.keep)


async def stored_response(request: web.Request) -> web.Response:
    principal = await request.app[AUTH].principal(request)
    store, ident = request.app[RESPONSE_STORE], request.match_info["response_id"]
    out = await (store.delete(principal, ident) if request.method == "DELETE" else store.get(principal, ident))
    return web.Response(body=orjson.dumps(out), content_type="application/json")


async def count_tokens(request: web.Request) -> web.Response:
    """Anthropic's ``count_tokens``: no vendor is called (so no ledger row); the number is tenbin's
    estimate, marked as such in ``x-tenbin-token-count``."""
    app = request.app
    await app[AUTH].principal(request)
    body, _ = await _body(request, app[LIMITS])
    n = anthropic.count_tokens(body)
    return web.Response(body=orjson.dumps({"input_tokens": n}), content_type="application/json",
                        headers={"x-tenbin-token-count": "estimate"})


def add_face_routes(app: web.Application) -> None:
    app.router.add_post("/v1/responses", responses)
    app.router.add_get("/v1/responses/{response_id}", stored_response)
    app.router.add_delete("/v1/responses/{response_id}", stored_response)
    app.router.add_post("/v1/embeddings", embeddings)
    app.router.add_post("/embeddings", embeddings)  # base_url without /v1, as for chat completions
    app.router.add_post("/v1/messages", messages)
    app.router.add_post("/v1/messages/count_tokens", count_tokens)
