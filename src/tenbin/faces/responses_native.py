"""The Responses face's own format, for a vendor that speaks it (OpenAI): masking of the request
as written, restore of the ``response`` and of its typed event stream, and the stream's rendering.

Built-in tools (web search, file search, code interpreter, MCP, …), their output items, reasoning
items and fields tenbin does not model go to the vendor and back as they are. What changes is
what privacy and the client's view need: found values masked in text (reasoning only when it
holds one), binary inputs dropped under ``privacy.binary: drop``, placeholders restored in output
text, refusals and the client's function-call arguments (not in built-in tool items or
reasoning), the response's ``id`` and ``model`` the gateway's (``previous_response_id`` and
``GET /v1/responses/{id}`` are served by the gateway's own store), and ``sequence_number``
renumbered so that a released placeholder tail (one more delta) keeps the numbers consecutive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tenbin.faces import map_strings, sse_event

if TYPE_CHECKING:
    from tenbin.privacy.stream import StreamRestorer

FORMAT = "openai.responses"
_NOTES = {"input_image": "〔画像〕", "input_file": "〔ファイル〕"}
_SCALARS = ("model", "stream", "temperature", "top_p", "max_output_tokens", "max_tool_calls", "store",
            "parallel_tool_calls", "background", "service_tier", "truncation", "include", "reasoning",
            "top_logprobs")


# A delta event → the field it streams; a done event → (its field, the delta event it ends).
_DELTAS = {"response.output_text.delta": "text", "response.refusal.delta": "refusal",
           "response.function_call_arguments.delta": "arguments"}
_DONES = {"response.output_text.done": ("text", "response.output_text.delta"),
          "response.refusal.done": ("refusal", "response.refusal.delta"),
          "response.function_call_arguments.done": ("arguments", "response.function_call_arguments.delta")}


def response_id(request_id: str) -> str:
    return "resp_" + request_id.removeprefix("req_")


def _binary(drop: bool) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    def one(part: dict[str, Any]) -> dict[str, Any] | None:
        kind = part.get("type")
        if drop and kind in _NOTES:
            return {"type": "input_text", "text": _NOTES[str(kind)]}
        return None

    return one


class Codec:
    """``context.NativeCodec`` for OpenAI's Responses format."""

    format = FORMAT

    def mask(self, body: dict[str, Any], text: Callable[[str], str], signed: Callable[[str], str],
             drop_binary: bool) -> dict[str, Any]:
        out: dict[str, Any] = map_strings({k: v for k, v in body.items() if k not in _SCALARS}, text, signed,
                                          _binary(drop_binary))
        out.update({k: body[k] for k in _SCALARS if k in body})
        return out

    def restore(self, answer: dict[str, Any], restorer: Any) -> None:
        for item in answer.get("output") or ():
            if isinstance(item, dict):
                _restore_item(item, restorer)

    def relay(self, restorer: Any, request_id: str, model: str) -> Relay:
        return Relay(restorer, request_id, model)

    def render(self, answer: dict[str, Any], request_id: str, model: str) -> dict[str, Any]:
        return {**answer, "id": response_id(request_id), "model": model}

    def texts(self, answer: dict[str, Any]) -> Iterator[str]:
        for item in answer.get("output") or ():
            if isinstance(item, dict) and item.get("type") == "message":
                for part in item.get("content") or ():
                    if isinstance(part, dict) and isinstance(part.get("text"), str):
                        yield part["text"]


def _restore_item(item: dict[str, Any], restorer: Any) -> None:
    kind = item.get("type")
    if kind == "message":
        for part in item.get("content") or ():
            if not isinstance(part, dict):
                continue
            for field in ("text", "refusal"):
                if isinstance(part.get(field), str):
                    part[field] = restorer.session.restore(part[field])
    elif kind == "function_call":
        name = item.get("name")
        if isinstance(name, str):
            name = item["name"] = restorer.tool_name(name)
        if isinstance(item.get("arguments"), str):
            item["arguments"] = restorer.arguments(name if isinstance(name, str) else None)(item["arguments"])


