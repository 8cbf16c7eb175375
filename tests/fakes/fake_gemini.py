"""A fake Google Generative Language API (Gemini) on 127.0.0.1.

Serves ``POST /v1beta/models/{model}:generateContent`` and ``:streamGenerateContent`` (``alt=sse``:
one ``data:`` frame per GenerateContentResponse, CRLF-terminated like the real service; without
``alt=sse`` a JSON array, also like the real service). Field names follow
https://ai.google.dev/api/generate-content. Requests are validated like the real API (key header,
roles, non-empty parts), recorded verbatim, and answered from ``fake.script`` (see
``fake_anthropic.FakeUpstream``), else with ``fake.default_text``::

    async with FakeGemini() as fake:
        fake.enqueue(Reply(events=sse_frames(stream_responses(["Hel", "lo"]))))
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from aiohttp import web

from tests.fakes.base import FakeUpstream, Recorded
from tests.fakes.base import Reply as Reply  # re-exported for tests
from tests.fakes.vectors import vector

MODEL = "gemini-2.5-flash"

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def usage(prompt: int, output: int | None, thoughts: int = 0, cached: int = 0) -> dict[str, Any]:
    """usageMetadata; ``output=None`` for the early stream chunks that carry prompt counts only."""
    u: dict[str, Any] = {"promptTokenCount": prompt}
    if output is not None:
        u["candidatesTokenCount"] = output
    if thoughts:
        u["thoughtsTokenCount"] = thoughts
    if cached:
        u["cachedContentTokenCount"] = cached
    u["totalTokenCount"] = prompt + (output or 0) + thoughts
    u["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
    return u


def candidate(
    parts: list[dict[str, Any]], finish_reason: str | None = None, index: int | None = 0
) -> dict[str, Any]:
    cand: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
    if finish_reason:
        cand["finishReason"] = finish_reason
    if index is not None:
        cand["index"] = index
    return cand


def response(
    text: str | None = "Hello!",
    *,
    function_calls: Iterable[tuple[str, dict[str, Any]]] = (),
    finish_reason: str = "STOP",
    prompt_tokens: int = 8,
    output_tokens: int = 5,
    thoughts: int = 0,
    cached: int = 0,
    model: str = MODEL,
) -> dict[str, Any]:
    """A generateContent answer; ``function_calls`` are (name, args) pairs."""
    parts: list[dict[str, Any]] = [{"text": text}] if text is not None else []
    parts += [{"functionCall": {"name": n, "args": a}} for n, a in function_calls]
    return {
        "candidates": [candidate(parts, finish_reason)],
        "usageMetadata": usage(prompt_tokens, output_tokens, thoughts, cached),
        "modelVersion": model,
        "responseId": "mOBxaNOdI7yqz7IPvqi24Ak",
    }


def stream_responses(
    texts: Sequence[str] = ("Hello", "!"),
    *,
    function_calls: Iterable[tuple[str, dict[str, Any]]] = (),
    finish_reason: str = "STOP",
    prompt_tokens: int = 8,
    output_tokens: int = 5,
    thoughts: int = 0,
    cached: int = 0,
    model: str = MODEL,
) -> list[dict[str, Any]]:
    """The responses of a streamed answer: text deltas, then function calls, the last one finishing.

    As on the real service, early chunks carry prompt-only usage and the last the full counts.
    """
    parts: list[list[dict[str, Any]]] = [[{"text": t}] for t in texts]
    parts += [[{"functionCall": {"name": n, "args": a}}] for n, a in function_calls]
    out = []
    for n, p in enumerate(parts or [[{"text": ""}]]):
        last = n == max(len(parts), 1) - 1
        out.append(
            {
                "candidates": [candidate(p, finish_reason if last else None, 0 if last else None)],
                "usageMetadata": usage(
                    prompt_tokens, output_tokens if last else None, thoughts if last else 0, cached
                ),
                "modelVersion": model,
                "responseId": "mOBxaNOdI7yqz7IPvqi24Ak",
            }
        )
    return out


def sse_frames(responses: Iterable[dict[str, Any]]) -> list[bytes]:
    return [b"data: " + orjson.dumps(r) + b"\r\n\r\n" for r in responses]


def gemini_error(
    status: int, msg: str, *, details: Sequence[dict[str, Any]] = (), retry_after: float | None = None,
    status_name: str | None = None,
) -> Reply:
    """An HTTP error in Google's ``{"error": {code, message, status, details}}`` shape; ``status_name``
    overrides the usual name for the code (Google's 400 ``FAILED_PRECONDITION`` for a region block)."""
    name = status_name or STATUS_NAMES.get(status, "UNKNOWN")
    err: dict[str, Any] = {"code": status, "message": msg, "status": name}
    if details:
        err["details"] = list(details)
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return Reply(status=status, json={"error": err}, headers=headers)


def retry_info(seconds: int) -> dict[str, Any]:
    return {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": f"{seconds}s"}


def bad_key() -> Reply:
    """What the real service answers for a wrong API key: 400, not 401."""
    detail = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
    return gemini_error(400, "API key not valid. Please pass a valid API key.", details=[detail])


class FakeGemini(FakeUpstream):
    def __init__(self, api_key: str | None = None, default_text: str = "Hello from fake Gemini.") -> None:
        super().__init__()
        self.api_key = api_key  # None: accept any key
        self.default_text = default_text

    def routes(self) -> list[web.RouteDef]:
        return [web.post("/v1beta/models/{target}", self._models)]

    async def _models(self, request: web.Request) -> web.StreamResponse:
        rec = await self.record(request)
        model, _, method = request.match_info["target"].partition(":")
        if method in ("embedContent", "batchEmbedContents"):
            got = self._key_error(rec) or (self.script.popleft() if self.script else None)
            return await self.send(request, got or self._embed(f"models/{model}", method, rec))
        streaming = method == "streamGenerateContent"
        if method not in ("generateContent", "streamGenerateContent"):
            return await self.send(request, gemini_error(404, f"Method {method!r} not found"))
        reply = self._validate(rec)
        if reply is None:
            reply = self.script.popleft() if self.script else self._default(streaming)
        if streaming and rec.query.get("alt") != "sse" and reply.events is not None:
            reply = self._as_array(reply)
        return await self.send(request, reply)

    def _default(self, streaming: bool) -> Reply:
        if not streaming:
            return Reply(json=response(self.default_text))
        words = self.default_text.split(" ")
        return Reply(events=sse_frames(stream_responses([w + " " for w in words[:-1]] + words[-1:])))

    @staticmethod
    def _as_array(reply: Reply) -> Reply:
        """Without alt=sse the real service streams one JSON array instead of SSE."""
        items = [f[len(b"data: ") :].strip() for f in reply.events or ()]
        return Reply(raw=b"[" + b",\r\n".join(items) + b"]", headers=reply.headers)

    def _key_error(self, rec: Recorded) -> Reply | None:
        key = rec.headers.get("x-goog-api-key") or rec.query.get("key")
        if not key:
            return gemini_error(403, "Method doesn't allow unregistered callers. Please use API Key.")
        if self.api_key is not None and key != self.api_key:
            return bad_key()
        return None

    @staticmethod
    def _embed(model: str, method: str, rec: Recorded) -> Reply:
        """``embedContent`` (``{content, outputDimensionality}`` → ``{embedding: {values}}``) and
        ``batchEmbedContents`` (``{requests: [{model, content, …}]}`` → ``{embeddings: [{values}]}``),
        each request's ``model`` the one in the URL, as the real service requires."""
        try:
            body = rec.json()
        except orjson.JSONDecodeError:
            return gemini_error(400, "Invalid JSON payload received.")
        requests = body.get("requests") if method == "batchEmbedContents" else [body]
        if not isinstance(requests, list) or not requests:
            return gemini_error(400, "* BatchEmbedContentsRequest.requests: requests is not specified")
        out = []
        for n, req in enumerate(requests):
            if method == "batchEmbedContents" and req.get("model") != model:
                return gemini_error(400, f"Model name in request ({req.get('model')}) does not match the model "
                                         f"in the URL ({model}). (requests[{n}])")
            parts = (req.get("content") or {}).get("parts") or []
            texts = [t for p in parts if isinstance(p, dict) and isinstance(t := p.get("text"), str) and t]
            if not texts or len(texts) != len(parts):
                return gemini_error(400, f"* EmbedContentRequest.content: contents is not specified (requests[{n}])")
            dims = req.get("outputDimensionality") or 3072
            if not isinstance(dims, int) or not 1 <= dims <= 3072:
                return gemini_error(400, "outputDimensionality must be between 1 and 3072")
            out.append({"values": vector("".join(texts), dims)})
        return Reply(json={"embedding": out[0]} if method == "embedContent" else {"embeddings": out})

    def _validate(self, rec: Recorded) -> Reply | None:
        refused = self._key_error(rec)
        if refused is not None:
            return refused
        try:
            body = rec.json()
        except orjson.JSONDecodeError:
            return gemini_error(400, "Invalid JSON payload received.")
        contents = body.get("contents")
        if not contents:
            return gemini_error(400, "* GenerateContentRequest.contents: contents is not specified")
        for n, c in enumerate(contents):
            if c.get("role") not in ("user", "model"):
                return gemini_error(400, f"Please use a valid role: user, model. (contents[{n}])")
            if not c.get("parts"):
                return gemini_error(
                    400, f"* GenerateContentRequest.contents[{n}].parts: contents.parts must not be empty."
                )
        return self._refused_by_model(rec.path.rsplit("/", 1)[-1].partition(":")[0], body)

    @staticmethod
    def _refused_by_model(model: str, body: dict[str, Any]) -> Reply | None:
        """What the real service refuses depending on the model (documented behaviour, 2025-26)."""
        gc = body.get("generationConfig") or {}
        if body.get("tools") and gc.get("responseMimeType") == "application/json":
            return gemini_error(400, "Function calling with a response mime type: 'application/json' is unsupported")
        if model.startswith(("gemini-2.5", "gemini-3")) and (gc.get("presencePenalty") or gc.get("frequencyPenalty")):
            return gemini_error(400, f"Penalty is not enabled for models/{model}")
        if model.startswith("gemini-3"):
            for n, c in enumerate(body.get("contents") or []):
                for k, part in enumerate(c.get("parts") or []):
                    if c.get("role") == "model" and "functionCall" in part and not part.get("thoughtSignature"):
                        return gemini_error(400, f"Function call is missing a thought_signature in functionCall "
                                                 f"parts. (contents[{n}].parts[{k}])")
        # One function call answered by more (or fewer) function responses than calls.
        contents = body.get("contents") or []
        for n, c in enumerate(contents[:-1]):
            calls = sum("functionCall" in p for p in c.get("parts") or [])
            nxt = contents[n + 1]
            answers = sum("functionResponse" in p for p in nxt.get("parts") or [])
            if calls and nxt.get("role") == "user" and answers and answers != calls:
                return gemini_error(400, "Please ensure that the number of function response parts is equal "
                                         "to the number of function call parts of the function call turn.")
        return None
