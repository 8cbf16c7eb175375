"""The Messages face's own format, for a vendor that speaks it (Anthropic): masking of the request
as written, restore of the ``message`` and of its event stream, and the stream's rendering.

Nothing here translates: cache marks, signed thinking, citations, server tools and their result
blocks, and blocks tenbin has never heard of go to the vendor and back as they are. What changes
is only what privacy and the client's view need — found values masked in text parts (thinking
only when it holds one: its signature covers it byte for byte), binary parts dropped under
``privacy.binary: drop``, placeholders restored in text, citations' ``cited_text`` and the
client's tool inputs (never in thinking or server-tool blocks: the model wrote those with what it
saw), and the message's ``id`` and ``model`` the gateway's, as the translated answer has them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tenbin.faces import map_strings, sse_event
from tenbin.faces.messages_answer import message_id

if TYPE_CHECKING:
    from tenbin.privacy.stream import StreamRestorer

FORMAT = "anthropic.messages"
_NOTES = {"image": "〔画像〕", "document": "〔ファイル〕"}


def _binary(text: Callable[[str], str], drop: bool) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    def one(block: dict[str, Any]) -> dict[str, Any] | None:
        kind = block.get("type")
        src = block.get("source")
        if kind not in _NOTES or not isinstance(src, dict):
            return None
        if src.get("type") == "text" and isinstance(src.get("data"), str):  # a plain-text document
            rest = {k: (text(v) if isinstance(v, str) and k in ("title", "context") else v)
                    for k, v in block.items() if k != "source"}
            return {**rest, "source": {**src, "data": text(src["data"])}}
        if drop and src.get("type") in ("base64", "url", "file"):
            return {"type": "text", "text": _NOTES[str(kind)]}
        return None

    return one


class Codec:
    """``context.NativeCodec`` for Anthropic's Messages format."""

    format = FORMAT

    def mask(self, body: dict[str, Any], text: Callable[[str], str], signed: Callable[[str], str],
             drop_binary: bool) -> dict[str, Any]:
        skip = ("model", "max_tokens", "stream", "temperature", "top_p", "top_k", "thinking", "service_tier",
                "container")
        out: dict[str, Any] = map_strings({k: v for k, v in body.items() if k not in skip}, text, signed,
                                          _binary(text, drop_binary))
        out.update({k: body[k] for k in skip if k in body})
        return out

    def restore(self, answer: dict[str, Any], restorer: Any) -> None:
        for block in answer.get("content") or ():
            if isinstance(block, dict):
                _restore_block(block, restorer)

    def relay(self, restorer: Any, request_id: str, model: str) -> Relay:
        return Relay(restorer, request_id, model)

    def render(self, answer: dict[str, Any], request_id: str, model: str) -> dict[str, Any]:
        return {**answer, "id": message_id(request_id), "model": model}

    def texts(self, answer: dict[str, Any]) -> Iterator[str]:
        for block in answer.get("content") or ():
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str):
                yield block["text"]


def _input_fn(restorer: Any, name: str | None) -> Callable[[str], str]:
    """Strings of a decoded tool input: real values only for internal tools (privacy.restore)."""
    session = restorer.session
    fn: Callable[[str], str] = (session.restore if name is not None and name in restorer.rules.internal_tools
                                else session.unescape)
    return fn


def _restore_block(block: dict[str, Any], restorer: Any) -> None:
    kind = block.get("type")
    if kind == "text":
        if isinstance(block.get("text"), str):
            block["text"] = restorer.session.restore(block["text"])
        for c in block.get("citations") or ():
            if isinstance(c, dict) and isinstance(c.get("cited_text"), str):
                c["cited_text"] = restorer.session.restore(c["cited_text"])
    elif kind == "tool_use":
        name = block.get("name")
        if isinstance(name, str):
            name = block["name"] = restorer.tool_name(name)
        fn = _input_fn(restorer, name if isinstance(name, str) else None)
        block["input"] = map_strings(block.get("input"), fn, fn)


class Relay:
    """One Messages event stream: per content block a ``StreamRestorer`` over its text (or its
    tool input's JSON), whose held-back tail goes out as one more delta before the block stops."""

    def __init__(self, restorer: Any, request_id: str, model: str) -> None:
        self.restorer = restorer
        self.id, self.model = message_id(request_id), model
        self.blocks: dict[int, tuple[str, StreamRestorer]] = {}  # index → (delta type, restorer)

    def feed(self, event: str, data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        kind = data.get("type")
        if kind == "message_start" and isinstance(data.get("message"), dict):
            return [(event, {**data, "message": {**data["message"], "id": self.id, "model": self.model}})]
        r = self.restorer
        if r is None:
            return [(event, data)]
        index = data.get("index")
        if kind == "content_block_start" and isinstance(data.get("content_block"), dict):
            block = data["content_block"]
            if block.get("type") == "text":
                self.blocks[int(index or 0)] = ("text_delta", r.session.stream_restorer())
                _restore_block(block, r)
            elif block.get("type") == "tool_use":
                _restore_block(block, r)
                name = block.get("name") if isinstance(block.get("name"), str) else None
                self.blocks[int(index or 0)] = ("input_json_delta", r.session.stream_restorer(r.arguments(name)))
            return [(event, data)]
        if kind == "content_block_delta" and isinstance(data.get("delta"), dict):
            delta = data["delta"]
            held = self.blocks.get(int(index or 0))
            if held is not None and delta.get("type") == held[0]:
                field = "text" if held[0] == "text_delta" else "partial_json"
                if isinstance(delta.get(field), str):
                    delta[field] = held[1].feed(delta[field])
            elif delta.get("type") == "citations_delta" and isinstance(delta.get("citation"), dict):
                c = delta["citation"]
                if isinstance(c.get("cited_text"), str):
                    c["cited_text"] = r.session.restore(c["cited_text"])
            return [(event, data)]
        if kind == "content_block_stop":
            held = self.blocks.pop(int(index or 0), None)
            tail = held[1].flush() if held is not None else ""
            if held is not None and tail:
                field = "text" if held[0] == "text_delta" else "partial_json"
                extra = {"type": "content_block_delta", "index": index, "delta": {"type": held[0], field: tail}}
                return [("content_block_delta", extra), (event, data)]
        return [(event, data)]

    def text(self, data: dict[str, Any]) -> str:
        delta = data.get("delta")
        if data.get("type") == "content_block_delta" and isinstance(delta, dict) and delta.get("type") == "text_delta":
            return str(delta.get("text") or "")
        return ""


class Writer:
    """Relayed events → SSE frames as Anthropic sends them; a failure the pipeline reports
    mid-stream (``{"error": …}``) becomes Anthropic's ``error`` event and ends the stream."""

    def start(self) -> bytes:
        return b""

    def feed(self, item: dict[str, Any]) -> bytes:
        if "error" in item:
            err = item["error"] or {}
            return sse_event("error", {"type": "error", "error": {
                "type": "api_error", "message": str(err.get("message") or "the answer failed")}})
        return sse_event(str(item["event"]), item["data"])

    def end(self) -> bytes:
        return b""


CODEC = Codec()