class Relay:
    """One Responses event stream: a ``StreamRestorer`` per text part (and per function call's
    arguments), whose held-back tail goes out as one more delta before its ``.done`` event."""

    def __init__(self, restorer: Any, request_id: str, model: str) -> None:
        self.restorer = restorer
        self.id, self.model = response_id(request_id), model
        self.seq = 0
        self.names: dict[int, str | None] = {}  # output_index → the function call's (restored) name
        self.parts: dict[tuple[str, int, int], StreamRestorer] = {}

    def _out(self, event: str, data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        data = {**data, "sequence_number": self.seq}
        self.seq += 1
        return event, data

    def _restorer(self, kind: str, data: dict[str, Any]) -> StreamRestorer:
        key = (kind, int(data.get("output_index") or 0), int(data.get("content_index") or 0))
        got = self.parts.get(key)
        if got is None:
            session = self.restorer.session
            got = self.parts[key] = (session.stream_restorer(self.restorer.arguments(self.names.get(key[1])))
                                     if kind == "arguments" else session.stream_restorer())
        return got

    def feed(self, event: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        kind = str(data.get("type") or event)
        if isinstance(data.get("response"), dict):
            resp = {**data["response"], "id": self.id, "model": self.model}
            if self.restorer is not None:
                for item in resp.get("output") or ():
                    if isinstance(item, dict):
                        _restore_item(item, self.restorer)
            data = {**data, "response": resp}
        r = self.restorer
        if r is None:
            return [self._out(event, data)]
        out: list[tuple[str, dict[str, Any]]] = []
        if kind in ("response.output_item.added", "response.output_item.done") and isinstance(data.get("item"), dict):
            item = data["item"]
            _restore_item(item, r)
            if item.get("type") == "function_call":
                self.names[int(data.get("output_index") or 0)] = item.get("name")
        elif kind in _DELTAS and isinstance(data.get("delta"), str):
            data["delta"] = self._restorer(_DELTAS[kind], data).feed(data["delta"])
        elif kind in _DONES:
            field, delta_kind = _DONES[kind]
            held = self._restorer(field, data)
            tail = held.flush()
            if tail:
                extra = {k: v for k, v in data.items() if k in ("item_id", "output_index", "content_index")}
                out.append(self._out(delta_kind, {"type": delta_kind, **extra, "delta": tail}))
            if isinstance(data.get(field), str):
                name = self.names.get(int(data.get("output_index") or 0))
                whole = r.arguments(name) if field == "arguments" else r.session.restore
                data[field] = whole(data[field])
        elif kind == "response.content_part.done" and isinstance(data.get("part"), dict):
            part = data["part"]
            for field in ("text", "refusal"):
                if isinstance(part.get(field), str):
                    part[field] = r.session.restore(part[field])
        out.append(self._out(event, data))
        return out

    def text(self, data: dict[str, Any]) -> str:
        if data.get("type") == "response.output_text.delta":
            return str(data.get("delta") or "")
        return ""


class Writer:
    """Relayed events → SSE frames as OpenAI sends them; a failure the pipeline reports
    mid-stream becomes an ``error`` event, numbered after the last event sent. ``final`` is the
    finished response (for ``store``), once ``response.completed`` went out."""

    def __init__(self) -> None:
        self.seq = 0
        self.final: dict[str, Any] | None = None

    def start(self) -> bytes:
        return b""

    def feed(self, item: dict[str, Any]) -> bytes:
        if "error" in item:
            err = item["error"] or {}
            self.final = None
            return sse_event("error", {"type": "error", "sequence_number": self.seq, "code": err.get("code"),
                                       "message": str(err.get("message") or "the answer failed"), "param": None})
        data = item["data"]
        self.seq = int(data.get("sequence_number") or 0) + 1
        if data.get("type") in ("response.completed", "response.incomplete") and isinstance(data.get("response"), dict):
            self.final = data["response"]
        return sse_event(str(item["event"]), data)

    def end(self) -> bytes:
        return b""


CODEC = Codec()
